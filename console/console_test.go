package console_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Every answer of the console, whatever page or refusal, forbids inline
// script and style and framing, and is kept out of every cache; the
// pages load no script or style inline.
func TestEveryPageCarriesTheSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	sid, _ := e.create("owner", "headers", permList)
	version := e.get("owner", "/console/apps/"+sid).version(t)
	// Each page in the order it is fetched (the stale page follows the rotation), with its status.
	type fetched struct {
		status int
		page   page
	}
	pages := map[string]fetched{
		"list":                    {200, e.get("owner", "/console/")},
		"next page":               {200, e.get("owner", "/console/?after="+sid)},
		"create form":             {200, e.get("owner", "/console/apps/new")},
		"app":                     {200, e.get("owner", "/console/apps/"+sid)},
		"delete confirmation":     {200, e.get("owner", "/console/apps/"+sid+"/delete")},
		"created secret":          {200, e.post("owner", "/console/apps", url.Values{"name": {"second"}, "permission": {permRead}})},
		"rotated secret":          {200, e.post("owner", "/console/apps/"+sid+"/rotate", url.Values{"grace": {"3600"}, "version": {version}})},
		"refused form":            {400, e.post("owner", "/console/apps", url.Values{"name": {""}})},
		"stale page":              {409, e.post("owner", "/console/apps/"+sid+"/rotate", url.Values{"grace": {"0"}, "version": {version}})},
		"missing app":             {404, e.get("owner", "/console/apps/OQ00000000000000000000000000000000")},
		"missing page":            {404, e.get("owner", "/console/nowhere")},
		"not signed in":           {401, e.get("", "/console/")},
		"role that cannot manage": {403, e.get("billing", "/console/")},
		"cross-origin post":       {403, e.postFrom("owner", "/console/apps", url.Values{"name": {"x"}}, map[string]string{"Sec-Fetch-Site": "cross-site"})},
		"redirect after a change": {303, e.post("owner", "/console/apps/"+sid+"/delete", url.Values{"version": {e.get("owner", "/console/apps/"+sid).version(t)}})},
		"stylesheet":              {200, e.get("", "/console/assets/console.css")},
		"script":                  {200, e.get("", "/console/assets/console.js")},
	}
	for name, f := range pages {
		t.Run(name, func(t *testing.T) {
			p := f.page
			if p.status != f.status {
				t.Fatalf("status %d, want %d", p.status, f.status)
			}
			csp := p.header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("Content-Security-Policy %q allows something unsafe", csp)
			}
			cache := "no-store"
			if name == "stylesheet" || name == "script" {
				cache = "no-cache" // revalidated by ETag; no secret in them
			}
			if got := p.header.Get("Cache-Control"); got != cache {
				t.Errorf("Cache-Control %q, want %q", got, cache)
			}
			for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
				if got := p.header.Get(k); got != want {
					t.Errorf("%s %q, want %q", k, got, want)
				}
			}
			if strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
				for _, inline := range []string{"<script>", "<style", " style=", " onclick=", " onsubmit=", "javascript:"} {
					if strings.Contains(p.body, inline) {
						t.Errorf("the page has inline %q", inline)
					}
				}
			}
		})
	}
}

// A new app's secret is shown on the answer to the create, works at the
// token endpoint, and is never shown again: not on the app's page, not in
// the list, not in a log line.
func TestCreateShowsTheSecretOnce(t *testing.T) {
	e := newEnv(t)
	p := e.post("dev", "/console/apps", url.Values{
		"name": {"reports"}, "description": {"nightly reports"}, "permission": {permList, permRead}, "ttl": {"900"},
	})
	p.want(t, http.StatusOK, "App created: reports", "Copy the client secret now", "only time it is shown")
	sec := p.secret(t)
	if p.header.Get("Location") != "" {
		t.Fatalf("the create redirected to %q; the secret must be on its own answer", p.header.Get("Location"))
	}
	apps, err := e.kit.Service.ListApps(t.Context(), e.people["dev"], "", 10)
	if err != nil || len(apps) != 1 {
		t.Fatalf("apps %v, %v; want the one created", apps, err)
	}
	app := apps[0]
	if app.FriendlyName != "reports" || app.Description != "nightly reports" || app.TokenTTL != 15*time.Minute ||
		strings.Join(app.Permissions.Allow, " ") != permList+" "+permRead {
		t.Fatalf("created %+v, not what the form said", app)
	}
	if !e.works(app.SID, sec) {
		t.Fatal("the secret shown does not get a token")
	}
	for _, path := range []string{"/console/", "/console/apps/" + app.SID, "/console/apps/" + app.SID + "/delete"} {
		if q := e.get("dev", path); strings.Contains(q.body, sec) {
			t.Fatalf("%s shows the secret again", path)
		}
	}
	e.get("owner", "/console/").want(t, http.StatusOK, "reports", app.SID, "15 minutes")
	if strings.Contains(e.log.String(), sec) {
		t.Fatalf("the log holds the secret:\n%s", e.log)
	}
}

// A create the service or the form refuses says why, marks the field,
// keeps what was typed, and creates nothing.
func TestCreateRefusesBadInputAndCreatesNothing(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		says  string
	}{
		{"no name", url.Values{"name": {""}, "permission": {permList}}, "name", "Name: friendly name is required"},
		{"a control character in the name", url.Values{"name": {"a\x07b"}, "permission": {permList}}, "name", "Name:"},
		{"a description too long", url.Values{"name": {"x"}, "description": {strings.Repeat("d", 1025)}, "permission": {permList}}, "description", "more than 1024"},
		{"no permission", url.Values{"name": {"keep me"}}, "permissions", "Permissions: pick at least one"},
		{"a permission not in the grammar", url.Values{"name": {"x"}, "permission": {"not a permission"}}, "permissions", "Permissions:"},
		{"a lifetime that is not a number", url.Values{"name": {"x"}, "permission": {permList}, "ttl": {"an hour"}}, "ttl", "Token lifetime: a whole number of seconds"},
		{"a lifetime under a minute", url.Values{"name": {"x"}, "permission": {permList}, "ttl": {"10"}}, "ttl", "Token lifetime:"},
		{"a lifetime over 30 days", url.Values{"name": {"x"}, "permission": {permList}, "ttl": {"2592001"}}, "ttl", "Token lifetime:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.post("owner", "/console/apps", tc.form)
			p.want(t, http.StatusBadRequest, tc.says, "Nothing was created", "Create app")
			if !strings.Contains(p.body, `id="`+tc.field+`"`) && tc.field != "permissions" {
				t.Fatalf("no field %q on the page", tc.field)
			}
			if !strings.Contains(p.body, `aria-invalid="true"`) {
				t.Fatal("no field is marked invalid")
			}
			if name := tc.form.Get("name"); name == "keep me" && !strings.Contains(p.body, `value="keep me"`) {
				t.Fatal("the name typed is not kept")
			}
			if n := e.count(); n != 0 {
				t.Fatalf("%d apps after a refused create", n)
			}
		})
	}
}

// Rotation offers graces from none to 30 days with the app's default
// chosen; with none, the old secret stops at once, and the answer shows
// the new secret and both secrets' expiry.
func TestRotateWithoutGraceStopsTheOldSecretAtOnce(t *testing.T) {
	e := newEnv(t)
	sid, old := e.create("owner", "rotating", permList)
	app := e.get("owner", "/console/apps/"+sid)
	app.want(t, http.StatusOK, `<option value="86400" selected>For 1 day (the app's default)</option>`, `<option value="0">None`, `<option value="2592000">For 30 days`)

	p := e.post("admin", "/console/apps/"+sid+"/rotate", url.Values{"grace": {"3600"}, "version": {app.version(t)}})
	p.want(t, http.StatusOK, "New client secret: rotating", "previous, in its grace", "2030-01-01 01:00 UTC")
	mid := p.secret(t)
	if mid == old || !e.works(sid, old) || !e.works(sid, mid) {
		t.Fatal("with an hour's grace, both the old and the new secret must work")
	}

	p = e.post("owner", "/console/apps/"+sid+"/rotate", url.Values{"grace": {"0"}, "version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	p.want(t, http.StatusOK, "New client secret")
	last := p.secret(t)
	if e.works(sid, old) || e.works(sid, mid) {
		t.Fatal("after a rotation without grace, an earlier secret still works")
	}
	if !e.works(sid, last) {
		t.Fatal("the new secret does not work")
	}
	if strings.Contains(p.body, "previous, in its grace") {
		t.Fatal("a rotation without grace still lists a previous secret")
	}
}

// A form loaded before someone else changed the app is refused with a
// message and the app as it is now, and changes nothing.
func TestStalePageChangesNothing(t *testing.T) {
	e := newEnv(t)
	sid, _ := e.create("owner", "shared", permList)
	stale := e.get("owner", "/console/apps/"+sid).version(t)
	// Someone else rotates it meanwhile.
	_, current, err := e.kit.Service.RotateSecret(t.Context(), e.people["dev"], sid, oauthapp.Rotation{Grace: oauthapp.Grace(0)})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.kit.Service.GetApp(t.Context(), e.people["owner"], sid)

	for name, tc := range map[string]struct {
		path string
		form url.Values
	}{
		"rotate":     {"/console/apps/" + sid + "/rotate", url.Values{"grace": {"0"}}},
		"delete":     {"/console/apps/" + sid + "/delete", url.Values{}},
		"add a key":  {"/console/apps/" + sid + "/keys", url.Values{"public_key": {publicKeyPEM(t)}}},
		"remove key": {"/console/apps/" + sid + "/keys/k1/remove", url.Values{}},
	} {
		t.Run(name, func(t *testing.T) {
			tc.form.Set("version", stale)
			p := e.post("owner", tc.path, tc.form)
			p.want(t, http.StatusConflict, "This app changed after this page was loaded", "Nothing was changed", "shared")
			if got := p.version(t); got == stale {
				t.Fatalf("the page shows the stale version %s again", got)
			}
			after, err := e.kit.Service.GetApp(t.Context(), e.people["owner"], sid)
			if err != nil || after.Version != before.Version {
				t.Fatalf("the app changed: version %d -> %d, %v", before.Version, after.Version, err)
			}
			if !e.works(sid, current.Reveal()) {
				t.Fatal("the current secret stopped working")
			}
		})
	}
	p := e.post("owner", "/console/apps/"+sid+"/rotate", url.Values{"grace": {"0"}})
	p.want(t, http.StatusBadRequest, "The form is incomplete")
}

// A PEM public key pasted into the form becomes a client key of the app,
// listed on its page; a bad one is refused with the reason and the text
// kept; removal takes it away.
func TestClientKeysAreAddedAndRemoved(t *testing.T) {
	e := newEnv(t)
	sid, _ := e.create("owner", "keyed", permList)
	pemKey := publicKeyPEM(t)

	p := e.post("owner", "/console/apps/"+sid+"/keys", url.Values{"public_key": {"not a key"}, "version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	p.want(t, http.StatusBadRequest, "Public key:", "Nothing was changed", "not a key")

	p = e.post("owner", "/console/apps/"+sid+"/keys", url.Values{"public_key": {pemKey}, "key_id": {"laptop-1"}, "algorithm": {"ES256"}, "version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/console/apps/"+sid+"?notice=key-added" {
		t.Fatalf("add key: %d to %q, want 303 to the app's page", p.status, p.header.Get("Location"))
	}
	e.get("owner", p.header.Get("Location")).want(t, http.StatusOK, "The client key was added", "laptop-1", "ES256")

	p = e.post("owner", "/console/apps/"+sid+"/keys/nope/remove", url.Values{"version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	p.want(t, http.StatusNotFound, "The app has no client key with this ID")

	p = e.post("owner", "/console/apps/"+sid+"/keys/laptop-1/remove", url.Values{"version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("remove key: %d, want 303", p.status)
	}
	page := e.get("owner", p.header.Get("Location"))
	page.want(t, http.StatusOK, "The client key was removed", "The app has no client keys")
}

// Delete asks on a page that names the app; once confirmed, the app's
// secret and tokens stop working.
func TestDeleteNamesTheAppAndStopsItsTokens(t *testing.T) {
	e := newEnv(t)
	sid, sec := e.create("owner", "doomed", permList)
	tok, err := e.kit.Service.IssueToken(t.Context(), oauthapp.TokenRequest{ClientID: sid, ClientSecret: sec})
	if err != nil {
		t.Fatal(err)
	}
	confirm := e.get("dev", "/console/apps/"+sid+"/delete")
	confirm.want(t, http.StatusOK, "Delete “doomed”?", "Delete “doomed”</button>", "cannot be undone")

	p := e.post("dev", "/console/apps/"+sid+"/delete", url.Values{"version": {confirm.version(t)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/console/?notice=deleted" {
		t.Fatalf("delete: %d to %q, want 303 to the list", p.status, p.header.Get("Location"))
	}
	e.get("dev", p.header.Get("Location")).want(t, http.StatusOK, "The app was deleted")
	if e.works(sid, sec) {
		t.Fatal("the deleted app's secret still works")
	}
	if _, err := e.kit.Service.Authorize(t.Context(), tok.AccessToken, oauthapp.Resource{Permission: permList}); !errors.Is(err, oauthapp.ErrAppDeleted) {
		t.Fatalf("the deleted app's token: %v, want ErrAppDeleted", err)
	}
	e.get("dev", "/console/apps/"+sid).want(t, http.StatusNotFound, "There is no OAuth app")
}

// The list shows a page of 20 apps at a time, with a link to the next.
func TestListIsPaged(t *testing.T) {
	e := newEnv(t)
	for i := range 23 {
		if _, _, err := e.kit.Service.CreateApp(t.Context(), e.people["owner"], oauthapp.NewApp{FriendlyName: fmt.Sprintf("app %02d", i), Permissions: oauthapp.Permissions{Allow: []string{permList}}}); err != nil {
			t.Fatal(err)
		}
	}
	first := e.get("owner", "/console/")
	first.want(t, http.StatusOK, `rel="next"`)
	if n := strings.Count(first.body, `<th scope="row">`); n != 20 {
		t.Fatalf("the first page lists %d apps, want 20", n)
	}
	next := strings.Split(strings.Split(first.body, `<a href="`)[len(strings.Split(first.body, `<a href="`))-1], `"`)[0]
	second := e.get("owner", strings.ReplaceAll(next, "&amp;", "&"))
	second.want(t, http.StatusOK, "First page")
	if n := strings.Count(second.body, `<th scope="row">`); n != 3 || strings.Contains(second.body, `rel="next"`) {
		t.Fatalf("the second page lists %d apps (want 3) or links a third", n)
	}
	e.get("owner", "/console/?after=bogus").want(t, http.StatusBadRequest, "There is no such page of the list")
}

// publicKeyPEM is a new P-256 public key as a PEM PUBLIC KEY block.
func publicKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// Every form control on every page has a label of its own, so a screen
// reader names it and a click on the label reaches it.
func TestEveryControlHasALabel(t *testing.T) {
	e := newEnv(t)
	sid, _ := e.create("owner", "labelled", permList)
	e.post("owner", "/console/apps/"+sid+"/keys", url.Values{"public_key": {publicKeyPEM(t)}, "version": {e.get("owner", "/console/apps/"+sid).version(t)}})
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, path := range []string{"/console/apps/new", "/console/apps/" + sid, "/console/apps/" + sid + "/delete", "/console/"} {
		p := e.get("owner", path)
		p.want(t, http.StatusOK)
		n := 0
		for _, c := range control.FindAllString(p.body, -1) {
			if strings.Contains(c, `type="hidden"`) {
				continue
			}
			n++
			m := id.FindStringSubmatch(c)
			if m == nil || !strings.Contains(p.body, `<label for="`+m[1]+`"`) {
				t.Errorf("%s: the control %s has no label", path, c)
			}
		}
		if path != "/console/" && path != "/console/apps/"+sid+"/delete" && n == 0 {
			t.Errorf("%s: no control found; the test would prove nothing", path)
		}
	}
}
