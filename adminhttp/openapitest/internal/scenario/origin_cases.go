package scenario

import (
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
)

// The suite's requests are addressed to example.com, httptest's host.
const (
	ownOrigin     = "http://example.com"
	evilOrigin    = "https://evil.example"
	consoleOrigin = "https://console.example.com"
)

// forgeries are the ways a page of another site gets a browser to send a
// request with the victim's cookies: a form (url-encoded or text/plain,
// which carries a JSON-looking body), fetch with those types, from
// another site, from a sibling subdomain, and from an older browser that
// sends Origin without Sec-Fetch-Site. Each is a Content-Type, a body and
// header pairs.
var forgeries = []struct {
	name, ctype, body string
	headers           []string
}{
	{"an empty form post", "application/x-www-form-urlencoded", "", []string{"Origin", evilOrigin, "Sec-Fetch-Site", "cross-site"}},
	{"a form post", "application/x-www-form-urlencoded", "grace_period=0", []string{"Origin", evilOrigin, "Sec-Fetch-Site", "cross-site"}},
	{"a text/plain form holding JSON", "text/plain", `{"grace_period":0,"friendly_name":"x"}`, []string{"Origin", evilOrigin, "Sec-Fetch-Site", "cross-site"}},
	{"a JSON fetch from another site", "application/json", `{}`, []string{"Origin", evilOrigin, "Sec-Fetch-Site", "cross-site"}},
	{"a sibling subdomain", "application/x-www-form-urlencoded", "", []string{"Origin", "http://other.example.com", "Sec-Fetch-Site", "same-site"}},
	{"an older browser without Sec-Fetch-Site", "application/x-www-form-urlencoded", "", []string{"Origin", evilOrigin}},
}

// stateChanging is every route of the suite that changes something.
func stateChanging() []route {
	var out []route
	for _, r := range routes {
		if r.method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

// forge sends each forgery to each state-changing route on an app ready
// for all of them, and wants every one refused with 403 and nothing
// stored or audited.
func (e *env) forge(t *testing.T, tok, account, sid string, origins ...string) {
	t.Helper()
	before, events := e.stored(t, account), e.eventCount()
	for _, r := range stateChanging() {
		for _, f := range forgeries {
			headers := append([]string{"Content-Type", f.ctype}, f.headers...)
			res := e.do(tok, r.method, r.path(sid), f.body, headers...)
			if res.status != 403 {
				t.Errorf("%s to %s %s: %d, want 403", f.name, r.method, r.name, res.status)
				continue
			}
			wantProblem(t, res, 403, adminhttp.ProblemCrossOrigin, "")
		}
	}
	if e.stored(t, account) != before || e.eventCount() != events {
		t.Error("a refused cross-origin request changed something or emitted events")
	}
}

// readyApp creates an app that every refused route would act on (a key
// "k" for the key removal) and returns its SID.
func (e *env) readyApp(t *testing.T, tok string) string {
	t.Helper()
	sid := str(e.create(t, tok, "target"), "sid")
	wantStatus(t, e.do(tok, "POST", keysPath(sid), keyBody("k", "", suiteKey.publicPEM)), 201)
	return sid
}

var crossOriginCases = []testCase{
	{"a cross-origin browser request to any route that changes something is 403 and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		e.forge(t, tok, owner.AccountSID, e.readyApp(t, tok))
	}},
	{"the API's own origin, and clients that are no browser, are served", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		for _, r := range stateChanging() {
			for _, headers := range [][]string{
				{"Origin", ownOrigin, "Sec-Fetch-Site", "same-origin"},
				{"Origin", ownOrigin},
				{"Sec-Fetch-Site", "none"},
				nil,
			} {
				sid := e.target(t, tok, r)
				if res := e.do(tok, r.method, r.path(sid), r.body, headers...); res.status != r.success {
					t.Errorf("%s with %q: %d, want %d: %s", r.name, headers, res.status, r.success, res.body)
				}
			}
		}
	}},
	{"reading is never refused for its origin", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		sid := e.readyApp(t, tok)
		for _, r := range routes {
			if r.method == "GET" {
				wantStatus(t, e.do(tok, r.method, r.path(sid), "", "Origin", evilOrigin, "Sec-Fetch-Site", "cross-site"), r.success)
			}
		}
	}},
	{"WithTrustedOrigins lets a console on another origin call the API, and no other", func(t *testing.T, e *env) {
		e = newEnv(t, e.wrap, adminhttp.WithTrustedOrigins(consoleOrigin))
		tok, owner := e.owner()
		e.forge(t, tok, owner.AccountSID, e.readyApp(t, tok))
		for _, r := range stateChanging() {
			sid := e.target(t, tok, r)
			res := e.do(tok, r.method, r.path(sid), r.body, "Origin", consoleOrigin, "Sec-Fetch-Site", "cross-site")
			if res.status != r.success {
				t.Errorf("%s from the trusted console: %d, want %d: %s", r.name, res.status, r.success, res.body)
			}
		}
	}},
}

// target creates an app ready for r's success and returns its SID.
func (e *env) target(t *testing.T, tok string, r route) string {
	t.Helper()
	sid := str(e.create(t, tok, "target"), "sid")
	if r.prepare != nil {
		r.prepare(t, e, tok, sid)
	}
	return sid
}
