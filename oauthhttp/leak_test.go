package oauthhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

// flakyStore is the memory store with failures a real database has: every
// TouchSecret times out, and GetApp fails while failGets is set. Its
// errors name the app, as a driver's might; the service logs them.
type flakyStore struct {
	*store.Memory
	failGets atomic.Bool
}

func (f *flakyStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	if f.failGets.Load() {
		return store.App{}, fmt.Errorf("flaky store: connection reset reading app %s", sid)
	}
	return f.Memory.GetApp(ctx, sid)
}

func (f *flakyStore) TouchSecret(_ context.Context, appSID, secretID string, _ time.Time) error {
	return fmt.Errorf("flaky store: touching %s/%s timed out", appSID, secretID)
}

// capture collects everything the library says to the outside but the
// credentials it means to hand out: log records (as the JSON a log
// pipeline stores), audit events, error strings, and every answer that is
// not a granted token.
type capture struct {
	mu     sync.Mutex
	logs   bytes.Buffer
	events []oauthapp.Event
	said   []string // error strings and answers
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.logs.Write(p)
}

func (c *capture) audit(_ context.Context, e oauthapp.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, e)
}

func (c *capture) say(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.said = append(c.said, s)
}

// err records an error in every form a caller might print it.
func (c *capture) err(err error) {
	if err != nil {
		c.say(fmt.Sprintf("%v | %+v | %#v", err, err, err))
	}
}

// everything is all the captured text, one item per entry.
func (c *capture) everything() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := strings.Split(c.logs.String(), "\n")
	for _, e := range c.events {
		j, _ := json.Marshal(e)
		out = append(out, fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), string(j))
	}
	return append(out, c.said...)
}

// credentials holds every secret generated or presented and every access
// token issued during the scenario.
type credentials struct {
	secrets, tokens []string
}

// secretValue is the part of a secret nobody may see: everything after
// its public id ("oqcs_<id>_" is public and printed on purpose).
func secretValue(s string) string { return s[len(secret.Prefix)+9:] }

// tokenSignature is the signature segment of a JWS.
func tokenSignature(tok string) string { return tok[strings.LastIndexByte(tok, '.')+1:] }

// TestNoSecretOrTokenLeaks runs the life of two apps (create, rotate,
// issue by both methods, failed logins with real-looking wrong secrets and
// with credentials in the wrong fields, store failures, introspection,
// revocation, use, a grace-0 rotation, deletion) and asserts that no
// secret value (any ever generated or presented) and no access token, nor
// its signature, appears in a log record, an audit event, an error string
// or any answer other than the token grant itself.
func TestNoSecretOrTokenLeaks(t *testing.T) {
	sc, flaky, clock := newLeakScenario(t)
	svc := sc.svc

	app1, s1 := sc.create()
	app2, s2 := sc.create()
	t1 := sc.issue(app1.SID, s1, false)
	t2 := sc.issue(app2.SID, s2, true)

	_, s1b := sc.rotate(app1.SID, time.Hour)
	t1b := sc.issue(app1.SID, s1, true) // the previous secret, in its grace
	t1c := sc.issue(app1.SID, s1b, false)

	sc.failLogins(app1.SID, app2.SID, s1b, s2, t1)

	// Introspection and revocation, of one's own and of another's token.
	sc.call(oauthhttp.IntrospectionPath, "token="+url.QueryEscape(t1), basic(app1.SID, s1b))
	sc.call(oauthhttp.IntrospectionPath, "token="+url.QueryEscape(t2), basic(app1.SID, s1b))
	sc.call(oauthhttp.IntrospectionPath, "token="+url.QueryEscape(t1), basic(app1.SID, sc.wrongSecret()))
	sc.call(oauthhttp.RevocationPath, "token="+url.QueryEscape(t2), basic(app1.SID, s1b))
	sc.call(oauthhttp.RevocationPath, "token="+url.QueryEscape(t1b), basic(app1.SID, s1b))

	sc.useTokens(app1, app2, s1b, s2, []string{t1, t1b, t1c, t2, t1 + "x", strings.Replace(t2, ".", ".e30", 1)})

	// The store fails: the service and the server log it.
	flaky.failGets.Store(true)
	sc.call(oauthhttp.TokenPath, "grant_type=client_credentials", basic(app1.SID, s1b))
	sc.use(messages(app1.AccountSID), t1c)
	flaky.failGets.Store(false)

	// A grace-0 rotation and a deletion kill everything of app1.
	_, s1c := sc.rotate(app1.SID, 0)
	sc.use(messages(app1.AccountSID), t1c)
	sc.failLogin("grant_type=client_credentials", basic(app1.SID, s1b))
	sc.cap.err(svc.DeleteApp(ctx, sc.owner, app1.SID, 0))
	sc.use(messages(app1.AccountSID), t1c)
	sc.failLogin("grant_type=client_credentials", basic(app1.SID, s1c))
	sc.cap.err(svc.DeleteApp(ctx, sc.owner, app1.SID, 0))
	_, _, err := svc.RotateSecret(ctx, sc.owner, app1.SID, oauthapp.Rotation{})
	sc.cap.err(err)
	clock.Advance(2 * time.Hour)
	_, err = svc.Purge(ctx)
	sc.cap.err(err)

	sc.checkNothingLeaked()
}

// newLeakScenario starts a token server whose service and server log,
// audit and answer into the scenario's capture, over a store that can be
// made to fail.
func newLeakScenario(t *testing.T) (*scenario, *flakyStore, *oauthapptest.Clock) {
	cap := &capture{}
	logger := slog.New(slog.NewJSONHandler(cap, &slog.HandlerOptions{Level: slog.LevelDebug}))
	flaky := &flakyStore{Memory: store.NewMemory()}
	kit := oauthapptest.New(t, oauthapptest.WithStore(flaky), oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(
		oauthapp.WithIssuer(issuer), oauthapp.WithLogger(logger), oauthapp.WithAudit(cap.audit)))
	limiter, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithLimiterClock(kit.Clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := oauthhttp.New(kit.Service, oauthhttp.WithLogger(logger), oauthhttp.WithLimiter(limiter))
	if err != nil {
		t.Fatal(err)
	}
	st := &stack{}
	st.start(t, srv)
	return &scenario{t: t, st: st, svc: kit.Service, cap: cap, owner: oauthapptest.NewActor(oauthapp.RoleOwner)}, flaky, kit.Clock
}

// failLogins fails to log in, by both methods and with credentials in the
// wrong fields: s1b is app1's secret, s2 app2's and t1 a token of app1.
func (sc *scenario) failLogins(app1, app2, s1b, s2, t1 string) {
	sc.failLogin("grant_type=client_credentials", basic(app1, sc.wrongSecret()))
	sc.failLogin("grant_type=client_credentials&client_id="+app1+"&client_secret="+url.QueryEscape(sc.wrongSecret()), "")
	sc.failLogin("grant_type=client_credentials", basic(app1, s2))
	sc.failLogin("grant_type=client_credentials", basic(s1b, s1b))
	sc.failLogin("grant_type=client_credentials", basic(oauthapptest.NewSID("OQ"), sc.wrongSecret()))
	sc.failLogin("grant_type=client_credentials", basic(app1, t1))
	sc.failLogin("grant_type=client_credentials", basic(app1, s1b[:len(s1b)-1]+"0")) // '0' is outside the alphabet: surely a typo
	sc.failLogin("grant_type="+url.QueryEscape(s1b), basic(app1, s1b))
	sc.failLogin("grant_type=client_credentials&scope="+url.QueryEscape(s1b), basic(app1, s1b))
	sc.failLogin("grant_type=client_credentials&scope="+url.QueryEscape("/demo/"+s1b), basic(app1, s1b))
	sc.failLogin("grant_type=client_credentials&client_id="+url.QueryEscape(s2), basic(app1, s1b))
	sc.failLogin("grant_type=client_credentials&client_secret="+url.QueryEscape(s1b), basic(app1, s1b))
	for range oauthhttp.DefaultClientFailures + 1 { // the last is held back
		sc.failLogin("grant_type=client_credentials", basic(app2, sc.wrongSecret()))
	}
	for _, sec := range []string{sc.wrongSecret(), s2, "x" + s1b} {
		_, err := sc.svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app1, ClientSecret: sec})
		sc.cap.err(err)
		_, err = sc.svc.AuthenticateClient(ctx, app1, sec, "")
		sc.cap.err(err)
	}
}

// useTokens uses each of toks (good, revoked, on another account,
// forged) on a route, through the service, and to introspect and revoke.
func (sc *scenario) useTokens(app1, app2 oauthapp.App, s1b, s2 string, toks []string) {
	client1, err := sc.svc.AuthenticateClient(ctx, app1.SID, s1b, "")
	sc.cap.err(err)
	client2, err := sc.svc.AuthenticateClient(ctx, app2.SID, s2, "")
	sc.cap.err(err)
	for _, tok := range toks {
		sc.use(messages(app1.AccountSID), tok)
		sc.use(messages(oauthapptest.NewSID("AC")), tok)
		_, err := sc.svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permCreate, AccountSID: app1.AccountSID})
		sc.cap.err(err)
		_, _, err = sc.svc.Introspect(ctx, client1, tok)
		sc.cap.err(err)
		sc.cap.err(sc.svc.Revoke(ctx, client2, tok))
	}
}

// checkNothingLeaked checks that the capture holds what the scenario
// must have made it hold, and no secret, token or token signature.
func (sc *scenario) checkNothingLeaked() {
	t := sc.t
	// The capture must hold what it should, or its silence proves nothing.
	text := sc.cap.everything()
	all := strings.Join(text, "\n")
	for _, want := range []string{"flaky store", string(oauthapp.EventAuthenticationFail), string(oauthapp.EventSecretRotated),
		string(oauthapp.EventTokenRevoked), string(oauthapp.EventAppDeleted), "invalid_client", "temporarily_unavailable"} {
		if !strings.Contains(all, want) {
			t.Errorf("the capture lacks %q: the scenario did not run as meant", want)
		}
	}
	t.Logf("checked %d log lines, %d audit events, %d error strings and answers against %d secrets and %d tokens",
		strings.Count(sc.cap.logs.String(), "\n"), len(sc.cap.events), len(sc.cap.said), len(sc.creds.secrets), len(sc.creds.tokens))

	for _, line := range text {
		for _, s := range sc.creds.secrets {
			if strings.Contains(line, secretValue(s)) {
				t.Errorf("a secret leaked: %s", line)
			}
		}
		for _, tok := range sc.creds.tokens {
			if strings.Contains(line, tok) || strings.Contains(line, tokenSignature(tok)) {
				t.Errorf("an access token leaked: %s", line)
			}
		}
	}
}

// scenario drives the leak test and remembers every credential.
type scenario struct {
	t     *testing.T
	st    *stack
	svc   *oauthapp.Service
	cap   *capture
	owner oauthapp.Actor
	creds credentials
}

func (sc *scenario) create() (oauthapp.App, string) {
	app, sec, err := sc.svc.CreateApp(ctx, sc.owner, oauthapp.NewApp{FriendlyName: "leaky", Permissions: oauthapp.Permissions{Allow: []string{permList, permRead}}})
	if err != nil {
		sc.t.Fatal(err)
	}
	sc.creds.secrets = append(sc.creds.secrets, sec.Reveal())
	return app, sec.Reveal()
}

func (sc *scenario) rotate(sid string, grace time.Duration) (oauthapp.App, string) {
	app, sec, err := sc.svc.RotateSecret(ctx, sc.owner, sid, oauthapp.Rotation{Grace: oauthapp.Grace(grace)})
	if err != nil {
		sc.t.Fatal(err)
	}
	sc.creds.secrets = append(sc.creds.secrets, sec.Reveal())
	return app, sec.Reveal()
}

func (sc *scenario) wrongSecret() string {
	s := realLookingSecret(sc.t)
	sc.creds.secrets = append(sc.creds.secrets, s)
	return s
}

// issue gets a token by client_secret_basic or client_secret_post.
func (sc *scenario) issue(id, sec string, post bool) string {
	sc.t.Helper()
	body, auth := "grant_type=client_credentials", basic(id, sec)
	if post {
		body += "&client_id=" + url.QueryEscape(id) + "&client_secret=" + url.QueryEscape(sec)
		auth = ""
	}
	a := sc.st.post(sc.t, oauthhttp.TokenPath, body, auth)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &tok) != nil {
		sc.t.Fatalf("token request: %d %s", a.status, a.body)
	}
	sc.creds.tokens = append(sc.creds.tokens, tok.AccessToken)
	return tok.AccessToken
}

// record keeps an answer and its headers.
func (sc *scenario) record(a answer) {
	h, _ := json.Marshal(a.header)
	sc.cap.say(fmt.Sprintf("%d %s %s", a.status, h, a.body))
}

// failLogin sends a token request that must not succeed.
func (sc *scenario) failLogin(body, auth string) {
	sc.t.Helper()
	a := sc.st.post(sc.t, oauthhttp.TokenPath, body, auth)
	if a.status == http.StatusOK {
		sc.t.Fatalf("a bad token request succeeded: %s", body)
	}
	sc.record(a)
}

// call posts to any endpoint and records the answer (the token endpoint's
// only when it is not a grant).
func (sc *scenario) call(path, body, auth string) {
	a := sc.st.post(sc.t, path, body, auth)
	if path == oauthhttp.TokenPath && a.status == http.StatusOK {
		sc.t.Fatalf("a token request meant to fail succeeded")
	}
	sc.record(a)
}

// use calls the API with a token and records the answer.
func (sc *scenario) use(path, tok string) {
	sc.record(sc.st.get(sc.t, path, tok))
}
