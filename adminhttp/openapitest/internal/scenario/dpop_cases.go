package scenario

import (
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
)

var dpopCases = []testCase{
	{"dpop_bound_access_tokens is false unless asked for, and round-trips on create and update", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		wantBound := func(r result, want bool) {
			t.Helper()
			if got, ok := r.obj(t)["dpop_bound_access_tokens"].(bool); !ok || got != want {
				t.Errorf("dpop_bound_access_tokens %v, want %v", r.obj(t)["dpop_bound_access_tokens"], want)
			}
		}
		r := e.do(tok, "POST", apps(), createBody("none"))
		wantStatus(t, r, 201)
		wantBound(r, false)
		r = e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"dpop_bound_access_tokens":true}`)
		wantStatus(t, r, 201)
		wantBound(r, true)
		sid := str(r.obj(t), "sid")
		wantBound(e.do(tok, "GET", appPath(sid), ""), true)
		wantBound(e.do(tok, "POST", appPath(sid), `{"dpop_bound_access_tokens":false}`), false)
		wantBound(e.do(tok, "GET", appPath(sid), ""), false)
		wantBound(e.do(tok, "POST", appPath(sid), `{"dpop_bound_access_tokens":true}`), true)

		before := e.stored(t, owner.AccountSID)
		for _, bad := range []string{`"yes"`, `1`, `[true]`} {
			wantProblem(t, e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"dpop_bound_access_tokens":`+bad+`}`), 400, adminhttp.ProblemInvalidRequest, "dpop_bound_access_tokens")
			wantProblem(t, e.do(tok, "POST", appPath(sid), `{"dpop_bound_access_tokens":`+bad+`}`), 400, adminhttp.ProblemInvalidRequest, "dpop_bound_access_tokens")
		}
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused dpop_bound_access_tokens changed or created an app")
		}
	}},
}
