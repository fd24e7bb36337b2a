package keyring_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

func TestExternalSigner(t *testing.T) {
	st, c, signer := store.NewMemory(), newClock(), newTestSigner(t)
	opts := []keyring.Option{keyring.WithClock(c.Now), keyring.WithSigner(signer)}
	a := newRing(t, st, opts...)
	b := newRing(t, st, opts...)

	recs := stored(t, st)
	require.Len(t, recs, 1, "instances given the same signer store its key once")
	assert.Nil(t, recs[0].PrivateKey, "the store holds only the public key")
	assert.Equal(t, "EdDSA", recs[0].Algorithm)
	assert.Equal(t, kids(a.KeySet()), kids(b.KeySet()))

	calls := signer.calls.Load()
	raw := mintWith(t, a.KeySet(), t0)
	assert.Equal(t, calls+1, signer.calls.Load(), "the token was signed by the signer")
	assert.NoError(t, validWith(b.KeySet(), raw, t0))

	_, err := a.Rotate(ctx)
	assert.Error(t, err, "an external signer is rotated by its owner")

	t.Run("a key in the store that no signer of this instance holds is refused", func(t *testing.T) {
		rec := stored(t, st)[0]
		rec.KID, rec.Generation = "injected", rec.Generation+1
		other := newTestSigner(t)
		k, err := token.NewSignerKey("x", other)
		require.NoError(t, err)
		rec.PublicKey, err = k.MarshalPublicKeyPEM()
		require.NoError(t, err)
		_, err = st.CreateSigningKey(ctx, rec)
		require.NoError(t, err)
		require.NoError(t, a.Sync(ctx))
		_, trusted := a.KeySet().Lookup("injected")
		assert.False(t, trusted, "a public key nothing vouches for verifies nothing")
		require.Len(t, a.Refused(), 1)
		assert.ErrorIs(t, a.Refused()[0], keyring.ErrUnopenable)
		require.NoError(t, st.DeleteSigningKey(ctx, "injected"))
		require.NoError(t, a.Sync(ctx))
	})

	t.Run("no scheduled rotation", func(t *testing.T) {
		c.Set(t0.Add(365 * 24 * time.Hour))
		require.NoError(t, a.Sync(ctx))
		assert.Len(t, stored(t, st), 1)
	})

	t.Run("a new signer is published a lead time before it signs", func(t *testing.T) {
		next := newTestSigner(t)
		c2 := newClock()
		st2 := store.NewMemory()
		// First rollout: the old signer signs, the new one is known.
		old := newRing(t, st2, keyring.WithClock(c2.Now), keyring.WithSigner(signer), keyring.WithSigner(next))
		require.Len(t, stored(t, st2), 1, "a signer that is not first is not published")
		// Second rollout: the new one first publishes it.
		n := newRing(t, st2, keyring.WithClock(c2.Now), keyring.WithSigner(next), keyring.WithSigner(signer))
		recs := stored(t, st2)
		require.Len(t, recs, 2)
		assert.True(t, recs[1].SignFrom.Equal(t0.Add(keyring.DefaultPublishLead)), "signs from %v", recs[1].SignFrom)
		require.NoError(t, old.Sync(ctx))
		for _, r := range []*keyring.Ring{old, n} {
			assert.Equal(t, recs[0].KID, r.KeySet().SigningKey().ID(), "the old signer signs meanwhile")
			_, published := r.KeySet().Lookup(recs[1].KID)
			assert.True(t, published)
		}
		c2.Set(recs[1].SignFrom)
		require.NoError(t, n.Sync(ctx))
		assert.Equal(t, recs[1].KID, n.KeySet().SigningKey().ID())
		c2.Set(recs[1].SignFrom.Add(token.MaxTTL + keyring.DefaultLeeway))
		require.NoError(t, n.Sync(ctx))
		assert.Len(t, stored(t, st2), 1, "the old signer's key is removed once its tokens expired")
	})
}
