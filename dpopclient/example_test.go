package dpopclient_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

// Example calls an API whose tokens must be DPoP-bound, with server
// nonces on, as a Go caller of a host's API would: the Transport gets a
// bound token (retrying once with the token endpoint's nonce), then
// sends each request with a fresh proof. The server is a test server of
// package oauthapptest; its clock is a fake one, which the Transport
// reads too.
func Example() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		nonceKey := make([]byte, 32)
		_, _ = rand.Read(nonceKey)
		srv := oauthapptest.NewServer(t,
			oauthapptest.WithRoutes(scope.Route{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/list"}),
			oauthapptest.WithServiceOptions(oauthapp.WithDPoPNonces(nonceKey, 30*time.Second)))
		srv.Mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.OAuth.ProtectFunc(func(w http.ResponseWriter, r *http.Request) {
			id, _ := oauthhttp.IdentityFrom(r.Context())
			fmt.Fprintf(w, "bound to a key: %t", id.DPoPThumbprint != "")
		}))
		app := srv.NewApp("/demo/messaging/messages/list")

		tr, err := dpopclient.New(dpopclient.Config{
			ClientID:     app.SID,
			ClientSecret: srv.Secret(app.SID),
			TokenURL:     srv.TokenURL,
			Now:          srv.Clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Transport: tr}
		for range 2 {
			resp, err := client.Get(srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			fmt.Println(resp.StatusCode, string(body))
		}
	})
	// Output:
	// 200 bound to a key: true
	// 200 bound to a key: true
}
