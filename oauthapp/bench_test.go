package oauthapp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
)

// signingInput returns a message as long as the signing input (header and
// payload) of the EdDSA tokens the benchmarks below issue, so that the
// floors sign and verify exactly as many bytes as the service does.
func signingInput(b *testing.B) []byte {
	b.Helper()
	svc, app, sec, _ := benchService(b, token.EdDSA)
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec, Scope: permList})
	if err != nil {
		b.Fatal(err)
	}
	return make([]byte, strings.LastIndexByte(tok.AccessToken, '.'))
}

func BenchmarkFloorEd25519Sign(b *testing.B) {
	msg := signingInput(b)
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		ed25519.Sign(priv, msg)
	}
	b.ReportMetric(float64(len(msg)), "msg-bytes")
}

func BenchmarkFloorEd25519Verify(b *testing.B) {
	msg := signingInput(b)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	sig := ed25519.Sign(priv, msg)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify failed")
		}
	}
	b.ReportMetric(float64(len(msg)), "msg-bytes")
}

// benchService is a service on the memory store signing with alg, and an
// app with its secret.
func benchService(b *testing.B, alg token.Algorithm, opts ...oauthapp.Option) (*oauthapp.Service, oauthapp.App, string, oauthapp.Actor) {
	b.Helper()
	kit := oauthapptest.New(b, oauthapptest.WithAlgorithm(alg), oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithClock(time.Now)}, opts...)...))
	app := kit.NewApp(permList, permRead)
	return kit.Service, app, kit.Secret(app.SID), kit.Owner
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

// BenchmarkAuthorize verifies the token on every request: the
// verified-token cache is off.
func BenchmarkAuthorize(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(string(alg), func(b *testing.B) {
			benchAuthorize(b, alg, oauthapp.WithTokenCache(0, 0))
		})
	}
}

// BenchmarkAuthorizeCached is one token presented again and again with
// the verified-token cache on, as it is by default: a map lookup in
// place of the decoding and the signature, the state checks as before.
func BenchmarkAuthorizeCached(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(string(alg), func(b *testing.B) {
			benchAuthorize(b, alg)
		})
	}
}

// benchAuthorize authorizes one token of a service made with opts b.N
// times, after a first authorization that warms what the service
// caches.
func benchAuthorize(b *testing.B, alg token.Algorithm, opts ...oauthapp.Option) {
	svc, app, sec, owner := benchService(b, alg, opts...)
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec})
	if err != nil {
		b.Fatal(err)
	}
	res := oauthapp.Resource{Permission: permList, AccountSID: owner.AccountSID}
	if _, err := svc.Authorize(ctx, tok.AccessToken, res); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Authorize(ctx, tok.AccessToken, res); err != nil {
			b.Fatal(err)
		}
	}
}
