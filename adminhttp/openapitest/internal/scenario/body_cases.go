package scenario

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
)

var bodyCases = []testCase{
	{"bodies that are not one JSON object are refused and change nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		for _, c := range []struct {
			body   string
			header []string
			status int
			typ    string
			field  string
		}{
			{"", nil, 400, adminhttp.ProblemInvalidRequest, ""},
			{`{"friendly_name":`, nil, 400, adminhttp.ProblemInvalidRequest, ""},
			{`not json`, nil, 400, adminhttp.ProblemInvalidRequest, ""},
			{`"a string"`, nil, 400, adminhttp.ProblemInvalidRequest, ""},
			{createBody("x") + `{}`, nil, 400, adminhttp.ProblemInvalidRequest, ""},
			{createBody("x"), []string{"Content-Type", "text/plain"}, 415, adminhttp.ProblemUnsupportedMediaType, "Content-Type"},
			{createBody("x"), []string{"Content-Type", ""}, 415, adminhttp.ProblemUnsupportedMediaType, "Content-Type"},
			{"", []string{"Content-Type", ""}, 415, adminhttp.ProblemUnsupportedMediaType, "Content-Type"},
			{"", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, adminhttp.ProblemUnsupportedMediaType, "Content-Type"},
		} {
			wantProblem(t, e.do(tok, "POST", apps(), c.body, c.header...), c.status, c.typ, c.field)
		}
		wantStatus(t, e.do(tok, "POST", apps(), createBody("x"), "Content-Type", "application/json; charset=utf-8"), 201)
		if n := strings.Count(e.stored(t, owner.AccountSID), "\n"); n != 1 {
			t.Errorf("%d apps stored, want the 1 valid create", n)
		}
	}},
	{"a body over the limit is 413 and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		big := `{"friendly_name":"x","description":"` + strings.Repeat("d", adminhttp.DefaultMaxBodyBytes) + `","policy":{"allow":["` + PermList + `"]}}`
		wantProblem(t, e.do(tok, "POST", apps(), big), 413, adminhttp.ProblemBodyTooLarge, "")
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "POST", appPath(sid), `{"description":"`+strings.Repeat("d", adminhttp.DefaultMaxBodyBytes)+`"}`), 413, adminhttp.ProblemBodyTooLarge, "")
		if e.stored(t, owner.AccountSID) != before {
			t.Error("a refused body changed the app")
		}
	}},
	{"no problem answer holds a secret", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		m := e.create(t, tok, "x")
		sid, sec := str(m, "sid"), str(m, "client_secret")
		// A client that pastes its secret where it does not belong.
		for _, body := range []string{
			`{"friendly_name":"` + sec + "\u0001" + `"}`,
			`{"client_secret":"` + sec + `"}`,
			`{"policy":{"allow":["` + sec + `"]}}`,
			`{"` + sec + `":1}`,
		} {
			r := e.do(tok, "POST", appPath(sid), body)
			if r.status != 400 || strings.Contains(string(r.body), sec) {
				t.Errorf("status %d, body %s: the secret is echoed", r.status, r.body)
			}
		}
	}},
}

var documentCases = []testCase{
	{"the OpenAPI document is served at its path, with the API's prefix as its server", func(t *testing.T, e *env) {
		r := e.do("", "GET", e.api.OpenAPIPath(), "")
		wantStatus(t, r, 200)
		var doc struct {
			OpenAPI string           `json:"openapi"`
			Servers []map[string]any `json:"servers"`
			Paths   map[string]any   `json:"paths"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0]["url"] != Prefix {
			t.Errorf("openapi %q servers %v", doc.OpenAPI, doc.Servers)
		}
		for _, p := range []string{"/OAuthApps", "/OAuthApps/{Sid}", "/OAuthApps/{Sid}/Secrets"} {
			if doc.Paths[p] == nil {
				t.Errorf("the document lacks %s", p)
			}
		}
		tok, _ := e.owner()
		if link := e.do(tok, "GET", apps(), "").header.Get("Link"); link != `<`+Prefix+`/openapi.json>; rel="service-desc"` {
			t.Errorf("answers link the document as %q", link)
		}
		if e.api.OpenAPIPath() != Prefix+"/openapi.json" || e.api.CollectionPath() != apps() {
			t.Errorf("paths %s %s", e.api.OpenAPIPath(), e.api.CollectionPath())
		}
	}},
}
