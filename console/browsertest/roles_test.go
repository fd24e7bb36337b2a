package browsertest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/oauthapps/oauthapps/console"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
)

// TestRolesInABrowser mounts the console in a host of the test's own,
// whose sign-in sets a cookie naming the person: a Developer creates an
// app with the keyboard alone and reads its secret, which works; a
// Billing user is told on every page that the role cannot manage apps,
// and changes nothing.
func TestRolesInABrowser(t *testing.T) {
	b := newBrowser(t)
	cat, err := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Accounts/{AccountSid}/Calls", Permission: "/demo/voice/calls/list"},
		{Pattern: "POST /v1/Accounts/{AccountSid}/Calls", Permission: "/demo/voice/calls/create"},
	})
	if err != nil {
		t.Fatal(err)
	}
	kit := oauthapptest.New(t, oauthapptest.WithCatalog(cat))
	people := map[string]oauthapp.Actor{
		"dev":     {UserSID: "dev-1", AccountSID: kit.Owner.AccountSID, Role: oauthapp.RoleDeveloper},
		"billing": {UserSID: "billing-1", AccountSID: kit.Owner.AccountSID, Role: oauthapp.RoleBilling},
	}
	authenticate := func(r *http.Request) (oauthapp.Actor, error) {
		c, err := r.Cookie("who")
		if err != nil {
			return oauthapp.Actor{}, err
		}
		if a, ok := people[c.Value]; ok {
			return a, nil
		}
		return oauthapp.Actor{}, errors.New("unknown person")
	}
	c, err := console.New(kit.Service, authenticate)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("as"), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/console/", http.StatusSeeOther)
	})
	host := httptest.NewServer(mux)
	defer host.Close()

	// A Developer manages apps, and the create form works from the keyboard.
	b.do("sign in as a developer", chromedp.Navigate(host.URL+"/signin?as=dev"), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.wantText("OAuth apps", "The account has no apps yet")
	b.do("open the create form", chromedp.Navigate(host.URL+"/console/apps/new"), chromedp.WaitVisible(chromedp.CSS("#name")))
	b.do("fill in and send the form with the keyboard",
		chromedp.Focus(chromedp.CSS("#name")),
		chromedp.KeyEvent("keyboard app"),
		chromedp.KeyEvent(kb.Tab), // description
		chromedp.KeyEvent(kb.Tab), // the first permission: /demo/voice/calls/create
		chromedp.KeyEvent(kb.Tab), // the second: /demo/voice/calls/list
		chromedp.KeyEvent(" "),    // checks it
		chromedp.KeyEvent(kb.Tab), // token lifetime
		chromedp.KeyEvent(kb.Tab), // Create app
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#client-secret")),
	)
	b.wantText("App created: keyboard app")
	sid, sec := b.text("#client-id"), b.text("#client-secret")
	b.screenshot("developer-created")
	app, err := kit.Service.GetApp(t.Context(), people["dev"], sid)
	if err != nil || len(app.Permissions.Allow) != 1 || app.Permissions.Allow[0] != "/demo/voice/calls/list" || app.CreatedBy != "dev-1" {
		t.Fatalf("created %+v (%v), want the developer's app allowed /demo/voice/calls/list", app, err)
	}
	if _, err := kit.Service.IssueToken(t.Context(), oauthapp.TokenRequest{ClientID: sid, ClientSecret: sec}); err != nil {
		t.Fatalf("the secret on the page gets no token: %v", err)
	}

	// A Billing user cannot manage apps: every page says so.
	b.do("sign in as billing", chromedp.Navigate(host.URL+"/signin?as=billing"), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.wantText("Your role in this account (billing) cannot manage OAuth apps")
	b.screenshot("billing-refused")
	for _, path := range []string{"/console/apps/new", "/console/apps/" + sid, "/console/apps/" + sid + "/delete"} {
		b.do("open "+path+" as billing", chromedp.Navigate(host.URL+path), chromedp.WaitVisible(chromedp.CSS(".alert")))
		b.wantText("cannot manage OAuth apps")
		if main := b.mainText(); strings.Contains(main, sid) || strings.Contains(main, "keyboard app") {
			t.Fatalf("%s shows the app to billing:\n%s", path, main)
		}
	}
	if _, err := kit.Service.GetApp(t.Context(), people["dev"], sid); err != nil {
		t.Fatalf("the app after billing's visit: %v", err)
	}
	b.checkConsoleHeaders(host.URL+"/console", 6)
}
