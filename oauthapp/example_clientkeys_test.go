package oauthapp_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// ExampleService_AddClientKey registers a client's public key, and the
// client then gets a token for a resource (RFC 8707) with a JWT it signs
// with the private key (private_key_jwt, RFC 7523) instead of a secret.
func ExampleService_AddClientKey() {
	ctx := context.Background()
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	const issuer, api = "https://auth.example.com", "https://api.example.com/reports"
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer(issuer), oauthapp.WithResources(api))
	if err != nil {
		panic(err)
	}
	// The account and user ids are the host's own.
	owner := oauthapp.Actor{UserSID: "user-42", AccountSID: "acct-7", Role: oauthapp.RoleOwner}
	app, _, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "reporting job",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/reports/reports/read"}},
		Resources:    []string{api},
	})
	if err != nil {
		panic(err)
	}

	// The client keeps the private key; the app holds the public one.
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	app, err = svc.AddClientKey(ctx, owner, app.SID, oauthapp.NewClientKey{
		ID:           "job-2026",
		PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
	}, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("key:", app.ClientKeys[0].ID, app.ClientKeys[0].Algorithm)

	// The client's assertion: iss and sub its client id, aud the issuer
	// (or the token endpoint), a short exp and a fresh jti.
	assertion := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": app.SID, "sub": app.SID, "aud": issuer,
		"exp": time.Now().Add(time.Minute).Unix(), "jti": "run-1",
	})
	assertion.Header["kid"] = "job-2026"
	signed, _ := assertion.SignedString(priv)

	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientAssertion: signed, Resource: api})
	if err != nil {
		panic(err)
	}
	id, err := svc.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: "/demo/reports/reports/read", Audience: api})
	fmt.Println("authorized:", err == nil, "by key", id.KeyID, "for", id.Audience)

	// An assertion is good once.
	_, err = svc.IssueToken(ctx, oauthapp.TokenRequest{ClientAssertion: signed, Resource: api})
	fmt.Println("replay:", errors.Is(err, oauthapp.ErrInvalidClient))
	// Output:
	// key: job-2026 ES256
	// authorized: true by key job-2026 for [https://api.example.com/reports]
	// replay: true
}
