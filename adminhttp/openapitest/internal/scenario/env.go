// Package scenario holds the management API's own tests, as a suite that
// runs every route through a wrapper the caller chooses: TestAPI runs it
// bare, and the validator of this module runs it checking every request
// and answer against the served document. It lives in this module, not
// in adminhttp's, so that the core module ships no test code.
package scenario

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
)

// Prefix is the prefix the suite mounts the API under: the default.
const Prefix = adminhttp.DefaultPrefix

// Permissions the suite's apps are given.
const (
	PermList = "/demo/messaging/messages/list"
	PermRead = "/demo/messaging/messages/read"
)

// env is one API on a fresh service, with callers by token.
type env struct {
	t     *testing.T
	svc   *oauthapp.Service
	store *store.Memory
	api   *adminhttp.API
	h     http.Handler
	clock *oauthapptest.Clock
	logs  *syncbuf.Buffer
	wrap  func(http.Handler) http.Handler

	mu      sync.Mutex
	actors  map[string]oauthapp.Actor // bearer token -> actor
	events  []oauthapp.Event
	secrets []string // every client secret seen, for leak checks
}

// newEnv builds the API under test and wraps its mux with wrap.
func newEnv(t *testing.T, wrap func(http.Handler) http.Handler, opts ...adminhttp.Option) *env {
	t.Helper()
	e := &env{
		t:      t,
		store:  store.NewMemory(),
		clock:  oauthapptest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		logs:   new(syncbuf.Buffer),
		wrap:   wrap,
		actors: make(map[string]oauthapp.Actor),
	}
	e.svc = oauthapptest.New(t, oauthapptest.WithStore(e.store), oauthapptest.WithClock(e.clock),
		oauthapptest.WithServiceOptions(oauthapp.WithResources(ResourceA, ResourceB), oauthapp.WithAudit(func(_ context.Context, ev oauthapp.Event) {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
		}))).Service
	logger := slog.New(slog.NewTextHandler(e.logs, nil))
	var err error
	e.api, err = adminhttp.New(e.svc, e.authenticate, append([]adminhttp.Option{adminhttp.WithLogger(logger)}, opts...)...)
	if err != nil {
		t.Fatalf("adminhttp.New: %v", err)
	}
	mux := http.NewServeMux()
	e.api.Register(mux)
	e.h = mux
	if wrap != nil {
		e.h = wrap(mux)
	}
	t.Cleanup(e.checkNoSecretLogged)
	return e
}

// sibling returns a second instance of the API on the same store and
// clock, as another process of the deployment would run it, with no
// key-encryption key in common with the first; it knows the same callers.
func (e *env) sibling(t *testing.T) *env {
	t.Helper()
	s := &env{t: t, store: e.store, clock: e.clock, logs: e.logs, wrap: e.wrap, actors: map[string]oauthapp.Actor{}}
	s.svc = oauthapptest.New(t, oauthapptest.WithStore(e.store), oauthapptest.WithClock(e.clock)).Service
	var err error
	s.api, err = adminhttp.New(s.svc, e.authenticate, adminhttp.WithLogger(slog.New(slog.NewTextHandler(e.logs, nil))))
	if err != nil {
		t.Fatalf("adminhttp.New: %v", err)
	}
	mux := http.NewServeMux()
	s.api.Register(mux)
	s.h = mux
	if e.wrap != nil {
		s.h = e.wrap(mux)
	}
	return s
}

// authenticate is the host's authenticator of the suite: a bearer token
// names an actor the suite registered.
func (e *env) authenticate(r *http.Request) (oauthapp.Actor, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	e.mu.Lock()
	defer e.mu.Unlock()
	a, found := e.actors[tok]
	if !ok || !found {
		return oauthapp.Actor{}, errUnknownCaller
	}
	return a, nil
}

type callerError struct{}

func (callerError) Error() string { return "unknown caller" }

var errUnknownCaller error = callerError{}

// caller registers an actor and returns the bearer token that names it.
func (e *env) caller(a oauthapp.Actor) string {
	tok := "tok-" + string(a.Role) + "-" + a.UserSID + "@" + a.AccountSID
	e.mu.Lock()
	e.actors[tok] = a
	e.mu.Unlock()
	return tok
}

// result is an answer.
type result struct {
	status int
	header http.Header
	body   []byte
}

// obj decodes the answer as a JSON object.
func (r result) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v: %.200s", r.status, err, r.body)
	}
	return m
}

// do sends a request, with Content-Type: application/json when it has a
// body or is a POST, as a client of the API does; headers come in name,
// value pairs, and a pair with an empty value removes the header.
func (e *env) do(tok, method, path, body string, headers ...string) result {
	e.t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := result{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if s, ok := res.objOK()["client_secret"].(string); ok {
		e.mu.Lock()
		e.secrets = append(e.secrets, s)
		e.mu.Unlock()
	}
	return res
}

func (r result) objOK() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.body, &m)
	return m
}

// checkNoSecretLogged fails the test if a client secret reached the log.
func (e *env) checkNoSecretLogged() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.secrets {
		if strings.Contains(e.logs.String(), s) {
			e.t.Errorf("a client secret was logged")
		}
	}
}

// eventsSince returns the audit events after the first n.
func (e *env) eventsSince(n int) []oauthapp.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]oauthapp.Event(nil), e.events[n:]...)
}

// changesSince returns the audit events of management calls after the
// first n events.
func (e *env) changesSince(n int) []oauthapp.Event {
	var out []oauthapp.Event
	for _, ev := range e.eventsSince(n) {
		switch ev.Kind {
		case oauthapp.EventAppCreated, oauthapp.EventAppUpdated, oauthapp.EventAppDeleted, oauthapp.EventSecretRotated:
			out = append(out, ev)
		}
	}
	return out
}

func (e *env) eventCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.events)
}

func apps() string { return Prefix + "/OAuthApps" }

func appPath(sid string) string { return apps() + "/" + sid }

func secretsPath(sid string) string { return appPath(sid) + "/Secrets" }

// createBody is a valid create body.
func createBody(name string) string {
	return `{"friendly_name":"` + name + `","policy":{"allow":["` + PermList + `"]}}`
}
