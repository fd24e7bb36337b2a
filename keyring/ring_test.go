package keyring_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

func TestInstancesShareKeys(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	a := newRing(t, st, testOptions(c, kek, nil)...)
	recs := stored(t, st)
	require.Len(t, recs, 1, "the first ring creates one key")
	assert.Equal(t, int64(1), recs[0].Generation)
	assert.Equal(t, []string{recs[0].KID}, kids(a.KeySet()))

	b := newRing(t, st, testOptions(c, kek, nil)...)
	assert.Len(t, stored(t, st), 1, "a second ring on the same store creates nothing")
	assert.Equal(t, kids(a.KeySet()), kids(b.KeySet()))

	t.Run("a token from one instance validates on the other", func(t *testing.T) {
		raw := mintWith(t, a.KeySet(), t0)
		require.NoError(t, validWith(b.KeySet(), raw, t0.Add(time.Minute)))
	})
	t.Run("a restarted instance accepts tokens issued before", func(t *testing.T) {
		raw := mintWith(t, b.KeySet(), t0)
		require.NoError(t, a.Close())
		again := newRing(t, st, testOptions(c, kek, nil)...)
		require.NoError(t, validWith(again.KeySet(), raw, t0.Add(time.Minute)))
	})
}

func TestScheduledRotation(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	a := newRing(t, st, testOptions(c, kek, nil)...)
	b := newRing(t, st, testOptions(c, kek, nil)...)
	first := a.KeySet().SigningKey().ID()
	oldToken := mintWith(t, a.KeySet(), t0.Add(10*24*time.Hour-time.Minute))

	t.Run("before its lead time nothing is created", func(t *testing.T) {
		c.Set(t0.Add(10*24*time.Hour - time.Hour - time.Second))
		require.NoError(t, a.Sync(ctx))
		assert.Len(t, stored(t, st), 1)
	})
	var next string
	t.Run("the successor is published a lead time before it signs", func(t *testing.T) {
		c.Set(t0.Add(10*24*time.Hour - time.Hour))
		require.NoError(t, a.Sync(ctx))
		require.NoError(t, b.Sync(ctx))
		recs := stored(t, st)
		require.Len(t, recs, 2)
		next = recs[1].KID
		assert.True(t, recs[1].SignFrom.Equal(t0.Add(10*24*time.Hour)), "signs from %v", recs[1].SignFrom)
		for _, r := range []*keyring.Ring{a, b} {
			assert.Equal(t, first, r.KeySet().SigningKey().ID(), "the old key still signs")
			_, published := r.KeySet().Lookup(next)
			assert.True(t, published, "the successor is in the key set, so in the JWKS")
		}
	})
	t.Run("at its sign-from time the successor signs and the old key verifies", func(t *testing.T) {
		c.Set(t0.Add(10 * 24 * time.Hour))
		require.NoError(t, a.Sync(ctx))
		require.NoError(t, b.Sync(ctx))
		for _, r := range []*keyring.Ring{a, b} {
			assert.Equal(t, next, r.KeySet().SigningKey().ID())
			assert.NoError(t, validWith(r.KeySet(), oldToken, c.Now()))
		}
		assert.Len(t, stored(t, st), 2)
	})
	t.Run("the retired key stays until its last token has expired", func(t *testing.T) {
		c.Set(t0.Add(10*24*time.Hour + time.Hour + keyring.DefaultLeeway - time.Second))
		require.NoError(t, a.Sync(ctx))
		assert.Len(t, stored(t, st), 2)
		_, ok := a.KeySet().Lookup(first)
		assert.True(t, ok)
	})
	t.Run("then it is removed from the store and from every instance", func(t *testing.T) {
		c.Set(t0.Add(10*24*time.Hour + time.Hour + keyring.DefaultLeeway))
		require.NoError(t, a.Sync(ctx))
		require.NoError(t, b.Sync(ctx))
		recs := stored(t, st)
		require.Len(t, recs, 1)
		assert.Equal(t, next, recs[0].KID)
		for _, r := range []*keyring.Ring{a, b} {
			assert.Equal(t, []string{next}, kids(r.KeySet()))
		}
	})
}

func TestConcurrentRotationMakesOneKey(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	rings := make([]*keyring.Ring, 6)
	for i := range rings {
		rings[i] = newRing(t, st, testOptions(c, kek, nil)...)
	}
	t.Run("scheduled", func(t *testing.T) {
		c.Set(t0.Add(10*24*time.Hour - time.Hour))
		var wg sync.WaitGroup
		for _, r := range rings {
			wg.Add(1)
			go func() { defer wg.Done(); assert.NoError(t, r.Sync(ctx)) }()
		}
		wg.Wait()
		assert.Len(t, stored(t, st), 2, "exactly one successor")
	})
}

func TestRotateRacesOnOneGeneration(t *testing.T) {
	// Two rotations that read the same newest key: one creates, both
	// return its kid.
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	a := newRing(t, st, testOptions(c, kek, nil)...)
	racer := &racingStore{Memory: st}
	b := newRing(t, racer, testOptions(c, kek, nil)...)
	racer.before = func() {
		racer.before = nil
		_, err := a.Rotate(ctx)
		require.NoError(t, err)
	}
	kid, err := b.Rotate(ctx)
	require.NoError(t, err)
	recs := stored(t, st)
	require.Len(t, recs, 2, "one new key")
	assert.Equal(t, recs[1].KID, kid, "the loser returns the winner's key")
}

// racingStore runs before just before its next CreateSigningKey.
type racingStore struct {
	*store.Memory
	before func()
}

func (s *racingStore) CreateSigningKey(ctx context.Context, k store.SigningKey) (store.SigningKey, error) {
	if f := s.before; f != nil {
		f()
	}
	return s.Memory.CreateSigningKey(ctx, k)
}

func TestWithdrawingAKey(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	a := newRing(t, st, testOptions(c, kek, nil)...)
	b := newRing(t, st, testOptions(c, kek, nil)...)
	first := a.KeySet().SigningKey().ID()
	c.Set(t0.Add(10*24*time.Hour - time.Hour))
	require.NoError(t, a.Sync(ctx))
	c.Set(t0.Add(10 * 24 * time.Hour))
	require.NoError(t, a.Sync(ctx))
	second := a.KeySet().SigningKey().ID()
	require.NotEqual(t, first, second)
	leaked := mintWith(t, a.KeySet(), c.Now())

	t.Run("deleting the signing key drops it everywhere and the previous key signs", func(t *testing.T) {
		require.NoError(t, st.DeleteSigningKey(ctx, second))
		for _, r := range []*keyring.Ring{a, b} {
			require.NoError(t, r.Sync(ctx))
			assert.Equal(t, first, r.KeySet().SigningKey().ID())
			assert.ErrorIs(t, validWith(r.KeySet(), leaked, c.Now()), token.ErrUnknownKey, "its tokens stop validating")
		}
	})
	t.Run("with no key due left, the published successor signs early", func(t *testing.T) {
		recs := stored(t, st)
		require.Len(t, recs, 2, "the rotation of the previous key created a successor")
		require.NoError(t, st.DeleteSigningKey(ctx, first))
		for _, r := range []*keyring.Ring{a, b} {
			require.NoError(t, r.Sync(ctx))
			assert.Equal(t, []string{recs[1].KID}, kids(r.KeySet()))
		}
	})
	t.Run("a store left with no key gets one new key that signs at once", func(t *testing.T) {
		require.NoError(t, st.DeleteSigningKey(ctx, stored(t, st)[0].KID))
		require.NoError(t, a.Sync(ctx))
		require.NoError(t, b.Sync(ctx))
		recs := stored(t, st)
		require.Len(t, recs, 1)
		for _, r := range []*keyring.Ring{a, b} {
			assert.Equal(t, []string{recs[0].KID}, kids(r.KeySet()))
		}
	})
}
