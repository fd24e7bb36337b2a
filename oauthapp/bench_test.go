package oauthapp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// tokenSized is about the size of a signing input of an access token.
var tokenSized = make([]byte, 420)

func BenchmarkFloorEd25519Sign(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		ed25519.Sign(priv, tokenSized)
	}
}

func BenchmarkFloorEd25519Verify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	sig := ed25519.Sign(priv, tokenSized)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, tokenSized, sig) {
			b.Fatal("verify failed")
		}
	}
}

// benchService is a service on the memory store signing with alg, and an
// app with its secret.
func benchService(b *testing.B, alg token.Algorithm) (*oauthapp.Service, oauthapp.App, string, oauthapp.Actor) {
	b.Helper()
	key, err := token.GenerateKey(alg)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := oauthapp.New(store.NewMemory(), keys)
	if err != nil {
		b.Fatal(err)
	}
	owner := oauthapptest.NewActor(oauthapp.RoleOwner)
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "bench", Permissions: oauthapp.Permissions{Allow: []string{permList, permRead}}})
	if err != nil {
		b.Fatal(err)
	}
	return svc, app, sec.Reveal(), owner
}

var benchAlgs = []token.Algorithm{token.EdDSA, token.HS256}

func BenchmarkIssueToken(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(string(alg), func(b *testing.B) {
			svc, app, sec, _ := benchService(b, alg)
			req := oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec, Scope: permList}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.IssueToken(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAuthorize(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(string(alg), func(b *testing.B) {
			svc, app, sec, owner := benchService(b, alg)
			tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec})
			if err != nil {
				b.Fatal(err)
			}
			res := oauthapp.Resource{Permission: permList, AccountSID: owner.AccountSID}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Authorize(ctx, tok.AccessToken, res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
