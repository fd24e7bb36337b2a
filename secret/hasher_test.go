package secret_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

// cheapArgon2id keeps the tests fast; the parameters travel in the hash.
func cheapArgon2id(t testing.TB) secret.Argon2id {
	t.Helper()
	a, err := secret.NewArgon2id(secret.WithArgon2Memory(64), secret.WithArgon2Time(1))
	require.NoError(t, err)
	return a
}

func TestHashEncodings(t *testing.T) {
	s := generate(t)
	tests := []struct {
		name    string
		hasher  secret.Hasher
		pattern string
	}{
		{"sha256 names itself and holds a base64 digest", secret.SHA256{}, `^\$sha256\$[A-Za-z0-9+/]{43}$`},
		{"argon2id uses the PHC string format", cheapArgon2id(t), `^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`},
		{"zero argon2id uses the defaults", secret.Argon2id{}, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoded, err := tt.hasher.Hash(s)
			require.NoError(t, err)
			assert.Regexp(t, regexp.MustCompile(tt.pattern), encoded)
			assert.NotContains(t, encoded, s.Reveal()[14:30])
			assert.True(t, tt.hasher.Compare(encoded, s), "the secret matches its hash")
			assert.False(t, tt.hasher.Compare(encoded, generate(t)), "another secret does not")
			assert.False(t, tt.hasher.Compare(encoded, forge(t, s.ID())), "a secret with the same id does not")
			assert.False(t, tt.hasher.Compare(encoded, secret.Secret{}), "the zero secret does not")
		})
	}
}

func TestSHA256IsDeterministicArgon2idIsSalted(t *testing.T) {
	s := generate(t)
	h1, _ := secret.SHA256{}.Hash(s)
	h2, _ := secret.SHA256{}.Hash(s)
	assert.Equal(t, h1, h2)
	a1, _ := cheapArgon2id(t).Hash(s)
	a2, _ := cheapArgon2id(t).Hash(s)
	assert.NotEqual(t, a1, a2, "each argon2id hash has its own salt")
}

func TestHashersCoexist(t *testing.T) {
	s := generate(t)
	bySHA, err := secret.SHA256{}.Hash(s)
	require.NoError(t, err)
	byArgon, err := cheapArgon2id(t).Hash(s)
	require.NoError(t, err)
	for name, h := range map[string]secret.Hasher{"sha256": secret.SHA256{}, "argon2id": secret.Argon2id{}} {
		t.Run(name+" hasher compares both kinds", func(t *testing.T) {
			assert.True(t, h.Compare(bySHA, s))
			assert.True(t, h.Compare(byArgon, s), "parameters come from the hash, not the hasher")
		})
	}
	t.Run("credentials with both kinds verify both slots", func(t *testing.T) {
		c, old, err := secret.NewCredentials(t0, cheapArgon2id(t))
		require.NoError(t, err)
		c, cur, err := c.Rotate(t0, secret.DefaultGrace, secret.SHA256{})
		require.NoError(t, err)
		c, err = secret.FromRecords(c.Records())
		require.NoError(t, err)
		id, err := c.Verify(t0, old)
		require.NoError(t, err)
		assert.Equal(t, old.ID(), id)
		id, err = c.Verify(t0, cur)
		require.NoError(t, err)
		assert.Equal(t, cur.ID(), id)
	})
}

func TestCompareRejectsDamagedHashes(t *testing.T) {
	s := generate(t)
	good, _ := secret.SHA256{}.Hash(s)
	goodArgon, _ := cheapArgon2id(t).Hash(s)
	argonWith := func(old, new string) string {
		require.Contains(t, goodArgon, old)
		return strings.Replace(goodArgon, old, new, 1)
	}
	fields := strings.Split(goodArgon, "$")
	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"no leading dollar", good[1:]},
		{"unknown algorithm", "$md5$" + good[8:]},
		{"upper case algorithm", "$SHA256$" + good[8:]},
		{"sha256 digest truncated", good[:len(good)-1]},
		{"sha256 digest with a changed character", good[:20] + flip(good[20]) + good[21:]},
		{"sha256 digest in padded base64", good + "="},
		{"argon2id key with a changed character", goodArgon[:len(goodArgon)-5] + flip(goodArgon[len(goodArgon)-5]) + goodArgon[len(goodArgon)-4:]},
		{"argon2id other version", argonWith("v=19", "v=16")},
		{"argon2id parameters out of order", argonWith("m=64,t=1,p=1", "t=1,m=64,p=1")},
		{"argon2id zero passes", argonWith("t=1", "t=0")},
		{"argon2id too many passes", argonWith("t=1", "t=65")},
		{"argon2id zero lanes", argonWith("p=1", "p=0")},
		{"argon2id lanes beyond a byte", argonWith("p=1", "p=256")},
		{"argon2id memory beyond 1 GiB", argonWith("m=64", "m=1048577")},
		{"argon2id memory beyond 32 bits", argonWith("m=64", "m=4294967296")},
		{"argon2id signed number", argonWith("t=1", "t=+1")},
		{"argon2id salt too short", argonWith(fields[4], "AAAAAA")},
		{"argon2id salt not base64", argonWith(fields[4], "!!!!!!!!!!!!!!!!!!!!!!")},
		{"argon2id key too short", argonWith(fields[5], "AAAAAAAAAAAAAAAAAAAA")},
		{"argon2id missing field", "$argon2id$v=19$m=64,t=1,p=1$" + fields[5]},
		{"argon2id extra field", goodArgon + "$x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.False(t, secret.SHA256{}.Compare(tt.encoded, s))
		})
	}
	t.Run("undamaged hashes match", func(t *testing.T) {
		assert.True(t, secret.SHA256{}.Compare(good, s))
		assert.True(t, secret.SHA256{}.Compare(goodArgon, s))
	})
}

// flip returns a different base64 character in place of c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestNewArgon2idBounds(t *testing.T) {
	tests := []struct {
		name string
		opts []secret.Option
		ok   bool
	}{
		{"defaults", nil, true},
		{"one pass", []secret.Option{secret.WithArgon2Time(1)}, true},
		{"zero passes", []secret.Option{secret.WithArgon2Time(0)}, false},
		{"65 passes", []secret.Option{secret.WithArgon2Time(65)}, false},
		{"zero lanes", []secret.Option{secret.WithArgon2Threads(0)}, false},
		{"255 lanes with enough memory", []secret.Option{secret.WithArgon2Threads(255), secret.WithArgon2Memory(8 * 255)}, true},
		{"less than 8 KiB per lane", []secret.Option{secret.WithArgon2Threads(4), secret.WithArgon2Memory(31)}, false},
		{"1 GiB", []secret.Option{secret.WithArgon2Memory(1 << 20)}, true},
		{"over 1 GiB", []secret.Option{secret.WithArgon2Memory(1<<20 + 1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secret.NewArgon2id(tt.opts...)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, secret.ErrInvalidOption)
			}
		})
	}
}
