package console_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/console"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// A state change that a browser sends from another site is refused and
// changes nothing, even for a signed-in owner.
func TestCrossOriginPostIsRefused(t *testing.T) {
	e := newEnv(t)
	sid, sec := e.create("owner", "target", permList)
	version := e.get("owner", "/console/apps/"+sid).version(t)
	for name, headers := range map[string]map[string]string{
		"cross-site":                     {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"same-site, another origin":      {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
		"an old browser, another Origin": {"Origin": "https://evil.example"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/console/apps/" + sid + "/delete", "/console/apps/" + sid + "/rotate", "/console/apps"} {
				p := e.postFrom("owner", path, url.Values{"version": {version}, "grace": {"0"}, "name": {"x"}, "permission": {permList}}, headers)
				p.want(t, http.StatusForbidden, "sent from another site, so it was refused. Nothing was changed.")
			}
			if !e.works(sid, sec) || e.count() != 1 {
				t.Fatal("a refused cross-origin post changed something")
			}
		})
	}
}

// Owners, administrators and developers manage apps; any other role is
// told it cannot, on every page, and changes nothing.
func TestRolesThatCannotManageAppsAreTold(t *testing.T) {
	e := newEnv(t)
	sid, sec := e.create("owner", "owned", permList)
	for _, who := range []string{"admin", "dev"} {
		e.get(who, "/console/apps/"+sid).want(t, http.StatusOK, "owned")
	}
	for _, who := range []string{"billing", "support", "reader"} {
		t.Run(who, func(t *testing.T) {
			for _, p := range []page{
				e.get(who, "/console/"),
				e.get(who, "/console/apps/new"),
				e.get(who, "/console/apps/"+sid),
				e.post(who, "/console/apps", url.Values{"name": {"x"}, "permission": {permList}}),
				e.post(who, "/console/apps/"+sid+"/delete", url.Values{"version": {"1"}}),
			} {
				p.want(t, http.StatusForbidden, "cannot manage OAuth apps", "Only its owners, administrators and developers can")
				if strings.Contains(p.body, sid) {
					t.Fatal("the page shows the app")
				}
			}
			if !e.works(sid, sec) || e.count() != 1 {
				t.Fatal("a refused role changed something")
			}
		})
	}
}

// Another account's app reads as a missing one, on every page, and
// nothing changes.
func TestAnotherAccountsAppReadsAsMissing(t *testing.T) {
	e := newEnv(t)
	sid, sec := e.create("owner", "private", permList)
	for _, p := range []page{
		e.get("stranger", "/console/apps/"+sid),
		e.get("stranger", "/console/apps/"+sid+"/delete"),
		e.post("stranger", "/console/apps/"+sid+"/delete", url.Values{"version": {"1"}}),
		e.post("stranger", "/console/apps/"+sid+"/rotate", url.Values{"version": {"1"}, "grace": {"0"}}),
		e.get("owner", "/console/apps/not-a-sid"),
	} {
		p.want(t, http.StatusNotFound, "There is no OAuth app with this ID in your account")
		if strings.Contains(p.body, "private") {
			t.Fatal("the page shows the other account's app")
		}
	}
	if !e.works(sid, sec) {
		t.Fatal("the app changed")
	}
	e.get("stranger", "/console/").want(t, http.StatusOK, "The account has no apps yet")
}

// A visitor the host's authenticator does not accept is told to sign in.
func TestNotSignedInIsTold(t *testing.T) {
	e := newEnv(t)
	for _, p := range []page{e.get("", "/console/"), e.post("", "/console/apps", url.Values{"name": {"x"}})} {
		p.want(t, http.StatusUnauthorized, "You are not signed in")
	}
	if e.count() != 0 {
		t.Fatal("an unauthenticated post created an app")
	}
}

// New refuses what it cannot use, and the theme's properties are served
// as the console's theme stylesheet.
func TestNewChecksItsArguments(t *testing.T) {
	e := newEnv(t, console.WithTheme(map[string]string{"--console-accent": "#7a1fa2", "--console-font": "Georgia, serif"}))
	e.get("", "/console/assets/theme.css").want(t, http.StatusOK, "--console-accent: #7a1fa2;", "--console-font: Georgia, serif;")
	auth := func(*http.Request) (oauthapp.Actor, error) { return oauthapp.Actor{}, nil }
	for name, tc := range map[string]struct {
		svc  *oauthapp.Service
		auth func(*http.Request) (oauthapp.Actor, error)
		opt  console.Option
	}{
		"nil service":                    {nil, auth, nil},
		"nil authenticator":              {e.kit.Service, nil, nil},
		"a prefix without a slash":       {e.kit.Service, auth, console.WithPrefix("console")},
		"a prefix with a trailing slash": {e.kit.Service, auth, console.WithPrefix("/console/")},
		"an empty prefix":                {e.kit.Service, auth, console.WithPrefix("")},
		"a nil logger":                   {e.kit.Service, auth, console.WithLogger(nil)},
		"a property of no theme":         {e.kit.Service, auth, console.WithTheme(map[string]string{"color": "red"})},
		"a value that ends its rule":     {e.kit.Service, auth, console.WithTheme(map[string]string{"--console-bg": "red; } body { display: none"})},
	} {
		t.Run(name, func(t *testing.T) {
			var opts []console.Option
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			if _, err := console.New(tc.svc, tc.auth, opts...); !errors.Is(err, console.ErrInvalidOption) {
				t.Fatalf("New: %v, want ErrInvalidOption", err)
			}
		})
	}
}
