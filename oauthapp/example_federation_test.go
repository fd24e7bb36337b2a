package oauthapp_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// ExampleService_AddFederatedCredential lets a Kubernetes workload get
// access tokens with the service account token its cluster projects into
// the pod, with no client secret anywhere. The cluster's OpenID Connect
// issuer is a stand-in here; a real one serves the same two documents.
func ExampleService_AddFederatedCredential() {
	ctx := context.Background()

	// The cluster: it signs service account tokens with an RSA key and
	// publishes the public half by OpenID Connect discovery.
	clusterKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	var cluster *httptest.Server
	cluster = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": cluster.URL, "jwks_uri": cluster.URL + "/openid/v1/jwks"})
		case "/openid/v1/jwks":
			pub, _ := token.NewSignerKey("cluster-key-1", clusterKey)
			jwk, _ := pub.JWK()
			_ = json.NewEncoder(w).Encode(token.JWKS{Keys: []token.JWK{jwk}})
		}
	}))
	defer cluster.Close()

	// The service reaches issuers with the host's client: here one that
	// trusts the stand-in's certificate.
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuerHTTPClient(cluster.Client()))
	if err != nil {
		panic(err)
	}
	owner := oauthapp.Actor{
		UserSID:    oauthapptest.NewSID("US"),
		AccountSID: oauthapptest.NewSID("AC"),
		Role:       oauthapp.RoleOwner,
	}

	// An app without a secret, trusting one service account of the
	// cluster for tokens whose audience is the one the pod asks for.
	app, _, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "nightly report",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/reports/reports/read"}},
		NoSecret:     true,
		FederatedCredentials: []oauthapp.FederatedCredential{{
			Name:     "prod-cluster",
			Issuer:   cluster.URL,
			Subject:  "system:serviceaccount:reports:nightly",
			Audience: "api://oauthapps",
		}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("secrets:", len(app.Secrets), "federated credentials:", len(app.FederatedCredentials))

	// In the pod: the projected token (spec.volumes[].projected.sources[]
	// .serviceAccountToken with audience api://oauthapps), as the
	// cluster signs it.
	now := time.Now()
	sa := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": cluster.URL, "sub": "system:serviceaccount:reports:nightly", "aud": []string{"api://oauthapps"},
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	sa.Header["kid"] = "cluster-key-1"
	projected, _ := sa.SignedString(clusterKey)

	// The workload's token request: client_credentials with the app's
	// SID as client_id and the projected token as a jwt-bearer client
	// assertion, as oauthhttp's token endpoint passes it on.
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientAssertion: projected})
	if err != nil {
		panic(err)
	}
	fmt.Println("token:", tok.TokenType, tok.ExpiresIn, tok.Scope)

	// Another service account of the same cluster is nobody here.
	sa.Claims.(jwt.MapClaims)["sub"] = "system:serviceaccount:reports:other"
	other, _ := sa.SignedString(clusterKey)
	_, err = svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientAssertion: other})
	fmt.Println("other service account:", err)
	// Output:
	// secrets: 0 federated credentials: 1
	// token: Bearer 3600 /demo/reports/reports/read
	// other service account: oauthapp: invalid client
}
