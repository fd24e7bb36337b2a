package secret_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

// compareOnly is a Hasher without NeedsRehash: it hides the Rehasher of
// the hasher it wraps.
type compareOnly struct{ h secret.Hasher }

func (c compareOnly) Hash(s secret.Secret) (string, error)         { return c.h.Hash(s) }
func (c compareOnly) Compare(encoded string, s secret.Secret) bool { return c.h.Compare(encoded, s) }

// ownAlgorithm is the mistake the Rehasher documentation warns about: it
// embeds SHA256 and makes hashes of its own, but keeps SHA256's
// NeedsRehash, which rejects them.
type ownAlgorithm struct{ secret.SHA256 }

func (o ownAlgorithm) Hash(s secret.Secret) (string, error) {
	h, err := o.SHA256.Hash(s)
	return "$mine$" + strings.TrimPrefix(h, "$sha256$"), err
}

func TestNeedsRehashSaysWhenAHashIsNotTheHashersOwn(t *testing.T) {
	s := generate(t)
	bySHA, err := secret.SHA256{}.Hash(s)
	require.NoError(t, err)
	byCheapArgon, err := cheapArgon2id(t).Hash(s)
	require.NoError(t, err)
	byDefaultArgon, err := secret.Argon2id{}.Hash(s)
	require.NoError(t, err)
	moreMemory, err := secret.NewArgon2id(secret.WithArgon2Memory(128), secret.WithArgon2Time(1))
	require.NoError(t, err)
	moreLanes, err := secret.NewArgon2id(secret.WithArgon2Memory(64), secret.WithArgon2Time(1), secret.WithArgon2Threads(2))
	require.NoError(t, err)
	defaults, err := secret.NewArgon2id()
	require.NoError(t, err)
	by640KiB, err := mustArgon2id(t, secret.WithArgon2Memory(640), secret.WithArgon2Time(1)).Hash(s)
	require.NoError(t, err)

	tests := []struct {
		name    string
		hasher  secret.Rehasher
		encoded string
		want    bool
	}{
		{"sha256 keeps its own hash", secret.SHA256{}, bySHA, false},
		{"sha256 replaces an argon2id hash", secret.SHA256{}, byCheapArgon, true},
		{"sha256 replaces a hash of an unknown algorithm", secret.SHA256{}, "$md5$" + bySHA[8:], true},
		{"sha256 replaces an empty hash", secret.SHA256{}, "", true},
		{"argon2id keeps a hash of its own parameters", cheapArgon2id(t), byCheapArgon, false},
		{"argon2id replaces a sha256 hash", cheapArgon2id(t), bySHA, true},
		{"argon2id replaces a hash of more memory", cheapArgon2id(t), byDefaultArgon, true},
		{"argon2id replaces a hash of less memory", moreMemory, byCheapArgon, true},
		{"argon2id replaces a hash of other lanes", moreLanes, byCheapArgon, true},
		{"argon2id with more passes replaces a hash of fewer", mustArgon2id(t, secret.WithArgon2Memory(64), secret.WithArgon2Time(2)), byCheapArgon, true},
		{"argon2id replaces a hash of another version", cheapArgon2id(t), strings.Replace(byCheapArgon, "v=19", "v=16", 1), true},
		{"argon2id replaces a hash whose parameters only start alike", cheapArgon2id(t), by640KiB, true},
		{"the zero argon2id keeps a hash of the defaults", secret.Argon2id{}, byDefaultArgon, false},
		{"argon2id of the default options keeps a hash of the zero value", defaults, byDefaultArgon, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.hasher.NeedsRehash(tt.encoded))
		})
	}
}

func mustArgon2id(t testing.TB, opts ...secret.Option) secret.Argon2id {
	t.Helper()
	a, err := secret.NewArgon2id(opts...)
	require.NoError(t, err)
	return a
}

// TestNeedsRehashAllocatesNothing: it runs after every successful
// verification, on the token endpoint's hot path.
func TestNeedsRehashAllocatesNothing(t *testing.T) {
	s := generate(t)
	bySHA, _ := secret.SHA256{}.Hash(s)
	byArgon, _ := cheapArgon2id(t).Hash(s)
	c, _, err := secret.NewCredentials(t0, nil)
	require.NoError(t, err)
	cur, _ := c.Records()
	argon := cheapArgon2id(t)
	for name, f := range map[string]func(){
		"sha256 on its own hash":            func() { _ = secret.SHA256{}.NeedsRehash(bySHA) },
		"sha256 on an argon2id hash":        func() { _ = secret.SHA256{}.NeedsRehash(byArgon) },
		"argon2id on its own hash":          func() { _ = argon.NeedsRehash(byArgon) },
		"argon2id on a sha256 hash":         func() { _ = argon.NeedsRehash(bySHA) },
		"credentials through the interface": func() { _ = c.NeedsRehash(cur.ID, secret.SHA256{}) },
	} {
		t.Run(name, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(100, f))
		})
	}
}

func TestCredentialsRehash(t *testing.T) {
	oldHasher := &counting{Hasher: secret.SHA256{}}
	newHasher := cheapArgon2id(t)
	c, first, err := secret.NewCredentials(t0, oldHasher)
	require.NoError(t, err)
	c = c.Touch(first.ID(), t0.Add(time.Minute))
	c, second, err := c.Rotate(t0.Add(time.Hour), time.Hour, oldHasher)
	require.NoError(t, err)
	now := t0.Add(90 * time.Minute)
	oldCur, oldPrev := c.Records()

	t.Run("the slot presented verifies against gets a hash of the new kind and keeps its metadata", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			s    secret.Secret
		}{{"current", second}, {"previous in its grace", first}} {
			t.Run(tt.name, func(t *testing.T) {
				require.True(t, c.NeedsRehash(tt.s.ID(), newHasher))
				next, changed, err := c.Rehash(now, tt.s, newHasher)
				require.NoError(t, err)
				assert.True(t, changed)
				cur, prev := next.Records()
				upgraded, other, was, otherWas := cur, prev, oldCur, oldPrev
				if tt.s.ID() == first.ID() {
					upgraded, other, was, otherWas = prev, cur, oldPrev, oldCur
				}
				assert.True(t, strings.HasPrefix(upgraded.Hash, "$argon2id$v=19$m=64,t=1,p=1$"), "a hash of the new hasher")
				was.Hash = upgraded.Hash
				assert.Equal(t, was, upgraded, "same id, Created, Expires and LastUsed")
				assert.Equal(t, otherWas, other, "the other slot is left alone")
				assert.False(t, next.NeedsRehash(tt.s.ID(), newHasher), "upgraded once is upgraded for good")
				for _, s := range []secret.Secret{first, second} {
					id, err := next.VerifyWith(now, s, oldHasher)
					require.NoError(t, err, "both secrets still verify, through either hasher")
					assert.Equal(t, s.ID(), id)
					_, err = next.VerifyWith(now, s, newHasher)
					require.NoError(t, err)
				}
				_, err = secret.FromRecords(next.Records())
				assert.NoError(t, err, "the upgraded slots go to a store and back")
				cur, prev = c.Records()
				assert.Equal(t, []secret.Record{oldCur, oldPrev}, []secret.Record{cur, prev}, "the receiver is left alone")
			})
		}
	})
	t.Run("it verifies first, with one comparison", func(t *testing.T) {
		oldHasher.take()
		_, _, err := c.Rehash(now, second, oldHasher)
		require.NoError(t, err)
		assert.EqualValues(t, 1, oldHasher.take())
	})
	t.Run("a secret that does not verify is ErrMismatch and changes nothing", func(t *testing.T) {
		for name, s := range map[string]secret.Secret{
			"a wrong secret with the current id":  forge(t, second.ID()),
			"a wrong secret with the previous id": forge(t, first.ID()),
			"an unknown secret":                   generate(t),
			"the zero secret":                     {},
		} {
			t.Run(name, func(t *testing.T) {
				next, changed, err := c.Rehash(now, s, newHasher)
				assert.ErrorIs(t, err, secret.ErrMismatch)
				assert.False(t, changed)
				assert.Equal(t, c, next)
			})
		}
		t.Run("the previous secret after its grace", func(t *testing.T) {
			next, changed, err := c.Rehash(t0.Add(2*time.Hour), first, newHasher)
			assert.ErrorIs(t, err, secret.ErrMismatch)
			assert.False(t, changed)
			assert.Equal(t, c, next)
		})
	})
	t.Run("a hash of the hasher's own kind is left as it is", func(t *testing.T) {
		assert.False(t, c.NeedsRehash(second.ID(), secret.SHA256{}))
		next, changed, err := c.Rehash(now, second, secret.SHA256{})
		require.NoError(t, err)
		assert.False(t, changed)
		assert.Equal(t, c, next)
	})
	t.Run("a hasher without NeedsRehash never rehashes", func(t *testing.T) {
		h := compareOnly{newHasher}
		assert.False(t, c.NeedsRehash(second.ID(), h))
		next, changed, err := c.Rehash(now, second, h)
		require.NoError(t, err)
		assert.False(t, changed)
		assert.Equal(t, c, next)
	})
	t.Run("a hasher that rejects its own new hash is refused", func(t *testing.T) {
		byArgon, _, err := secret.NewCredentials(t0, newHasher)
		require.NoError(t, err)
		cur, _ := byArgon.Records()
		require.True(t, byArgon.NeedsRehash(cur.ID, ownAlgorithm{}))
		byArgon, s, err := byArgon.Rotate(t0, 0, newHasher)
		require.NoError(t, err)
		next, changed, err := byArgon.Rehash(t0, s, ownAlgorithm{})
		assert.ErrorIs(t, err, secret.ErrInvalidOption)
		assert.False(t, changed)
		assert.Equal(t, byArgon, next)
	})
	t.Run("a failing or careless hasher changes nothing", func(t *testing.T) {
		// The zero secret is refused by verification before any hashing;
		// these hashers fail at Hash.
		for name, h := range map[string]secret.Hasher{"failing": failingRehasher{}, "bare": bareRehasher{}} {
			t.Run(name, func(t *testing.T) {
				next, changed, err := c.Rehash(now, second, h)
				assert.Error(t, err)
				assert.False(t, changed)
				assert.Equal(t, c, next)
			})
		}
	})
	t.Run("an unknown or empty id needs no rehash", func(t *testing.T) {
		assert.False(t, c.NeedsRehash(generate(t).ID(), newHasher))
		assert.False(t, c.NeedsRehash("", newHasher))
		assert.False(t, secret.Credentials{}.NeedsRehash("", newHasher))
	})
	t.Run("a nil hasher is SHA256", func(t *testing.T) {
		byArgon, s, err := secret.NewCredentials(t0, newHasher)
		require.NoError(t, err)
		assert.True(t, byArgon.NeedsRehash(s.ID(), nil))
		next, changed, err := byArgon.Rehash(t0, s, nil)
		require.NoError(t, err)
		assert.True(t, changed)
		cur, _ := next.Records()
		assert.True(t, strings.HasPrefix(cur.Hash, "$sha256$"))
	})
}

// failingRehasher and bareRehasher are failingHasher and bareHasher that
// ask for every hash to be replaced.
type failingRehasher struct{ failingHasher }

func (failingRehasher) NeedsRehash(string) bool { return true }

type bareRehasher struct{ bareHasher }

func (bareRehasher) NeedsRehash(string) bool { return true }
