package oauthhttp_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

// Register the endpoints and ask the token endpoint for a token with
// client_secret_basic, as any OAuth client does.
func ExampleServer_Register() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.com")))
		app := kit.NewApp("/demo/messaging/messages/list")

		srv, err := oauthhttp.New(kit.Service)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		srv.Register(mux)
		fmt.Println(srv.Endpoints().Token)

		r := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader("grant_type=client_credentials"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape(app.SID), url.QueryEscape(kit.Secret(app.SID)))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)

		var tok struct {
			TokenType string `json:"token_type"`
			ExpiresIn int    `json:"expires_in"`
			Scope     string `json:"scope"`
		}
		_ = json.Unmarshal(w.Body.Bytes(), &tok)
		fmt.Println(w.Code, w.Header().Get("Cache-Control"), tok.TokenType, tok.ExpiresIn, tok.Scope)
	})
	// Output:
	// https://auth.example.com/oauth2/token
	// 200 no-store Bearer 3600 /demo/messaging/messages/list
}

// Protect an API route: the permission comes from the route catalog, the
// account from the {AccountSid} path parameter, and the handler reads the
// caller with IdentityFrom.
func ExampleServer_Protect() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		catalog, err := scope.NewCatalog([]scope.Route{
			{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/list"},
			{Pattern: "POST /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/create"},
		})
		if err != nil {
			t.Fatal(err)
		}
		kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.com"), oauthapp.WithCatalog(catalog)))
		srv, err := oauthhttp.New(kit.Service)
		if err != nil {
			t.Fatal(err)
		}
		hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, _ := oauthhttp.IdentityFrom(r.Context())
			fmt.Fprintf(w, "hello, %s", id.Scope)
		})
		mux := http.NewServeMux()
		mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.Protect(hello))
		mux.Handle("POST /v1/Accounts/{AccountSid}/Messages", srv.Protect(hello))

		app := kit.NewApp("/demo/messaging/messages/list")
		tok := kit.Token(app)
		path := "/v1/Accounts/" + kit.Owner.AccountSID + "/Messages"
		for _, r := range []*http.Request{
			kit.Request("GET", path, tok),
			kit.Request("POST", path, tok),
			httptest.NewRequest("GET", path, nil),
		} {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			fmt.Println(strings.TrimSpace(fmt.Sprint(w.Code, " ", w.Header().Get("WWW-Authenticate"))))
			if w.Code == 200 {
				fmt.Println(w.Body)
			}
		}
	})
	// Output:
	// 200
	// hello, /demo/messaging/messages/list
	// 403 Bearer realm="oauthapps", error="insufficient_scope", scope="/demo/messaging/messages/create"
	// 401 Bearer realm="oauthapps"
}
