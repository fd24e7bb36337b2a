package secret_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

func TestGenerate(t *testing.T) {
	pattern := regexp.MustCompile(`^` + secret.Pattern + `$`)
	values := map[string]bool{}
	ids := map[string]bool{}
	for range 1000 {
		s := generate(t)
		v := s.Reveal()
		require.Len(t, v, secret.Length)
		require.Regexp(t, pattern, v)
		require.Equal(t, v[len(secret.Prefix):len(secret.Prefix)+8], s.ID(), "the id is the part after the prefix")
		require.False(t, values[v], "secret repeated")
		require.False(t, ids[s.ID()], "id repeated")
		values[v], ids[s.ID()] = true, true

		p, err := secret.Parse(v)
		require.NoError(t, err, "a generated secret parses")
		assert.Equal(t, v, p.Reveal())
		assert.Equal(t, s.ID(), p.ID())
	}
}

func TestZeroSecret(t *testing.T) {
	var s secret.Secret
	assert.True(t, s.IsZero())
	assert.False(t, generate(t).IsZero())
	assert.Empty(t, s.ID())
	assert.Empty(t, s.Reveal())
	_, err := secret.SHA256{}.Hash(s)
	assert.ErrorIs(t, err, secret.ErrMalformed, "the zero secret cannot be hashed")
	assert.False(t, secret.SHA256{}.Compare("$sha256$", s))
}

func TestParseRejects(t *testing.T) {
	good := generate(t).Reveal()
	replace := func(i int, c string) string { return good[:i] + c + good[i+1:] }
	// A checksum of seven base-32 digits can spell 35 bits; "z" first
	// spells a value above 2^32, which no CRC-32 has.
	overflow := good[:secret.Length-7] + "zaaaaaa"
	tests := []struct {
		name, in, why string
	}{
		{"empty string", "", "characters"},
		{"truncated by one", good[:len(good)-1], "characters"},
		{"one character too many", good + "a", "characters"},
		{"surrounding space", " " + good[1:], "prefix"},
		{"other prefix", "xqcs_" + good[5:], "prefix"},
		{"upper case prefix", strings.ToUpper(good[:5]) + good[5:], "prefix"},
		{"no separator after the id", replace(13, "a"), "'_'"},
		{"upper case in the body", replace(20, "A"), "outside"},
		{"digit outside base 32", replace(20, "1"), "outside"},
		{"separator in the body", replace(30, "_"), "outside"},
		{"checksum too large for 32 bits", overflow, "checksum"},
		{"checksum of another secret", good[:secret.Length-7] + generate(t).Reveal()[secret.Length-7:], "checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := secret.Parse(tt.in)
			require.ErrorIs(t, err, secret.ErrMalformed)
			assert.Contains(t, err.Error(), tt.why)
			assert.True(t, s.IsZero(), "a failed parse returns the zero Secret")
			if tt.in != "" {
				assert.NotContains(t, err.Error(), tt.in[5:20], "the error never echoes the input")
			}
		})
	}
}

// TestParseRejectsEverySingleChange changes each character of a few
// secrets to every other byte value, swaps every pair of neighbours and
// drops every character; Parse must reject each result.
func TestParseRejectsEverySingleChange(t *testing.T) {
	for range 5 {
		good := generate(t).Reveal()
		for i := range len(good) {
			for b := range 256 {
				if byte(b) == good[i] {
					continue
				}
				bad := good[:i] + string([]byte{byte(b)}) + good[i+1:]
				if _, err := secret.Parse(bad); err == nil {
					t.Fatalf("changing byte %d of a secret to %#x was accepted", i, b)
				}
			}
			if _, err := secret.Parse(good[:i] + "é" + good[i+1:]); err == nil {
				t.Fatalf("changing character %d to a two-byte rune was accepted", i)
			}
			if _, err := secret.Parse(good[:i] + good[i+1:]); err == nil {
				t.Fatalf("dropping character %d was accepted", i)
			}
			if i+1 < len(good) && good[i] != good[i+1] {
				swapped := good[:i] + good[i+1:i+2] + good[i:i+1] + good[i+2:]
				if _, err := secret.Parse(swapped); err == nil {
					t.Fatalf("swapping characters %d and %d was accepted", i, i+1)
				}
			}
		}
	}
}
