package oauthhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
)

// TestTheWidestPolicyWorksOverHTTP: an app with the largest policy the
// service accepts (100 permissions of 256 bytes) gets a token over HTTP
// whether it names every permission or none, and that token, longer than
// the token package's default limit, can be introspected and revoked
// through the endpoints' default body limit.
func TestTheWidestPolicyWorksOverHTTP(t *testing.T) {
	f := newFixture(t)
	allow := make([]string, scope.MaxPolicyEntries)
	for i := range allow {
		head := fmt.Sprintf("/demo/messaging/resource-%03d-", i)
		allow[i] = head + strings.Repeat("x", scope.MaxPermissionLen-len(head)-len("/read")) + "/read"
	}
	f.app = f.kit.NewApp(allow...)
	f.secret = f.kit.Secret(f.app.SID)
	auth := basic(f.app.SID, f.secret)

	for name, requested := range map[string]string{
		"no scope named":         "",
		"every permission named": strings.Join(allow, " "),
	} {
		t.Run(name, func(t *testing.T) {
			tok := f.token(t, requested)
			if len(tok) <= token.DefaultMaxSize {
				t.Fatalf("token of %d bytes: the test must exceed token.DefaultMaxSize", len(tok))
			}
			code, got, body := f.introspect(t, tok, auth)
			if code != http.StatusOK || !got.Active || got.Scope != strings.Join(allow, " ") {
				t.Fatalf("introspection: %d %.200s", code, body)
			}
			w := serve(f.srv.Revocation(), formRequest("/oauth2/revoke", "token="+url.QueryEscape(tok), auth))
			if w.Code != http.StatusOK {
				t.Fatalf("revocation: %d %s", w.Code, w.Body)
			}
			if code, got, body := f.introspect(t, tok, auth); code != http.StatusOK || got.Active {
				t.Fatalf("introspection after revocation: %d %.200s", code, body)
			}
		})
	}
}

// TestTheBodyLimitFollowsTheLongestToken: with a big route catalog, a full
// grant spells out hundreds of permissions and the token outgrows
// DefaultMaxBodyBytes; the endpoints' default limit grows with the
// service's longest token, so it can still be introspected and revoked.
func TestTheBodyLimitFollowsTheLongestToken(t *testing.T) {
	var routes []scope.Route
	for i := range 1000 {
		routes = append(routes, scope.Route{
			Pattern:    fmt.Sprintf("GET /v1/r%04d/{Sid}", i),
			Permission: fmt.Sprintf("/demo/messaging/resource-%04d-%s/read", i, strings.Repeat("x", 60)),
		})
	}
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer)))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	app, sec, err := kit.Service.CreateApp(context.Background(), kit.Owner, oauthapp.NewApp{
		FriendlyName: "big",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/messaging/*"}, Deny: []string{routes[0].Permission}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{kit: kit, srv: srv, app: app, secret: sec.Reveal()}
	tok := f.token(t, "")
	if len(tok) <= oauthhttp.DefaultMaxBodyBytes {
		t.Fatalf("token of %d bytes: the test must exceed DefaultMaxBodyBytes", len(tok))
	}
	auth := basic(app.SID, f.secret)
	if code, got, body := f.introspect(t, tok, auth); code != http.StatusOK || !got.Active {
		t.Fatalf("introspection: %d %.200s", code, body)
	}
	if w := serve(srv.Revocation(), formRequest("/oauth2/revoke", "token="+tok, auth)); w.Code != http.StatusOK {
		t.Fatalf("revocation: %d %s", w.Code, w.Body)
	}
}
