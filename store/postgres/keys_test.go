package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
)

// TestKeyRingsShareOneSchema runs key rings of several instances, each on
// a Store of its own, on one schema.
func TestKeyRingsShareOneSchema(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	schema := testSchema(t, pool)
	kek := make([]byte, keyring.KEKSize)
	_, _ = rand.Read(kek)
	clock := oauthapptest.NewClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	opts := []keyring.Option{
		keyring.WithKeyEncryptionKey(kek), keyring.WithClock(clock.Now),
		keyring.WithRotation(10*24*time.Hour, time.Hour), keyring.WithMaxTokenTTL(time.Hour),
	}
	const n = 4
	rings := make([]*keyring.Ring, n)
	stores := make([]*Store, n)
	for i := range stores {
		stores[i] = openStore(t, pool, schema)
	}
	for i, err := range together(n, func(i int) (err error) {
		rings[i], err = keyring.New(ctx, stores[i], opts...)
		return err
	}) {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		t.Cleanup(func() { _ = rings[i].Close() })
	}
	st := openStore(t, pool, schema)
	keys := func() int {
		recs, err := st.ListSigningKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	if got := keys(); got != 1 {
		t.Fatalf("%d instances starting at once made %d keys, want 1", n, got)
	}
	signing := rings[0].KeySet().SigningKey().ID()
	for i, r := range rings {
		if got := r.KeySet().SigningKey().ID(); got != signing {
			t.Fatalf("instance %d signs with %q, instance 0 with %q", i, got, signing)
		}
	}

	t.Run("instances rotating at once make exactly one new key", func(t *testing.T) {
		clock.Set(clock.Now().Add(10*24*time.Hour - time.Hour))
		for i, err := range together(n, func(i int) error { return rings[i].Sync(ctx) }) {
			if err != nil {
				t.Fatalf("instance %d: %v", i, err)
			}
		}
		if got := keys(); got != 2 {
			t.Fatalf("%d keys after a rotation from %d instances, want 2", got, n)
		}
	})

	t.Run("a ring with another key-encryption key fails and changes nothing", func(t *testing.T) {
		before, err := st.ListSigningKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		other := make([]byte, keyring.KEKSize)
		_, _ = rand.Read(other)
		_, err = keyring.New(ctx, openStore(t, pool, schema), keyring.WithKeyEncryptionKey(other), keyring.WithClock(clock.Now))
		if !errors.Is(err, keyring.ErrForeignKEK) {
			t.Fatalf("New with another KEK: %v, want ErrForeignKEK", err)
		}
		after, err := st.ListSigningKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(before, after, func(a, b store.SigningKey) bool {
			return a.KID == b.KID && a.Version == b.Version && string(a.PrivateKey) == string(b.PrivateKey)
		}) {
			t.Fatal("the store changed")
		}
	})
}
