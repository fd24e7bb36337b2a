package oauthhttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// BenchmarkProtect is one protected API call through Protect, on a warm
// service with a cache, with a bearer token and with a DPoP-bound token
// and a fresh proof (signed before the timer starts: the client's work).
// The difference is the server's cost of DPoP: reading the proof and one
// signature verification more.
func BenchmarkProtect(b *testing.B) {
	kit := oauthapptest.New(b, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithCache(time.Hour, 0)))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		b.Fatal(err)
	}
	app := kit.NewApp(permList)
	path := "/v1/Accounts/" + app.AccountSID + "/Messages"
	api := srv.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	call := func(b *testing.B, scheme, tok, proof string) {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", scheme+" "+tok)
		if proof != "" {
			r.Header.Set("DPoP", proof)
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	b.Run("Bearer", func(b *testing.B) {
		tok := kit.Token(app)
		b.ReportAllocs()
		for b.Loop() {
			call(b, "Bearer", tok, "")
		}
	})
	b.Run("DPoP", func(b *testing.B) {
		key, err := dpopclient.NewKey(nil)
		if err != nil {
			b.Fatal(err)
		}
		tokenProof, _ := key.Proof("POST", srv.Endpoints().Token, "", "", kit.Clock.Now())
		tok, err := kit.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: kit.Secret(app.SID), Endpoint: srv.Endpoints().Token, DPoP: tokenProof})
		if err != nil {
			b.Fatal(err)
		}
		proofs := make([]string, b.N)
		for i := range proofs {
			proofs[i], _ = key.Proof("GET", issuer+path, tok.AccessToken, "", kit.Clock.Now())
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			call(b, "DPoP", tok.AccessToken, proofs[i])
		}
	})
}
