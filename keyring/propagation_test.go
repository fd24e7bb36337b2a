package keyring_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/store"
)

// waitUntil polls cond until it holds or the time is up.
func waitUntil(t *testing.T, within time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

func TestChangesReachOtherInstancesOnTheirOwn(t *testing.T) {
	st, kek := store.NewMemory(), newKEK(t)
	opts := []keyring.Option{keyring.WithKeyEncryptionKey(kek), keyring.WithRotation(time.Hour, 200*time.Millisecond)}
	a := newRing(t, st, opts...)
	b := newRing(t, st, opts...)

	next, err := a.Rotate(ctx)
	require.NoError(t, err)
	assert.True(t, waitUntil(t, time.Second, func() bool { _, ok := b.KeySet().Lookup(next); return ok }),
		"a key created through one instance is published by the other within a second")
	assert.NotEqual(t, next, b.KeySet().SigningKey().ID(), "and does not sign before its lead time")
	assert.True(t, waitUntil(t, 2*time.Second, func() bool { return b.KeySet().SigningKey().ID() == next }),
		"then signs once its lead time is over, without being told")

	require.NoError(t, st.DeleteSigningKey(ctx, kids(b.KeySet())[1]))
	assert.True(t, waitUntil(t, time.Second, func() bool { return len(b.KeySet().Keys()) == 1 }),
		"a key deleted from the store is dropped")
}

// silentStore hides the memory store's Watch: a store without
// notifications.
type silentStore struct{ m *store.Memory }

func (s silentStore) CreateSigningKey(ctx context.Context, k store.SigningKey) (store.SigningKey, error) {
	return s.m.CreateSigningKey(ctx, k)
}
func (s silentStore) ListSigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	return s.m.ListSigningKeys(ctx)
}
func (s silentStore) UpdateSigningKey(ctx context.Context, k store.SigningKey) (store.SigningKey, error) {
	return s.m.UpdateSigningKey(ctx, k)
}
func (s silentStore) DeleteSigningKey(ctx context.Context, kid string) error {
	return s.m.DeleteSigningKey(ctx, kid)
}

func TestResyncBoundsStalenessWithoutNotifications(t *testing.T) {
	m, kek := store.NewMemory(), newKEK(t)
	a := newRing(t, m, keyring.WithKeyEncryptionKey(kek))
	b := newRing(t, silentStore{m}, keyring.WithKeyEncryptionKey(kek), keyring.WithResync(50*time.Millisecond))
	next, err := a.Rotate(ctx)
	require.NoError(t, err)
	assert.True(t, waitUntil(t, time.Second, func() bool { _, ok := b.KeySet().Lookup(next); return ok }))
}

func TestClose(t *testing.T) {
	r, err := keyring.New(ctx, store.NewMemory(), keyring.WithKeyEncryptionKey(newKEK(t)))
	require.NoError(t, err)
	ks := r.KeySet()
	require.NoError(t, r.Close())
	require.NoError(t, r.Close(), "Close is idempotent")
	assert.ErrorIs(t, r.Sync(ctx), keyring.ErrClosed)
	_, err = r.Rotate(ctx)
	assert.ErrorIs(t, err, keyring.ErrClosed)
	assert.NotNil(t, ks.SigningKey(), "the key set keeps working")
}
