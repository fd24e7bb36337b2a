package interop_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
)

// A test of client code against a real token server, in one line of
// setup: golang.org/x/oauth2/clientcredentials gets a token from
// oauthapptest.NewServer and calls a protected route with it. The server
// runs on the kit's fake clock, so Advance expires the token there while
// the client, on its own clock, still holds it: the case a client's retry
// on 401 must handle. In a test file the body is a test function's, with
// its *testing.T; Run stands in for go test here.
func Example_clientCredentials() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		srv := oauthapptest.NewServer(t, oauthapptest.WithRoutes(scope.Route{Pattern: listRoute, Permission: permList}))
		srv.Mux.Handle(listRoute, srv.OAuth.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "[]")
		})))
		c := srv.ClientConfig(srv.NewApp(permList), permList)
		cfg := clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.TokenURL, Scopes: c.Scopes}
		client := cfg.Client(context.Background())
		messages := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"

		get := func() int {
			resp, err := client.Get(messages)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		fmt.Println("with a fresh token:", get())
		srv.Advance(time.Hour)
		fmt.Println("an hour later on the server's clock:", get())
		client = cfg.Client(context.Background()) // a new client gets a new token
		fmt.Println("with a new token:", get())
	})
	// Output:
	// with a fresh token: 200
	// an hour later on the server's clock: 401
	// with a new token: 200
}
