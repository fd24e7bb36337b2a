package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// newSigningKey returns a well-formed key of generation n, every field set.
func newSigningKey(n int64) store.SigningKey {
	return store.SigningKey{
		KID:        fmt.Sprintf("kid-%d", n),
		Generation: n,
		Algorithm:  "EdDSA",
		PublicKey:  []byte(fmt.Sprintf("-----BEGIN PUBLIC KEY-----\npublic %d\n", n)),
		PrivateKey: []byte{0x01, byte(n), 0x00, 0xff, 0x7f},
		SignFrom:   base.Add(time.Duration(n)*time.Hour + 3*us),
		CreatedAt:  base.Add(time.Duration(n)*time.Minute + 5*us),
	}
}

// keyDiff lists the fields in which got differs from want; a nil and an
// empty PrivateKey are equal.
func keyDiff(got, want store.SigningKey) []string {
	var d []string
	if got.KID != want.KID || got.Generation != want.Generation || got.Algorithm != want.Algorithm || got.Version != want.Version {
		d = append(d, fmt.Sprintf("KID, Generation, Algorithm, Version = %q %d %q %d, want %q %d %q %d",
			got.KID, got.Generation, got.Algorithm, got.Version, want.KID, want.Generation, want.Algorithm, want.Version))
	}
	if !bytes.Equal(got.PublicKey, want.PublicKey) {
		d = append(d, "PublicKey differs")
	}
	if !bytes.Equal(got.PrivateKey, want.PrivateKey) {
		d = append(d, "PrivateKey differs")
	}
	if !got.SignFrom.Equal(want.SignFrom) || !got.CreatedAt.Equal(want.CreatedAt) {
		d = append(d, fmt.Sprintf("SignFrom, CreatedAt = %v %v, want %v %v", got.SignFrom, got.CreatedAt, want.SignFrom, want.CreatedAt))
	}
	return d
}

func checkKey(t *testing.T, what string, got, want store.SigningKey) {
	t.Helper()
	if d := keyDiff(got, want); d != nil {
		t.Errorf("%s: %v", what, d)
	}
}

func createKey(t *testing.T, ks store.SigningKeys, k store.SigningKey) store.SigningKey {
	t.Helper()
	got, err := ks.CreateSigningKey(context.Background(), k)
	if err != nil {
		t.Fatalf("CreateSigningKey(%s): %v", k.KID, err)
	}
	return got
}

func listKeys(t *testing.T, ks store.SigningKeys) []store.SigningKey {
	t.Helper()
	got, err := ks.ListSigningKeys(context.Background())
	if err != nil {
		t.Fatalf("ListSigningKeys: %v", err)
	}
	return got
}

func withKeyVersion(k store.SigningKey, v int64) store.SigningKey {
	k.Version = v
	return k
}

// keyCheck is one behaviour of store.SigningKeys, run on a fresh store.
type keyCheck struct {
	name string
	run  func(t *testing.T, ks store.SigningKeys)
}

var keyChecks = []keyCheck{
	{"a created key lists back field for field at version 1", func(t *testing.T, ks store.SigningKeys) {
		k := newSigningKey(1)
		k.Version = 9 // the store owns Version
		checkKey(t, "CreateSigningKey result", createKey(t, ks, k), withKeyVersion(k, 1))
		got := listKeys(t, ks)
		if len(got) != 1 {
			t.Fatalf("ListSigningKeys has %d keys, want 1", len(got))
		}
		checkKey(t, "ListSigningKeys", got[0], withKeyVersion(k, 1))
	}},
	{"an external signer's key has no private part", func(t *testing.T, ks store.SigningKeys) {
		k := newSigningKey(1)
		k.PrivateKey = nil
		createKey(t, ks, k)
		if got := listKeys(t, ks)[0]; len(got.PrivateKey) != 0 {
			t.Errorf("PrivateKey = %x, want none", got.PrivateKey)
		}
	}},
	{"keys list in ascending generation", func(t *testing.T, ks store.SigningKeys) {
		for _, n := range []int64{3, 1, 2} {
			createKey(t, ks, newSigningKey(n))
		}
		got := listKeys(t, ks)
		if len(got) != 3 || got[0].Generation != 1 || got[1].Generation != 2 || got[2].Generation != 3 {
			t.Fatalf("ListSigningKeys order: %+v", got)
		}
	}},
	{"a taken kid is ErrAlreadyExists and changes nothing", func(t *testing.T, ks store.SigningKeys) {
		k := createKey(t, ks, newSigningKey(1))
		dup := newSigningKey(2)
		dup.KID = k.KID
		if _, err := ks.CreateSigningKey(context.Background(), dup); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("CreateSigningKey with a taken kid: %v, want ErrAlreadyExists", err)
		}
		got := listKeys(t, ks)
		if len(got) != 1 {
			t.Fatalf("%d keys after a refused create, want 1", len(got))
		}
		checkKey(t, "the first key", got[0], k)
	}},
	{"a taken generation is ErrAlreadyExists and changes nothing", func(t *testing.T, ks store.SigningKeys) {
		createKey(t, ks, newSigningKey(1))
		dup := newSigningKey(1)
		dup.KID = "another-kid"
		if _, err := ks.CreateSigningKey(context.Background(), dup); !errors.Is(err, store.ErrAlreadyExists) {
			t.Fatalf("CreateSigningKey with a taken generation: %v, want ErrAlreadyExists", err)
		}
		if got := listKeys(t, ks); len(got) != 1 || got[0].KID != "kid-1" {
			t.Fatalf("keys after a refused create: %+v", got)
		}
	}},
	{"an empty kid, a generation below 1 or no public key is ErrInvalid", func(t *testing.T, ks store.SigningKeys) {
		for name, mutate := range map[string]func(*store.SigningKey){
			"empty kid":           func(k *store.SigningKey) { k.KID = "" },
			"generation 0":        func(k *store.SigningKey) { k.Generation = 0 },
			"no public key":       func(k *store.SigningKey) { k.PublicKey = nil },
			"negative generation": func(k *store.SigningKey) { k.Generation = -1 },
		} {
			k := newSigningKey(1)
			mutate(&k)
			if _, err := ks.CreateSigningKey(context.Background(), k); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
		if got := listKeys(t, ks); len(got) != 0 {
			t.Fatalf("refused creates stored %d keys", len(got))
		}
	}},
	{"an update replaces the private key and sign-from time and nothing else", func(t *testing.T, ks store.SigningKeys) {
		k := createKey(t, ks, newSigningKey(1))
		next := newSigningKey(2) // every other field differs
		next.KID, next.Version = k.KID, k.Version
		got, err := ks.UpdateSigningKey(context.Background(), next)
		if err != nil {
			t.Fatalf("UpdateSigningKey: %v", err)
		}
		want := k
		want.PrivateKey, want.SignFrom, want.Version = next.PrivateKey, next.SignFrom, 2
		checkKey(t, "UpdateSigningKey result", got, want)
		checkKey(t, "ListSigningKeys after update", listKeys(t, ks)[0], want)
	}},
	{"a stale version is ErrConflict and writes nothing", func(t *testing.T, ks store.SigningKeys) {
		k := createKey(t, ks, newSigningKey(1))
		first := k
		first.SignFrom = base.Add(time.Minute)
		updated, err := ks.UpdateSigningKey(context.Background(), first)
		if err != nil {
			t.Fatalf("first UpdateSigningKey: %v", err)
		}
		stale := k // still version 1
		stale.PrivateKey = []byte("stale")
		if _, err := ks.UpdateSigningKey(context.Background(), stale); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale UpdateSigningKey: %v, want ErrConflict", err)
		}
		checkKey(t, "after the refused update", listKeys(t, ks)[0], updated)
	}},
	{"updating or deleting a missing key is ErrNotFound", func(t *testing.T, ks store.SigningKeys) {
		k := newSigningKey(1)
		k.Version = 1
		if _, err := ks.UpdateSigningKey(context.Background(), k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateSigningKey of a missing key: %v, want ErrNotFound", err)
		}
		if err := ks.DeleteSigningKey(context.Background(), k.KID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeleteSigningKey of a missing key: %v, want ErrNotFound", err)
		}
	}},
	{"a deleted key is gone and later generations can still be created", func(t *testing.T, ks store.SigningKeys) {
		createKey(t, ks, newSigningKey(1))
		createKey(t, ks, newSigningKey(2))
		if err := ks.DeleteSigningKey(context.Background(), "kid-1"); err != nil {
			t.Fatalf("DeleteSigningKey: %v", err)
		}
		if got := listKeys(t, ks); len(got) != 1 || got[0].KID != "kid-2" {
			t.Fatalf("keys after delete: %+v", got)
		}
		createKey(t, ks, newSigningKey(3))
	}},
	{"keys go in and come out as copies", func(t *testing.T, ks store.SigningKeys) {
		k := newSigningKey(1)
		want := withKeyVersion(newSigningKey(1), 1)
		got := createKey(t, ks, k)
		k.PublicKey[0], k.PrivateKey[0] = 'x', 'x'
		got.PublicKey[0], got.PrivateKey[0] = 'y', 'y'
		listed := listKeys(t, ks)[0]
		checkKey(t, "after mutating the passed and returned records", listed, want)
		listed.PrivateKey[1] = 'z'
		checkKey(t, "after mutating a listed record", listKeys(t, ks)[0], want)
	}},
	{"concurrent creates of one generation: exactly one wins", func(t *testing.T, ks store.SigningKeys) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := newSigningKey(1)
				k.KID = fmt.Sprintf("racer-%d", i)
				_, errs[i] = ks.CreateSigningKey(context.Background(), k)
			}()
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Errorf("racer %d: %v, want nil or ErrAlreadyExists", i, err)
			}
		}
		if got := listKeys(t, ks); won != 1 || len(got) != 1 {
			t.Fatalf("%d creates won and %d keys are stored, want 1 and 1", won, len(got))
		}
	}},
}

// keyWatchChecks run when the store implements both SigningKeys and
// Watcher.
var keyWatchChecks = []keyCheck{
	{"creating, updating and deleting a key is notified as SigningKeyChanged with the kid", func(t *testing.T, ks store.SigningKeys) {
		s := ks.(store.Store)
		r, _ := watch(t, s)
		want := store.Change{Kind: store.SigningKeyChanged, KID: "kid-1"}
		k := createKey(t, ks, newSigningKey(1))
		r.waitFor(t, want)
		r.reset()
		k.SignFrom = base
		if _, err := ks.UpdateSigningKey(context.Background(), k); err != nil {
			t.Fatalf("UpdateSigningKey: %v", err)
		}
		r.waitFor(t, want)
		r.reset()
		if err := ks.DeleteSigningKey(context.Background(), k.KID); err != nil {
			t.Fatalf("DeleteSigningKey: %v", err)
		}
		r.waitFor(t, want)
	}},
}

// runKeys runs the signing-key checks when the store implements
// store.SigningKeys.
func runKeys(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	if _, ok := fresh(t, newStore).(store.SigningKeys); !ok {
		t.Skip("the store does not implement the optional store.SigningKeys")
	}
	for _, c := range keyChecks {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, fresh(t, newStore).(store.SigningKeys))
		})
	}
	if _, ok := fresh(t, newStore).(store.Watcher); !ok {
		return
	}
	for _, c := range keyWatchChecks {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, fresh(t, newStore).(store.SigningKeys))
		})
	}
}
