package interop_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

const apiResource = "https://api.example.test/messaging"

// joseServer is a token server and an API on one loopback server, with an
// app whose one client key, "jose-1", is the go-jose client's.
type joseServer struct {
	ts    *httptest.Server
	srv   *oauthhttp.Server
	app   oauthapp.App
	owner oauthapp.Actor
}

// newJoseServer starts a joseServer whose app authenticates by pub under
// alg. Its API answers the client, key and audience of the token it is
// called with.
func newJoseServer(t *testing.T, alg jose.SignatureAlgorithm, pub crypto.PublicKey) *joseServer {
	t.Helper()
	var handler http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	catalog, err := scope.NewCatalog([]scope.Route{{Pattern: listRoute, Permission: permList}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer(ts.URL), oauthapp.WithCatalog(catalog), oauthapp.WithResources(apiResource))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := oauthhttp.New(svc, oauthhttp.WithAudience(apiResource))
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(pub)
	owner := oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: oauthapptest.NewSID("AC"), Role: oauthapp.RoleOwner}
	app, _, err := svc.CreateApp(context.Background(), owner, oauthapp.NewApp{
		FriendlyName: "jose client",
		Permissions:  oauthapp.Permissions{Allow: []string{permList}},
		NoSecret:     true,
		ClientKeys:   []oauthapp.NewClientKey{{ID: "jose-1", Algorithm: string(alg), PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}},
		Resources:    []string{apiResource},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	mux.Handle(listRoute, srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := oauthhttp.IdentityFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]string{"client": id.AppSID, "key": id.KeyID, "aud": strings.Join(id.Audience, " ")})
	})))
	handler = mux
	return &joseServer{ts: ts, srv: srv, app: app, owner: owner}
}

// joseAssertion returns a client assertion for client, to the token
// endpoint tokenURL, that go-jose signs with priv under alg and kid
// "jose-1".
func joseAssertion(t *testing.T, alg jose.SignatureAlgorithm, priv crypto.Signer, client, tokenURL string) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: priv}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "jose-1"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	assertion, err := jwt.Signed(signer).Claims(jwt.Claims{
		Issuer:   client,
		Subject:  client,
		Audience: jwt.Audience{tokenURL},
		Expiry:   jwt.NewNumericDate(now.Add(time.Minute)),
		IssuedAt: jwt.NewNumericDate(now),
		ID:       oauthapptest.NewSID("JT"),
	}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return assertion
}

// TestPrivateKeyJWTFromGoJose: a client assertion built and signed by
// go-jose v4, an independent JOSE library, authenticates at the token
// endpoint through golang.org/x/oauth2/clientcredentials (the assertion
// and the RFC 8707 resource as endpoint parameters), and the token it gets
// calls an API that protects the resource's audience.
func TestPrivateKeyJWTFromGoJose(t *testing.T) {
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, c := range []struct {
		alg  jose.SignatureAlgorithm
		priv crypto.Signer
	}{
		{jose.ES256, ecKey},
		{jose.EdDSA, edKey},
		{jose.PS256, rsaKey},
		{jose.RS256, rsaKey},
	} {
		t.Run(string(c.alg), func(t *testing.T) {
			js := newJoseServer(t, c.alg, c.priv.Public())
			ts, srv, app, owner := js.ts, js.srv, js.app, js.owner
			assertion := joseAssertion(t, c.alg, c.priv, app.SID, srv.Endpoints().Token)
			cfg := &clientcredentials.Config{
				ClientID:  app.SID,
				TokenURL:  srv.Endpoints().Token,
				Scopes:    []string{permList},
				AuthStyle: oauth2.AuthStyleInParams,
				EndpointParams: url.Values{
					"client_assertion_type": {oauthapp.AssertionType},
					"client_assertion":      {assertion},
					"resource":              {apiResource},
				},
			}
			res, err := cfg.Client(context.Background()).Get(ts.URL + "/v1/Accounts/" + owner.AccountSID + "/Messages")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var got map[string]string
			if res.StatusCode != 200 || json.Unmarshal(body, &got) != nil || got["client"] != app.SID || got["key"] != "jose-1" || got["aud"] != apiResource {
				t.Fatalf("API answered %d %s", res.StatusCode, body)
			}

			// The same assertion a second time is a replay.
			again, err := http.PostForm(srv.Endpoints().Token, url.Values{
				"grant_type": {"client_credentials"}, "client_assertion_type": {oauthapp.AssertionType}, "client_assertion": {assertion},
			})
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusUnauthorized {
				t.Errorf("replayed assertion: %d, want 401", again.StatusCode)
			}
		})
	}
}
