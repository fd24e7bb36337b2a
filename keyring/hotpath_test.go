package keyring_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
)

// keyReads is the memory store counting the reads of its signing keys.
type keyReads struct {
	*store.Memory
	n atomic.Int64
}

func (s *keyReads) ListSigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	s.n.Add(1)
	return s.Memory.ListSigningKeys(ctx)
}

func TestRequestsDoNotReadTheKeys(t *testing.T) {
	st := &keyReads{Memory: store.NewMemory()}
	kek := newKEK(t)
	// The first key is made by another instance, so that this ring's own
	// goroutine has no write of its own to wake up for.
	require.NoError(t, newRing(t, st.Memory, keyring.WithKeyEncryptionKey(kek)).Close())
	ring := newRing(t, st, keyring.WithKeyEncryptionKey(kek))
	svc, err := oauthapp.New(st, ring.KeySet())
	require.NoError(t, err)
	owner := oauthapp.Actor{
		UserSID:    oauthapptest.NewSID("US"),
		AccountSID: oauthapptest.NewSID("AC"),
		Role:       oauthapp.RoleOwner,
	}
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "hot path", Permissions: oauthapp.Permissions{Allow: []string{benchPermList}}})
	require.NoError(t, err)

	before := st.n.Load()
	for range 50 {
		tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		_, err = svc.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: benchPermList, AccountSID: owner.AccountSID})
		require.NoError(t, err)
	}
	require.Equal(t, before, st.n.Load(), "issuing and authorizing read no signing key from the store")
}
