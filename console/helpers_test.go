package console_test

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/console"
	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
	"log/slog"
)

const (
	permList  = "/demo/messaging/messages/list"
	permRead  = "/demo/messaging/messages/read"
	permWrite = "/demo/messaging/messages/create"
)

var routes = []scope.Route{
	{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: permList},
	{Pattern: "POST /v1/Accounts/{AccountSid}/Messages", Permission: permWrite},
	{Pattern: "GET /v1/Accounts/{AccountSid}/Messages/{Sid}", Permission: permRead},
}

// env is a console on a kit's service, served by httptest, with people
// of several roles who sign in with the X-User header.
type env struct {
	t      *testing.T
	kit    *oauthapptest.Kit
	srv    *httptest.Server
	log    *syncbuf.Buffer
	people map[string]oauthapp.Actor
}

func newEnv(t *testing.T, opts ...console.Option) *env {
	t.Helper()
	cat, err := scope.NewCatalog(routes)
	if err != nil {
		t.Fatal(err)
	}
	kit := oauthapptest.New(t, oauthapptest.WithCatalog(cat))
	e := &env{t: t, kit: kit, log: &syncbuf.Buffer{}, people: map[string]oauthapp.Actor{}}
	acct := kit.Owner.AccountSID
	for name, role := range map[string]oauthapp.Role{
		"owner": oauthapp.RoleOwner, "admin": oauthapp.RoleAdministrator, "dev": oauthapp.RoleDeveloper,
		"billing": oauthapp.RoleBilling, "support": oauthapp.RoleSupport, "reader": oauthapp.RoleReadOnly,
	} {
		e.people[name] = oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: acct, Role: role}
	}
	e.people["stranger"] = oauthapptest.NewActor(oauthapp.RoleOwner) // the owner of another account
	auth := func(r *http.Request) (oauthapp.Actor, error) {
		a, ok := e.people[r.Header.Get("X-User")]
		if !ok {
			return oauthapp.Actor{}, errors.New("no such user")
		}
		return a, nil
	}
	opts = append([]console.Option{console.WithLogger(slog.New(slog.NewTextHandler(e.log, nil)))}, opts...)
	c, err := console.New(kit.Service, auth, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// page is an answer of the console, its body read.
type page struct {
	status int
	header http.Header
	body   string
}

// get fetches a page as the person ("" for nobody signed in).
func (e *env) get(who, path string) page {
	e.t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(who, req)
}

// post submits a form as a browser on the console's own page would
// (Sec-Fetch-Site: same-origin), as the person.
func (e *env) post(who, path string, form url.Values) page {
	e.t.Helper()
	return e.postFrom(who, path, form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": e.srv.URL})
}

// postFrom submits a form with the given headers.
func (e *env) postFrom(who, path string, form url.Values, headers map[string]string) page {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return e.do(who, req)
}

func (e *env) do(who string, req *http.Request) page {
	e.t.Helper()
	if who != "" {
		req.Header.Set("X-User", who)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// want fails the test unless the page has the status and holds each of
// the texts (as they read, unescaped).
func (p page) want(t *testing.T, status int, texts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; page:\n%s", p.status, status, p.body)
	}
	text := html.UnescapeString(p.body)
	for _, s := range texts {
		if !strings.Contains(text, s) {
			t.Fatalf("the page does not say %q:\n%s", s, p.body)
		}
	}
}

var (
	secretRE  = regexp.MustCompile(`<code id="client-secret" class="secret">([^<]+)</code>`)
	versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// secret is the client secret the page shows.
func (p page) secret(t *testing.T) string {
	t.Helper()
	m := secretRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the page shows no client secret:\n%s", p.body)
	}
	return html.UnescapeString(m[1])
}

// version is the app version the page's forms carry.
func (p page) version(t *testing.T) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("the page has no form with the app's version:\n%s", p.body)
	}
	return m[1]
}

// create creates an app through the console as the person and returns
// its SID and secret.
func (e *env) create(who, name string, perms ...string) (sid, secret string) {
	e.t.Helper()
	p := e.post(who, "/console/apps", url.Values{"name": {name}, "permission": perms})
	p.want(e.t, http.StatusOK, "Copy the client secret now")
	m := regexp.MustCompile(`<code id="client-id">(OQ[0-9a-f]{32})</code>`).FindStringSubmatch(p.body)
	if m == nil {
		e.t.Fatalf("the page shows no client ID:\n%s", p.body)
	}
	return m[1], p.secret(e.t)
}

// works reports whether the secret gets a token for the app.
func (e *env) works(sid, secret string) bool {
	_, err := e.kit.Service.IssueToken(e.t.Context(), oauthapp.TokenRequest{ClientID: sid, ClientSecret: secret})
	return err == nil
}

// count is how many apps the account has.
func (e *env) count() int {
	e.t.Helper()
	apps, err := e.kit.Service.ListApps(e.t.Context(), e.people["owner"], "", oauthapp.MaxListLimit)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(apps)
}
