package scenario

import (
	"bytes"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// route is one call of the API on an app, for the access cases.
type route struct {
	name, method string
	path         func(sid string) string
	body         string
	success      int
	// prepare, when set, readies a fresh app for the route's success.
	prepare func(t *testing.T, e *env, tok, sid string)
}

var routes = []route{
	{"create", "POST", func(string) string { return apps() }, createBody("x"), 201, nil},
	{"list", "GET", func(string) string { return apps() }, "", 200, nil},
	{"fetch", "GET", appPath, "", 200, nil},
	{"update", "POST", appPath, `{"friendly_name":"y"}`, 200, nil},
	{"rotate", "POST", secretsPath, `{"grace_period":60}`, 201, nil},
	{"list secrets", "GET", secretsPath, "", 200, nil},
	{"add key", "POST", keysPath, keyBody("k", "", suiteKey.publicPEM), 201, nil},
	{"list keys", "GET", keysPath, "", 200, nil},
	{"remove key", "DELETE", func(sid string) string { return keyPath(sid, "k") }, "", 204, func(t *testing.T, e *env, tok, sid string) {
		wantStatus(t, e.do(tok, "POST", keysPath(sid), keyBody("k", "", suiteKey.publicPEM)), 201)
	}},
	{"add federated credential", "POST", credentialsPath, credentialBody("job", "system:serviceaccount:jobs:report"), 201, nil},
	{"list federated credentials", "GET", credentialsPath, "", 200, nil},
	{"delete", "DELETE", appPath, "", 204, nil},
}

var accessCases = []testCase{
	{"owner, administrator and developer may call every route", func(t *testing.T, e *env) {
		_, owner := e.owner()
		for _, role := range []oauthapp.Role{oauthapp.RoleOwner, oauthapp.RoleAdministrator, oauthapp.RoleDeveloper} {
			tok := e.caller(newActor(role, owner.AccountSID))
			for _, r := range routes {
				sid := str(e.create(t, tok, "target"), "sid")
				if r.prepare != nil {
					r.prepare(t, e, tok, sid)
				}
				before := e.eventCount()
				res := e.do(tok, r.method, r.path(sid), r.body)
				if res.status != r.success {
					t.Errorf("%s may %s: status %d, want %d: %s", role, r.name, res.status, r.success, res.body)
				}
				if r.method != "GET" && e.eventCount() == before {
					t.Errorf("%s by %s emitted no audit event", r.name, role)
				}
			}
		}
	}},
	{"every other role is 403 on every route and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "target"), "sid")
		before, events := e.stored(t, owner.AccountSID), e.eventCount()
		for _, role := range []oauthapp.Role{oauthapp.RoleBilling, oauthapp.RoleSupport, oauthapp.RoleReadOnly, "", "superuser"} {
			other := e.caller(newActor(role, owner.AccountSID))
			for _, r := range routes {
				wantProblem(t, e.do(other, r.method, r.path(sid), r.body), 403, adminhttp.ProblemForbidden, "")
			}
		}
		if e.stored(t, owner.AccountSID) != before || e.eventCount() != events {
			t.Error("refused calls changed something or emitted events")
		}
	}},
	{"another account's app is 404 exactly like a missing one, and is left alone", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "target"), "sid")
		missing := "OQ" + strings.Repeat("a", 32)
		before := e.stored(t, owner.AccountSID)
		for _, role := range []oauthapp.Role{oauthapp.RoleOwner, oauthapp.RoleDeveloper} {
			stranger := e.caller(newActor(role, ""))
			for _, r := range routes {
				if r.name == "create" || r.name == "list" {
					continue
				}
				theirs := e.do(stranger, r.method, r.path(sid), r.body)
				none := e.do(stranger, r.method, r.path(missing), r.body)
				wantProblem(t, theirs, 404, adminhttp.ProblemNotFound, "")
				if !bytes.Equal(theirs.body, none.body) || theirs.status != none.status {
					t.Errorf("%s: another account's app (%s) differs from a missing one (%s)", r.name, theirs.body, none.body)
				}
			}
			list := e.do(stranger, "GET", apps(), "")
			if strings.Contains(string(list.body), sid) {
				t.Error("another account lists the app")
			}
		}
		if e.stored(t, owner.AccountSID) != before {
			t.Error("another account changed the app")
		}
	}},
	{"no credentials, or credentials the host refuses, are 401 on every route", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "target"), "sid")
		before := e.stored(t, owner.AccountSID)
		for _, bad := range []string{"", "forged"} {
			for _, r := range routes {
				res := e.do(bad, r.method, r.path(sid), r.body)
				wantProblem(t, res, 401, adminhttp.ProblemUnauthenticated, "")
				if strings.Contains(string(res.body), "unknown caller") {
					t.Error("the authenticator's error is shown to the client")
				}
			}
		}
		if e.stored(t, owner.AccountSID) != before {
			t.Error("unauthenticated calls changed something")
		}
	}},
	{"an actor with a malformed id from the authenticator is 401 and logged", func(t *testing.T, e *env) {
		bad := e.caller(oauthapp.Actor{UserSID: "has space", AccountSID: "acme", Role: oauthapp.RoleOwner})
		wantProblem(t, e.do(bad, "POST", apps(), createBody("x")), 401, adminhttp.ProblemUnauthenticated, "")
		if !strings.Contains(e.logs.String(), "malformed actor") {
			t.Error("the host's mistake is not logged")
		}
	}},
}
