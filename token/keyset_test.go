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
		{"verify-only signing key", signing.VerifyOnly(), nil, token.ErrSigningKey},
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
	require.NoError(t, ks.Rotate(rotatedAt, newKey))

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
	t.Run("the old key can go when its last token expires", func(t *testing.T) {
		at, err := ks.RemovableAt(oldKey.ID(), 2*time.Hour)
		require.NoError(t, err)
		assert.Equal(t, rotatedAt.Add(2*time.Hour), at)
	})
	t.Run("the signing key has no removal time", func(t *testing.T) {
		_, err := ks.RemovableAt(newKey.ID(), time.Hour)
		require.ErrorIs(t, err, token.ErrSigningKey)
	})
	t.Run("prune keeps the old key until then and removes it at then", func(t *testing.T) {
		assert.Empty(t, ks.Prune(rotatedAt.Add(2*time.Hour-time.Second), 2*time.Hour))
		_, err := v.Validate(rotatedAt.Add(time.Hour), before)
		require.NoError(t, err)
		assert.Equal(t, []string{oldKey.ID()}, ks.Prune(rotatedAt.Add(2*time.Hour), 2*time.Hour))
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
	assert.False(t, zero.VerifyOnly().CanSign())
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
		require.NoError(t, ks.Rotate(t0, other))
		assert.True(t, ks.SigningKey().CanSign())
		assert.Equal(t, other.ID(), ks.SigningKey().ID())
	})
	t.Run("a verify-only key retired by hand gets a removal time", func(t *testing.T) {
		ks := newSet(t)
		_, err := ks.RemovableAt(other.ID(), time.Hour)
		require.ErrorIs(t, err, token.ErrNotRetired)
		require.NoError(t, ks.Retire(other.ID(), t0))
		at, err := ks.RemovableAt(other.ID(), time.Hour)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Hour), at)
	})
	t.Run("another HS256 secret under a published kid is refused, the same one rotates in", func(t *testing.T) {
		ks := newSet(t)
		require.NoError(t, ks.Add(hs))
		impostor, err := token.NewHMACKey(hs.ID(), make([]byte, 32))
		require.NoError(t, err)
		require.ErrorIs(t, ks.Rotate(t0, impostor), token.ErrDuplicateKey)
		assert.Equal(t, signing.ID(), ks.SigningKey().ID())
		require.NoError(t, ks.Rotate(t0, hs))
		assert.Equal(t, hs.ID(), ks.SigningKey().ID())
	})
	t.Run("retiring again never moves the removal time earlier", func(t *testing.T) {
		ks, err := token.NewKeySet(signing)
		require.NoError(t, err)
		require.NoError(t, ks.Rotate(t0, other))
		require.NoError(t, ks.Retire(signing.ID(), t0.Add(-time.Hour)))
		at, err := ks.RemovableAt(signing.ID(), time.Hour)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Hour), at, "the rotation's time stands")
		require.NoError(t, ks.Retire(signing.ID(), t0.Add(time.Minute)))
		at, err = ks.RemovableAt(signing.ID(), time.Hour)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Hour+time.Minute), at, "a later time is taken")
	})
	t.Run("a removed key no longer verifies", func(t *testing.T) {
		ks := newSet(t)
		require.NoError(t, ks.Remove(other.ID()))
		_, ok := ks.Lookup(other.ID())
		assert.False(t, ok)
	})
	for _, tc := range []struct {
		name string
		op   func(*token.KeySet) error
		want error
	}{
		{"adding a nil key", func(ks *token.KeySet) error { return ks.Add(nil) }, token.ErrInvalidKey},
		{"adding a zero key", func(ks *token.KeySet) error { return ks.Add(&token.Key{}) }, token.ErrInvalidKey},
		{"rotating in a zero key", func(ks *token.KeySet) error { return ks.Rotate(t0, &token.Key{}) }, token.ErrSigningKey},
		{"adding a kid already held", func(ks *token.KeySet) error { return ks.Add(other) }, token.ErrDuplicateKey},
		{"rotating in a verify-only key", func(ks *token.KeySet) error { return ks.Rotate(t0, hs.VerifyOnly()) }, token.ErrSigningKey},
		{"rotating in nil", func(ks *token.KeySet) error { return ks.Rotate(t0, nil) }, token.ErrSigningKey},
		{"rotating in the current signer", func(ks *token.KeySet) error { return ks.Rotate(t0, signing) }, token.ErrDuplicateKey},
		{"rotating in a kid held with another algorithm", func(ks *token.KeySet) error {
			k, err := token.NewHMACKey(other.ID(), make([]byte, 32))
			require.NoError(t, err)
			return ks.Rotate(t0, k)
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
			return ks.Rotate(t0, impostor)
		}, token.ErrDuplicateKey},
		{"retiring the signing key", func(ks *token.KeySet) error { return ks.Retire(signing.ID(), t0) }, token.ErrSigningKey},
		{"retiring an unknown kid", func(ks *token.KeySet) error { return ks.Retire("nope", t0) }, token.ErrNoSuchKey},
		{"removing the signing key", func(ks *token.KeySet) error { return ks.Remove(signing.ID()) }, token.ErrSigningKey},
		{"removing an unknown kid", func(ks *token.KeySet) error { return ks.Remove("nope") }, token.ErrNoSuchKey},
		{"asking when an unknown kid can go", func(ks *token.KeySet) error { _, err := ks.RemovableAt("nope", time.Hour); return err }, token.ErrNoSuchKey},
	} {
		t.Run(tc.name+" fails and changes nothing", func(t *testing.T) {
			ks := newSet(t)
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
		require.NoError(t, f.keys.Rotate(t0, k))
		_, err = f.keys.JWKS()
		require.NoError(t, err)
		assert.Empty(t, f.keys.Prune(t0.Add(time.Hour-time.Second), time.Hour))
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
