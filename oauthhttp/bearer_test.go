package oauthhttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// api is the demo API: each route answers with the identity Protect
// passed on. perRoute wraps each route's handler (the request carries its
// pattern); otherwise Protect wraps the whole mux.
func (f *fixture) api(perRoute bool) http.Handler {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := oauthhttp.IdentityFrom(r.Context())
		if !ok {
			http.Error(w, "no identity", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%s %s %s", id.AppSID, id.AccountSID, id.Scope)
	})
	mux := http.NewServeMux()
	wrap := func(h http.Handler) http.Handler { return h }
	if perRoute {
		wrap = f.srv.Protect
	}
	for _, rt := range routes {
		mux.Handle(rt.Pattern, wrap(echo))
	}
	mux.Handle("GET /v1/Accounts/{AccountSid}/Uncatalogued", wrap(echo))
	if perRoute {
		return mux
	}
	return f.srv.Protect(mux)
}

type bearerCase struct {
	name       string
	method     string
	path       string
	auth       []string
	wantStatus int
	wantAuth   string // WWW-Authenticate, "" for none
	wantCode   string // error member of the JSON body, "" for no body check
}

func TestProtect(t *testing.T) {
	f := newFixture(t)
	acct := f.app.AccountSID
	messages := "/v1/Accounts/" + acct + "/Messages"
	full := "Bearer " + f.token(t, "")
	listOnly := "Bearer " + f.token(t, permList)
	other := oauthapptest.NewSID("AC")

	deleted := f.kit.NewApp(permList)
	deletedTok := "Bearer " + f.kit.Token(deleted)
	if err := f.kit.Service.DeleteApp(ctx, f.kit.Owner, deleted.SID, 0); err != nil {
		t.Fatal(err)
	}
	rotated := f.kit.NewApp(permList)
	rotatedTok := "Bearer " + f.kit.Token(rotated)
	f.kit.Rotate(rotated.SID, 0)
	eu, euSecret, err := f.kit.Service.CreateApp(ctx, f.kit.Owner, oauthapp.NewApp{FriendlyName: "eu", Region: "eu1", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	if err != nil {
		t.Fatal(err)
	}
	euTok, err := f.kit.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: eu.SID, ClientSecret: euSecret.Reveal(), Region: "eu1"})
	if err != nil {
		t.Fatal(err)
	}

	realm := `Bearer realm="oauthapps"`
	cases := []bearerCase{
		{"a token with the permission reaches the handler", "GET", messages, []string{full}, 200, "", ""},
		{"the bearer scheme is case-insensitive", "GET", messages + "/MM1", []string{"bEaReR " + full[len("Bearer "):]}, 200, "", ""},
		{"HEAD is authorized as GET", "HEAD", messages, []string{full}, 200, "", ""},
		{"no Authorization header is 401 with no error code", "GET", messages, nil, 401, realm, ""},
		{"another scheme counts as no token", "GET", messages, []string{basic(f.app.SID, f.secret)}, 401, realm, ""},
		{"an empty bearer token is invalid_request", "GET", messages, []string{"Bearer   "}, 400, realm + `, error="invalid_request"`, "invalid_request"},
		{"two Authorization headers are invalid_request", "GET", messages, []string{full, full}, 400, realm + `, error="invalid_request"`, "invalid_request"},
		{"a malformed token is invalid_token", "GET", messages, []string{"Bearer not.a.jwt"}, 401, realm + `, error="invalid_token"`, "invalid_token"},
		{"a token of a deleted app is invalid_token", "GET", messages, []string{deletedTok}, 401, realm + `, error="invalid_token"`, "invalid_token"},
		{"a token of a secret rotated away is invalid_token", "GET", messages, []string{rotatedTok}, 401, realm + `, error="invalid_token"`, "invalid_token"},
		{"a token without the route's permission is insufficient_scope naming it", "GET", messages + "/MM1", []string{listOnly}, 403, realm + `, error="insufficient_scope", scope="` + permRead + `"`, "insufficient_scope"},
		{"a permission the policy does not allow is insufficient_scope", "POST", messages, []string{full}, 403, realm + `, error="insufficient_scope", scope="` + permCreate + `"`, "insufficient_scope"},
		{"another account's resource is 403 without a scope", "GET", "/v1/Accounts/" + other + "/Messages", []string{full}, 403, realm + `, error="insufficient_scope"`, "insufficient_scope"},
		{"without WithRegion a token of any served region is accepted", "GET", "/v1/Accounts/" + acct + "/Messages", []string{"Bearer " + euTok.AccessToken}, 200, "", ""},
		{"a route not in the catalog is 404 even with a token", "GET", "/v1/Accounts/" + acct + "/Uncatalogued", []string{full}, 404, "", ""},
	}
	for _, mode := range []struct {
		name     string
		perRoute bool
	}{{"per route", true}, {"around the mux", false}} {
		h := f.api(mode.perRoute)
		for _, tc := range cases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				checkBearer(t, h, tc)
			})
		}
		t.Run(mode.name+"/a path outside every route is 404 without a token", func(t *testing.T) {
			checkBearer(t, h, bearerCase{method: "GET", path: "/v2/Nothing", wantStatus: 404})
		})
	}
}

func checkBearer(t *testing.T, h http.Handler, tc bearerCase) {
	t.Helper()
	r := httptest.NewRequest(tc.method, tc.path, nil)
	for _, a := range tc.auth {
		r.Header.Add("Authorization", a)
	}
	w := serve(h, r)
	if w.Code != tc.wantStatus {
		t.Fatalf("status %d, want %d; body %s", w.Code, tc.wantStatus, w.Body)
	}
	if got := w.Header().Get("WWW-Authenticate"); got != tc.wantAuth {
		t.Errorf("WWW-Authenticate %q, want %q", got, tc.wantAuth)
	}
	if tc.wantCode != "" {
		if b := decode(t, w); b.Error != tc.wantCode {
			t.Errorf("error %q, want %q", b.Error, tc.wantCode)
		}
	}
}

func TestProtectRegion(t *testing.T) {
	f := newFixture(t, oauthhttp.WithRegion("us1"))
	eu, sec, err := f.kit.Service.CreateApp(ctx, f.kit.Owner, oauthapp.NewApp{FriendlyName: "eu", Region: "eu1", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.kit.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: eu.SID, ClientSecret: sec.Reveal(), Region: "eu1"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/Accounts/" + f.app.AccountSID + "/Messages"
	checkBearer(t, f.api(true), bearerCase{method: "GET", path: path, auth: []string{"Bearer " + tok.AccessToken}, wantStatus: 403,
		wantAuth: `Bearer realm="oauthapps", error="insufficient_scope"`, wantCode: "insufficient_scope"})
	checkBearer(t, f.api(true), bearerCase{method: "GET", path: path, auth: []string{"Bearer " + f.token(t, "")}, wantStatus: 200})
}

func TestProtectExpiredToken(t *testing.T) {
	f := newFixture(t)
	tok := "Bearer " + f.token(t, "")
	path := "/v1/Accounts/" + f.app.AccountSID + "/Messages"
	checkBearer(t, f.api(true), bearerCase{method: "GET", path: path, auth: []string{tok}, wantStatus: 200})
	f.kit.Advance(time.Hour + time.Minute)
	checkBearer(t, f.api(true), bearerCase{method: "GET", path: path, auth: []string{tok}, wantStatus: 401,
		wantAuth: `Bearer realm="oauthapps", error="invalid_token"`, wantCode: "invalid_token"})
}

func TestProtectPassesTheIdentity(t *testing.T) {
	f := newFixture(t)
	r := httptest.NewRequest("GET", "/v1/Accounts/"+f.app.AccountSID+"/Messages", nil)
	r.Header.Set("Authorization", "Bearer "+f.token(t, permList))
	w := serve(f.api(true), r)
	want := f.app.SID + " " + f.app.AccountSID + " " + permList
	if w.Code != 200 || w.Body.String() != want {
		t.Fatalf("got %d %q, want 200 %q", w.Code, w.Body, want)
	}
	if _, ok := oauthhttp.IdentityFrom(ctx); ok {
		t.Error("IdentityFrom found an identity in a bare context")
	}
}

func TestProtectUnknownRouteHandler(t *testing.T) {
	f := newFixture(t, oauthhttp.WithUnknownRoute(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	})))
	checkBearer(t, f.api(false), bearerCase{method: "GET", path: "/elsewhere", wantStatus: 403})
	checkBearer(t, f.api(true), bearerCase{method: "GET", path: "/v1/Accounts/" + f.app.AccountSID + "/Uncatalogued", wantStatus: 403})
}

func TestProtectWithoutCatalog(t *testing.T) {
	srv, err := oauthhttp.New(newBareKit(t).Service)
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	h := srv.Protect(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	w := serve(h, httptest.NewRequest("GET", "/v1/anything", nil))
	if w.Code != 404 || reached {
		t.Fatalf("status %d, handler reached %v; want 404 and not reached", w.Code, reached)
	}
}
