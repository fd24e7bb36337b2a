package token_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

func TestNewKeySetRejects(t *testing.T) {
	signing := testKey(t, token.EdDSA, "signing")
	for _, tc := range []struct {
		name    string
		signing *token.Key
		others  []*token.Key
		want    error
	}{
		{"nil signing key", nil, nil, token.ErrSigningKey},
		{"verify-only signing key", verifyOnly(t, signing), nil, token.ErrSigningKey},
		{"nil verify-only key", signing, []*token.Key{nil}, token.ErrInvalidKey},
		{"verify-only key with the signer's kid", signing, []*token.Key{signing}, token.ErrDuplicateKey},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			ks, err := token.NewKeySet(tc.signing, tc.others...)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, ks)
		})
	}
}

func TestKeySetRotation(t *testing.T) {
	oldKey, newKey := testKey(t, token.EdDSA, "rot-old"), testKey(t, token.ES256, "rot-new")
	ks, err := token.NewKeySet(oldKey)
	require.NoError(t, err)
	m, err := token.NewMinter(ks, testIssuer, testAudience)
	require.NoError(t, err)
	v, err := token.NewValidator(ks, testIssuer, testAudience)
	require.NoError(t, err)
	req := sampleRequest
	req.TTL = 2 * time.Hour
	before, _, err := m.Mint(t0, req)
	require.NoError(t, err)

	rotatedAt := t0.Add(time.Minute)
	require.NoError(t, ks.Rotate(newKey))

	t.Run("the new key signs after rotation", func(t *testing.T) {
		assert.Equal(t, newKey.ID(), ks.SigningKey().ID())
		raw, _, err := m.Mint(rotatedAt, sampleRequest)
		require.NoError(t, err)
		_, err = v.Validate(rotatedAt, raw)
		require.NoError(t, err)
	})
	t.Run("a token of the old key still validates", func(t *testing.T) {
		_, err := v.Validate(rotatedAt.Add(time.Hour), before)
		require.NoError(t, err)
	})
	t.Run("the old key is kept verify-only", func(t *testing.T) {
		k, ok := ks.Lookup(oldKey.ID())
		require.True(t, ok)
		assert.False(t, k.CanSign())
		assert.Equal(t, []string{newKey.ID(), oldKey.ID()}, kids(ks.Keys()))
	})
	t.Run("the old key verifies its tokens until it is removed", func(t *testing.T) {
		_, err := v.Validate(rotatedAt.Add(time.Hour), before)
		require.NoError(t, err)
		require.NoError(t, ks.Remove(oldKey.ID()))
		_, ok := ks.Lookup(oldKey.ID())
		assert.False(t, ok)
		_, err = v.Validate(rotatedAt.Add(time.Hour), before)
		require.ErrorIs(t, err, token.ErrUnknownKey)
	})
}

// TestZeroKeyIsAnErrorNotAPanic: a Key not made by the constructors is
// refused with an error wherever a key is taken, and its methods answer.
func TestZeroKeyIsAnErrorNotAPanic(t *testing.T) {
	var zero token.Key
	assert.False(t, zero.CanSign())
	assert.Nil(t, zero.PublicKey())
	_, err := zero.MarshalPrivateKeyPEM()
	assert.Error(t, err)
	assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v %s", zero, &zero, zero, zero) })
	_, err = token.NewKeySet(&zero)
	assert.ErrorIs(t, err, token.ErrSigningKey)
	_, err = token.NewKeySet(testKey(t, token.EdDSA, "signing"), &zero)
	assert.ErrorIs(t, err, token.ErrInvalidKey)
}

func TestKeySetChanges(t *testing.T) {
	signing := testKey(t, token.EdDSA, "signing")
	other := testKey(t, token.EdDSA, "other")
	hs := testKey(t, token.HS256, "signing")
	newSet := func(t *testing.T) *token.KeySet {
		ks, err := token.NewKeySet(signing, other)
		require.NoError(t, err)
		return ks
	}
	t.Run("a verify-only key given to NewKeySet cannot sign", func(t *testing.T) {
		k, ok := newSet(t).Lookup(other.ID())
		require.True(t, ok)
		assert.False(t, k.CanSign())
	})
	t.Run("a key added ahead can be rotated in under its kid", func(t *testing.T) {
		ks, err := token.NewKeySet(signing)
		require.NoError(t, err)
		require.NoError(t, ks.Add(other))
		require.NoError(t, ks.Rotate(other))
		assert.True(t, ks.SigningKey().CanSign())
		assert.Equal(t, other.ID(), ks.SigningKey().ID())
	})
	t.Run("another HS256 secret under a published kid is refused, the same one rotates in", func(t *testing.T) {
		ks := newSet(t)
		require.NoError(t, ks.Add(hs))
		impostor, err := token.NewHMACKey(hs.ID(), make([]byte, 32))
		require.NoError(t, err)
		require.ErrorIs(t, ks.Rotate(impostor), token.ErrDuplicateKey)
		assert.Equal(t, signing.ID(), ks.SigningKey().ID())
		require.NoError(t, ks.Rotate(hs))
		assert.Equal(t, hs.ID(), ks.SigningKey().ID())
	})
	t.Run("a removed key no longer verifies", func(t *testing.T) {
		ks := newSet(t)
		require.NoError(t, ks.Remove(other.ID()))
		_, ok := ks.Lookup(other.ID())
		assert.False(t, ok)
	})
}

// TestKeySetRefusals: each change a key set refuses fails with its
// sentinel and leaves the set as it was.
func TestKeySetRefusals(t *testing.T) {
	signing := testKey(t, token.EdDSA, "signing")
	other := testKey(t, token.EdDSA, "other")
	hs := testKey(t, token.HS256, "signing")
	for _, tc := range []struct {
		name string
		op   func(*token.KeySet) error
		want error
	}{
		{"adding a nil key", func(ks *token.KeySet) error { return ks.Add(nil) }, token.ErrInvalidKey},
		{"adding a zero key", func(ks *token.KeySet) error { return ks.Add(&token.Key{}) }, token.ErrInvalidKey},
		{"rotating in a zero key", func(ks *token.KeySet) error { return ks.Rotate(&token.Key{}) }, token.ErrSigningKey},
		{"adding a kid already held", func(ks *token.KeySet) error { return ks.Add(other) }, token.ErrDuplicateKey},
		{"rotating in a verify-only key", func(ks *token.KeySet) error { return ks.Rotate(verifyOnly(t, hs)) }, token.ErrSigningKey},
		{"rotating in nil", func(ks *token.KeySet) error { return ks.Rotate(nil) }, token.ErrSigningKey},
		{"rotating in the current signer", func(ks *token.KeySet) error { return ks.Rotate(signing) }, token.ErrDuplicateKey},
		{"rotating in a kid held with another algorithm", func(ks *token.KeySet) error {
			k, err := token.NewHMACKey(other.ID(), make([]byte, 32))
			require.NoError(t, err)
			return ks.Rotate(k)
		}, token.ErrDuplicateKey},
		{"rotating in another key under a published kid", func(ks *token.KeySet) error {
			// Same algorithm, same kid, other key material: the published
			// key's tokens and JWKS copies would break.
			fresh, err := token.GenerateKey(token.EdDSA)
			require.NoError(t, err)
			p, err := fresh.MarshalPrivateKeyPEM()
			require.NoError(t, err)
			impostor, err := token.ParsePrivateKeyPEM(other.ID(), p)
			require.NoError(t, err)
			return ks.Rotate(impostor)
		}, token.ErrDuplicateKey},
		{"removing the signing key", func(ks *token.KeySet) error { return ks.Remove(signing.ID()) }, token.ErrSigningKey},
		{"removing an unknown kid", func(ks *token.KeySet) error { return ks.Remove("nope") }, token.ErrNoSuchKey},
	} {
		t.Run(tc.name+" fails and changes nothing", func(t *testing.T) {
			ks, err := token.NewKeySet(signing, other)
			require.NoError(t, err)
			before := ks.Keys()
			require.ErrorIs(t, tc.op(ks), tc.want)
			assert.Equal(t, before, ks.Keys())
			assert.Equal(t, signing, ks.SigningKey())
		})
	}
}

// TestKeySetConcurrentUse mints and validates while another goroutine
// rotates keys; run with -race.
func TestKeySetConcurrentUse(t *testing.T) {
	f := newFixture(t, token.HS256)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				raw, _, err := f.minter.Mint(t0, sampleRequest)
				if !assert.NoError(t, err) {
					return
				}
				_, err = f.validator.Validate(t0, raw)
				if !assert.NoError(t, err, "goroutine %d", g) {
					return
				}
			}
		}()
	}
	for i := range 50 {
		k, err := token.NewHMACKey("k"+string(rune('a'+i%26))+string(rune('a'+i/26)), make([]byte, 32))
		require.NoError(t, err)
		require.NoError(t, f.keys.Rotate(k))
		_, err = f.keys.JWKS()
		require.NoError(t, err)
		assert.Len(t, f.keys.Keys(), i+2, "every rotated-out key is kept")
	}
	wg.Wait()
	assert.Len(t, f.keys.Keys(), 51)
}

func kids(keys []*token.Key) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.ID()
	}
	return out
}

// verifyOnly returns the verify-only copy of k that a key set keeps.
func verifyOnly(t *testing.T, k *token.Key) *token.Key {
	t.Helper()
	ks, err := token.NewKeySet(testKey(t, token.EdDSA, "verify-only holder"), k)
	require.NoError(t, err)
	c, ok := ks.Lookup(k.ID())
	require.True(t, ok)
	require.False(t, c.CanSign())
	return c
}
