package oauthhttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/secret"
)

// stack is the whole thing a deployment runs, over a real loopback
// listener: a service on the fake clock with the demo catalog, its OAuth
// endpoints mounted, and the demo API behind Protect.
type stack struct {
	kit    *oauthapptest.Kit // nil when the test built its own service
	srv    *oauthhttp.Server
	ts     *httptest.Server
	client *http.Client
	// served counts the requests the protected handler ran.
	served atomic.Int64
}

// servedHeader marks the answers of the protected handler itself.
const servedHeader = "X-Served-By-Api"

// stackConfig adjusts a stack: options for the service and the server.
type stackConfig struct {
	svc []oauthapp.Option
	srv []oauthhttp.Option
}

// newStack starts a stack; its listener closes when the test ends. The
// server's limiter runs on the kit's clock with the given limits.
func newStack(t testing.TB, limits []oauthhttp.LimiterOption, cfg stackConfig) *stack {
	t.Helper()
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithIssuer(issuer)}, cfg.svc...)...))
	limiter, err := oauthhttp.NewMemoryLimiter(append(limits, oauthhttp.WithLimiterClock(kit.Clock.Now))...)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := oauthhttp.New(kit.Service, append([]oauthhttp.Option{oauthhttp.WithLimiter(limiter)}, cfg.srv...)...)
	if err != nil {
		t.Fatal(err)
	}
	st := &stack{kit: kit}
	st.start(t, srv)
	return st
}

// start serves srv's endpoints and the demo API behind srv.Protect on a
// loopback listener that closes when the test ends.
func (st *stack) start(t testing.TB, srv *oauthhttp.Server) {
	st.srv = srv
	mux := http.NewServeMux()
	srv.Register(mux)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.served.Add(1)
		id, _ := oauthhttp.IdentityFrom(r.Context())
		w.Header().Set(servedHeader, "yes")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"app": id.AppSID, "account": id.AccountSID})
	})
	for _, rt := range routes {
		mux.Handle(rt.Pattern, srv.Protect(api))
	}
	st.ts = httptest.NewServer(mux)
	t.Cleanup(st.ts.Close)
	st.client = st.ts.Client()
}

// answer is an HTTP answer, read in full.
type answer struct {
	status int
	header http.Header
	body   string
}

// code is the "error" member of a JSON error body, "" if there is none.
func (a answer) code() string {
	var b struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal([]byte(a.body), &b)
	return b.Error
}

// do sends r to the stack and reads the answer.
func (st *stack) do(t testing.TB, r *http.Request) answer {
	t.Helper()
	if r.URL.Host == "" {
		u, err := url.Parse(st.ts.URL + r.URL.String())
		if err != nil {
			t.Fatal(err)
		}
		r.URL, r.Host = u, u.Host
	}
	resp, err := st.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// post sends a form to an endpoint path with the given Authorization
// header ("" for none).
func (st *stack) post(t testing.TB, path, body, auth string) answer {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, st.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", formType)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return st.do(t, r)
}

// get calls the API with a bearer token ("" for none).
func (st *stack) get(t testing.TB, path, bearer string) answer {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, st.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		r.Header.Set("Authorization", "Bearer "+bearer)
	}
	return st.do(t, r)
}

// issue gets a token for the client over HTTP (client_secret_basic) and
// fails the test unless it is granted.
func (st *stack) issue(t testing.TB, id, sec, scope string) string {
	t.Helper()
	body := "grant_type=client_credentials"
	if scope != "" {
		body += "&scope=" + url.QueryEscape(scope)
	}
	a := st.post(t, oauthhttp.TokenPath, body, basic(id, sec))
	if a.status != http.StatusOK {
		t.Fatalf("token request: %d %s", a.status, a.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(a.body), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token answer %q: %v", a.body, err)
	}
	return tok.AccessToken
}

// messages is the list route of an account.
func messages(account string) string { return "/v1/Accounts/" + account + "/Messages" }

// countingHasher is SHA-256 that counts its comparisons: the service
// verifies every presented secret through it.
type countingHasher struct {
	secret.SHA256
	compares atomic.Int64
}

func (h *countingHasher) Compare(encoded string, s secret.Secret) bool {
	h.compares.Add(1)
	return h.SHA256.Compare(encoded, s)
}

// realLookingSecret is a well-formed client secret nobody was given.
func realLookingSecret(t testing.TB) string {
	t.Helper()
	s, err := secret.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return s.Reveal()
}
