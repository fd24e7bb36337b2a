package oauthapptest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// listMessages is the handler under test in the examples: it authorizes
// its own route with the service it is given.
func listMessages(svc *oauthapp.Service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/Accounts/{AccountSid}/Messages", func(w http.ResponseWriter, r *http.Request) {
		scheme, bearer, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			bearer = ""
		}
		_, err := svc.Authorize(r.Context(), bearer, oauthapp.Resource{
			Permission: "/demo/messaging/messages/list", AccountSID: r.PathValue("AccountSid"),
		})
		switch {
		case errors.Is(err, oauthapp.ErrInsufficientScope), errors.Is(err, oauthapp.ErrWrongAccount):
			http.Error(w, "forbidden", http.StatusForbidden) // a good token, not for this
			return
		case err != nil:
			http.Error(w, "unauthorized", http.StatusUnauthorized) // no valid token
			return
		}
		fmt.Fprint(w, "[]")
	})
	return mux
}

// Example is a user's handler test: the handler answers a token that may
// list messages, and refuses one that may not (403), a token of another
// account (403) and every token that is not valid (401, RFC 6750 section
// 3.1): none at all, an expired one, one of a deleted app, one signed by
// another service's key. In a test file the body is a test function's,
// with its *testing.T; Run stands in for go test here.
func Example() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		kit := oauthapptest.New(t)
		api := listMessages(kit.Service)
		lister := kit.NewApp("/demo/messaging/messages/list")
		reader := kit.NewApp("/demo/messaging/messages/read")
		for _, tc := range []struct{ name, bearer string }{
			{"may list", kit.Token(lister)},
			{"may only read", kit.Token(reader)},
			{"another account", kit.OtherAccountToken("/demo/messaging/*")},
			{"no token", "not a token"},
			{"expired", kit.ExpiredToken(lister)},
			{"deleted app", kit.DeletedAppToken("/demo/messaging/*")},
			{"another service's key", kit.ForeignKeyToken(lister)},
		} {
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, kit.Request("GET", "/v1/Accounts/"+kit.Owner.AccountSID+"/Messages", tc.bearer))
			fmt.Println(tc.name, rec.Code)
		}
	})
	// Output:
	// may list 200
	// may only read 403
	// another account 403
	// no token 401
	// expired 401
	// deleted app 401
	// another service's key 401
}

// Rotate a secret and watch the grace run out on the kit's fake clock: the
// previous secret keeps getting tokens for the grace (24 hours here), and
// stops the moment it ends; the new one goes on.
func Example_rotation() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		kit := oauthapptest.New(t)
		app := kit.NewApp("/demo/messaging/messages/list")
		old := kit.Secret(app.SID)
		fresh := kit.Rotate(app.SID, 24*time.Hour)

		works := func(secret string) bool {
			_, err := kit.Service.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: secret})
			return err == nil
		}
		fmt.Println("after rotating:", works(old), works(fresh))
		kit.Advance(24*time.Hour - time.Minute - time.Second)
		fmt.Println("a minute and a second before the grace ends:", works(old), works(fresh))
		kit.Advance(time.Minute + time.Second)
		fmt.Println("when the grace ends:", works(old), works(fresh))
	})
	// Output:
	// after rotating: true true
	// a minute and a second before the grace ends: true true
	// when the grace ends: false true
}

// NewServer runs the kit's service behind a real token endpoint; any HTTP
// client gets tokens from it. (oauthhttp/interop shows the same with
// golang.org/x/oauth2/clientcredentials.)
func ExampleNewServer() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		srv := oauthapptest.NewServer(t)
		cfg := srv.ClientConfig(srv.NewApp("/demo/messaging/*"), "/demo/messaging/messages/list")

		form := url.Values{"grant_type": {"client_credentials"}, "scope": {strings.Join(cfg.Scopes, " ")}}
		req, _ := http.NewRequest("POST", cfg.TokenURL, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
		resp, err := srv.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			TokenType string `json:"token_type"`
			ExpiresIn int    `json:"expires_in"`
			Scope     string `json:"scope"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
			t.Fatal(err)
		}
		fmt.Println(resp.StatusCode, tok.TokenType, tok.ExpiresIn, tok.Scope)
		fmt.Println(strings.TrimPrefix(srv.TokenURL, srv.URL), strings.TrimPrefix(srv.JWKSURL, srv.URL))
	})
	// Output:
	// 200 Bearer 3600 /demo/messaging/messages/list
	// /oauth2/token /.well-known/jwks.json
}
