package oauthhttp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

// TestTokenEndpointTakesAWorkloadsFederatedToken: a Kubernetes service
// account token sent as a jwt-bearer client_assertion with the app's SID
// as client_id gets a token; one for another audience, or without the
// client_id that names the app, is 401 invalid_client like any failed
// client authentication, saying nothing more.
func TestTokenEndpointTakesAWorkloadsFederatedToken(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var cluster *httptest.Server
	cluster = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": cluster.URL, "jwks_uri": cluster.URL + "/keys"})
			return
		}
		pub, _ := token.NewSignerKey("k1", key)
		jwk, _ := pub.JWK()
		_ = json.NewEncoder(w).Encode(token.JWKS{Keys: []token.JWK{jwk}})
	}))
	t.Cleanup(cluster.Close)
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithIssuerHTTPClient(cluster.Client())))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	app, _, err := kit.Service.CreateApp(context.Background(), kit.Owner, oauthapp.NewApp{
		FriendlyName: "job", Permissions: oauthapp.Permissions{Allow: []string{permList}}, NoSecret: true,
		FederatedCredentials: []oauthapp.FederatedCredential{{Name: "cluster", Issuer: cluster.URL, Subject: "system:serviceaccount:jobs:report", Audience: "api://oauthapps"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := func(aud string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
			"iss": cluster.URL, "sub": "system:serviceaccount:jobs:report", "aud": []string{aud},
			"iat": kit.Clock.Now().Unix(), "exp": kit.Clock.Now().Add(time.Hour).Unix(),
		})
		tok.Header["kid"] = "k1"
		raw, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	request := func(clientID, assertion string) oauthBody {
		form := url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {oauthapp.AssertionType}, "client_assertion": {assertion}}
		if clientID != "" {
			form.Set("client_id", clientID)
		}
		w := serve(srv.Token(), formRequest("/oauth2/token", form.Encode(), ""))
		b := decode(t, w)
		if (w.Code == http.StatusOK) != (b.Error == "") {
			t.Fatalf("status %d with %+v", w.Code, b)
		}
		return b
	}
	if b := request(app.SID, signed("api://oauthapps")); b.AccessToken == "" || b.Scope != permList {
		t.Fatalf("the workload's token request: %+v", b)
	}
	for name, b := range map[string]oauthBody{
		"another audience":  request(app.SID, signed("https://kubernetes.default.svc")),
		"without client_id": request("", signed("api://oauthapps")),
	} {
		if b.Error != "invalid_client" || b.ErrorDescription != "client authentication failed" {
			t.Errorf("%s: %+v, want invalid_client", name, b)
		}
	}
}
