package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// jwtClientKID is the kid of the demo's private_key_jwt client key.
const jwtClientKID = "demo-es256"

// createJWTApp creates the demo's second app, which has no secret and
// authenticates with private_key_jwt (RFC 7523) only: it registers the
// public half of a fresh P-256 key and returns the app's client id and
// the private key as PKCS#8 PEM, for the demo line. Any client library
// that signs ES256 assertions can use it, naming jwtClientKID as kid.
func createJWTApp(ctx context.Context, svc *oauthapp.Service, owner oauthapp.Actor) (clientID, keyPEM string, err error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return "", "", err
	}
	app, _, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "demo private_key_jwt",
		Description:  "created by tokenserver -demo; authenticates with its ES256 key only",
		Permissions:  oauthapp.Permissions{Allow: []string{permList, permRead}},
		NoSecret:     true,
		ClientKeys: []oauthapp.NewClientKey{{
			ID:           jwtClientKID,
			PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
		}},
	})
	if err != nil {
		return "", "", err
	}
	return app.SID, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
