package keyring_test

import (
	"testing"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// The request path with a key ring is the request path without one: the
// service signs and verifies with an in-memory token.KeySet either way,
// and the ring only changes which keys it holds. These benchmarks show it,
// side by side in one run (BENCHMARKS.md):
//
//	go test ./keyring -run '^$' -bench 'IssueToken|Authorize' -benchmem -count 6 | benchstat -col /keys -

const (
	benchPermList = "/demo/api/messages/list"
	benchPermRead = "/demo/api/messages/read"
)

// benchService is a service on the memory store whose keys are either
// generated in the process ("static", as before the ring) or kept by a
// ring on the same store ("keyring"), and an app with its secret.
func benchService(b *testing.B, keys string) (*oauthapp.Service, oauthapp.App, string, oauthapp.Actor) {
	b.Helper()
	st := store.NewMemory()
	var ks *token.KeySet
	switch keys {
	case "static":
		ks = oauthapptest.NewKeys(b, token.EdDSA)
	case "keyring":
		ring := newRing(b, st, keyring.WithKeyEncryptionKey(newKEK(b)))
		ks = ring.KeySet()
	}
	svc, err := oauthapp.New(st, ks)
	if err != nil {
		b.Fatal(err)
	}
	owner := oauthapp.Actor{
		UserSID:    oauthapptest.NewSID("US"),
		AccountSID: oauthapptest.NewSID("AC"),
		Role:       oauthapp.RoleOwner,
	}
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "bench", Permissions: oauthapp.Permissions{Allow: []string{benchPermList, benchPermRead}}})
	if err != nil {
		b.Fatal(err)
	}
	return svc, app, sec.Reveal(), owner
}

var benchKeys = []string{"static", "keyring"}

func BenchmarkIssueToken(b *testing.B) {
	for _, keys := range benchKeys {
		b.Run("keys="+keys, func(b *testing.B) {
			svc, app, sec, _ := benchService(b, keys)
			req := oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec, Scope: benchPermList}
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
	for _, keys := range benchKeys {
		b.Run("keys="+keys, func(b *testing.B) {
			svc, app, sec, owner := benchService(b, keys)
			tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec})
			if err != nil {
				b.Fatal(err)
			}
			res := oauthapp.Resource{Permission: benchPermList, AccountSID: owner.AccountSID}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.Authorize(ctx, tok.AccessToken, res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
