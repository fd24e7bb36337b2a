package scenario

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// clusterIssuer is the issuer the suite's credentials name; nothing is
// fetched from it by management calls.
const clusterIssuer = "https://oidc.cluster.example.test"

func credentialsPath(sid string) string { return appPath(sid) + "/FederatedCredentials" }

func credentialPath(sid, fc string) string { return credentialsPath(sid) + "/" + fc }

// credentialBody is an add body for a credential of clusterIssuer.
func credentialBody(name, subject string) string {
	b, _ := json.Marshal(map[string]string{"name": name, "issuer": clusterIssuer, "subject": subject, "audience": "api://oauthapps"})
	return string(b)
}

// credentialEvents returns the federated credential events after the
// first n events.
func (e *env) credentialEvents(n int) []oauthapp.Event {
	var out []oauthapp.Event
	for _, ev := range e.eventsSince(n) {
		if ev.Kind == oauthapp.EventFederatedCredentialAdded || ev.Kind == oauthapp.EventFederatedCredentialRemoved {
			out = append(out, ev)
		}
	}
	return out
}

var credentialCases = []testCase{
	{"a credential added is listed and fetched with the app's ETag, and removed", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.eventCount()
		r := e.do(tok, "POST", credentialsPath(sid), `{"name":"report-job","issuer":"`+clusterIssuer+`","subject":"system:serviceaccount:jobs:report","audience":"api://oauthapps","description":"nightly"}`)
		wantStatus(t, r, 201)
		m := r.obj(t)
		fc := str(m, "sid")
		if !strings.HasPrefix(fc, "FC") || m["name"] != "report-job" || m["issuer"] != clusterIssuer || m["subject"] != "system:serviceaccount:jobs:report" ||
			m["audience"] != "api://oauthapps" || m["description"] != "nightly" || str(m, "date_created") == "" {
			t.Errorf("added credential: %s", r.body)
		}
		if m["url"] != credentialPath(sid, fc) || r.header.Get("Location") != credentialPath(sid, fc) || r.header.Get("ETag") != `"2"` {
			t.Errorf("url %v Location %q ETag %q", m["url"], r.header.Get("Location"), r.header.Get("ETag"))
		}
		if ev := e.credentialEvents(before); len(ev) != 1 || ev[0].Kind != oauthapp.EventFederatedCredentialAdded || ev[0].Actor != owner || ev[0].CredentialID != fc {
			t.Errorf("audit events %+v, want one federated_credential.added by the owner", ev)
		}

		list := e.do(tok, "GET", credentialsPath(sid), "")
		wantStatus(t, list, 200)
		creds, _ := list.obj(t)["federated_credentials"].([]any)
		if len(creds) != 1 || creds[0].(map[string]any)["sid"] != fc || list.header.Get("ETag") != `"2"` {
			t.Errorf("listed credentials: %s (ETag %q)", list.body, list.header.Get("ETag"))
		}
		one := e.do(tok, "GET", credentialPath(sid, fc), "")
		wantStatus(t, one, 200)
		if !bytes.Equal(one.body, r.body) || one.header.Get("ETag") != `"2"` {
			t.Errorf("fetched %s, want what the add answered %s", one.body, r.body)
		}

		r = e.do(tok, "DELETE", credentialPath(sid, fc), "")
		wantStatus(t, r, 204)
		if ev := e.credentialEvents(before); len(ev) != 2 || ev[1].Kind != oauthapp.EventFederatedCredentialRemoved || ev[1].CredentialID != fc {
			t.Errorf("audit events %+v, want federated_credential.removed last", ev)
		}
		if creds, _ := e.do(tok, "GET", credentialsPath(sid), "").obj(t)["federated_credentials"].([]any); len(creds) != 0 {
			t.Errorf("%d credentials listed after the removal", len(creds))
		}
		wantProblem(t, e.do(tok, "GET", credentialPath(sid, fc), ""), 404, adminhttp.ProblemNotFound, "")
		wantProblem(t, e.do(tok, "DELETE", credentialPath(sid, fc), ""), 404, adminhttp.ProblemNotFound, "")
		wantProblem(t, e.do(tok, "GET", credentialPath(sid, "not-a-sid"), ""), 404, adminhttp.ProblemNotFound, "")
	}},
	{"create with federated_credentials and no_secret gives an app without a secret", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		r := e.do(tok, "POST", apps(), `{"friendly_name":"workload","policy":{"allow":["`+PermList+`"]},"no_secret":true,"federated_credentials":[`+credentialBody("job", "system:serviceaccount:jobs:report")+`]}`)
		wantStatus(t, r, 201)
		m := r.obj(t)
		if _, ok := m["client_secret"]; ok {
			t.Errorf("an app without a secret answers a client_secret: %s", r.body)
		}
		creds, _ := e.do(tok, "GET", credentialsPath(str(m, "sid")), "").obj(t)["federated_credentials"].([]any)
		if len(creds) != 1 || creds[0].(map[string]any)["name"] != "job" {
			t.Errorf("credentials of the new app: %v", creds)
		}
		wantProblem(t, e.do(tok, "POST", apps(), `{"friendly_name":"w","policy":{"allow":["`+PermList+`"]},"no_secret":true,"federated_credentials":[{"name":"job","issuer":"http://oidc.example","subject":"s","audience":"a"}]}`),
			400, adminhttp.ProblemInvalidRequest, "federated_credentials")
		wantProblem(t, e.do(tok, "POST", apps(), `{"friendly_name":"w","policy":{"allow":["`+PermList+`"]},"federated_credentials":[{"name":"job","issuer":"`+clusterIssuer+`","subject":"s","audience":"a","kid":"x"}]}`),
			400, adminhttp.ProblemInvalidRequest, "kid")
		wantProblem(t, e.do(tok, "POST", appPath(str(m, "sid")), `{"federated_credentials":[]}`), 400, adminhttp.ProblemInvalidRequest, "federated_credentials")
	}},
	{"a bad credential is a problem naming the field, and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		wantStatus(t, e.do(tok, "POST", credentialsPath(sid), credentialBody("taken", "system:serviceaccount:jobs:taken")), 201)
		before, events := e.stored(t, owner.AccountSID), e.eventCount()
		body := func(name, issuer, subject, audience string) string {
			b, _ := json.Marshal(map[string]string{"name": name, "issuer": issuer, "subject": subject, "audience": audience})
			return string(b)
		}
		for _, c := range []struct{ body, field string }{
			{body("", clusterIssuer, "s", "a"), "name"},
			{body("has space", clusterIssuer, "s", "a"), "name"},
			{body("taken", clusterIssuer, "s", "a"), "name"},
			{body("n", "http://oidc.example", "s", "a"), "issuer"},
			{body("n", "https://user@oidc.example", "s", "a"), "issuer"},
			{body("n", "https://oidc.example/#frag", "s", "a"), "issuer"},
			{body("n", "https://oidc.example/?q=1", "s", "a"), "issuer"},
			{body("n", "", "s", "a"), "issuer"},
			{body("n", clusterIssuer, "", "a"), "subject"},
			{body("n", clusterIssuer, "system:serviceaccount:jobs:taken", "a"), "subject"},
			{body("n", clusterIssuer, "s", ""), "audience"},
			{body("n", clusterIssuer, "s", strings.Repeat("a", 601)), "audience"},
			{`{"name":"n","issuer":"` + clusterIssuer + `","subject":"s","audience":"a","description":"a\nb"}`, "description"},
			{`{"name":"n","issuer":7}`, "issuer"},
			{`{"name":"n","Issuer":"x"}`, "Issuer"},
			{`{"name":"n","name":"m"}`, "name"},
			{``, ""},
		} {
			wantProblem(t, e.do(tok, "POST", credentialsPath(sid), c.body), 400, adminhttp.ProblemInvalidRequest, c.field)
		}
		if e.stored(t, owner.AccountSID) != before || e.eventCount() != events {
			t.Error("refused credentials changed the app or emitted events")
		}
		for i := 1; i < 20; i++ {
			wantStatus(t, e.do(tok, "POST", credentialsPath(sid), credentialBody("job-"+string(rune('a'+i)), "sa-"+string(rune('a'+i)))), 201)
		}
		wantProblem(t, e.do(tok, "POST", credentialsPath(sid), credentialBody("one-more", "sa-more")), 400, adminhttp.ProblemInvalidRequest, "")
	}},
	{"add and remove with a stale If-Match are 412 and change nothing; an Idempotency-Key replays the add", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "POST", credentialsPath(sid), credentialBody("job", "s"), "If-Match", `"2"`), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused conditional add changed the app")
		}
		first := e.do(tok, "POST", credentialsPath(sid), credentialBody("job", "s"), "If-Match", `"1"`, "Idempotency-Key", "fc-1")
		wantStatus(t, first, 201)
		again := e.do(tok, "POST", credentialsPath(sid), credentialBody("job", "s"), "If-Match", `"1"`, "Idempotency-Key", "fc-1")
		wantStatus(t, again, 201)
		if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("the retry answered %s (replayed %q), want the first answer %s", again.body, again.header.Get("Idempotent-Replayed"), first.body)
		}
		fc := str(first.obj(t), "sid")
		before = e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "DELETE", credentialPath(sid, fc), "", "If-Match", `"1"`), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused conditional removal changed the app")
		}
		wantStatus(t, e.do(tok, "DELETE", credentialPath(sid, fc), "", "If-Match", first.header.Get("ETag")), 204)
	}},
	{"a credential of another account's app is 404 like a missing one; other roles are 403", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		fc := str(e.do(tok, "POST", credentialsPath(sid), credentialBody("job", "s")).obj(t), "sid")
		before := e.stored(t, owner.AccountSID)
		stranger := e.caller(newActor(oauthapp.RoleOwner, ""))
		missing := "OQ" + strings.Repeat("a", 32)
		for _, m := range []string{"GET", "DELETE"} {
			theirs, none := e.do(stranger, m, credentialPath(sid, fc), ""), e.do(stranger, m, credentialPath(missing, fc), "")
			wantProblem(t, theirs, 404, adminhttp.ProblemNotFound, "")
			if !bytes.Equal(theirs.body, none.body) {
				t.Errorf("%s: another account's app (%s) differs from a missing one (%s)", m, theirs.body, none.body)
			}
			wantProblem(t, e.do(e.caller(newActor(oauthapp.RoleReadOnly, owner.AccountSID)), m, credentialPath(sid, fc), ""), 403, adminhttp.ProblemForbidden, "")
			wantProblem(t, e.do("", m, credentialPath(sid, fc), ""), 401, adminhttp.ProblemUnauthenticated, "")
		}
		if e.stored(t, owner.AccountSID) != before {
			t.Error("refused calls changed the app")
		}
	}},
}
