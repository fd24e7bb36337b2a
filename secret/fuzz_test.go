package secret_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/secret"
)

// FuzzParseSecret checks that Parse never panics, that what it accepts has
// the documented shape and round-trips, that its errors never quote the
// input, and that changing any one byte of an accepted secret makes it
// fail. The seed corpus in testdata holds real secrets, so the fuzzer
// mutates valid ones as well as garbage.
func FuzzParseSecret(f *testing.F) {
	for _, s := range []string{"", "oqcs_", strings.Repeat("a", secret.Length), generate(f).Reveal(), generate(f).Reveal()} {
		f.Add(s, uint(0), byte('a'))
	}
	f.Fuzz(func(t *testing.T, in string, pos uint, b byte) {
		s, err := secret.Parse(in)
		if err != nil {
			if !errors.Is(err, secret.ErrMalformed) || !s.IsZero() {
				t.Fatalf("failure without ErrMalformed or with a secret: %v", err)
			}
			if len(in) >= 8 && strings.Contains(err.Error(), in) {
				t.Fatalf("error %q quotes the input", err)
			}
			return
		}
		if s.Reveal() != in || len(in) != secret.Length || !strings.HasPrefix(in, secret.Prefix) || s.ID() != in[5:13] {
			t.Fatalf("accepted %q but it does not round-trip or has the wrong shape", in)
		}
		i := int(pos % uint(len(in)))
		if in[i] == b {
			return
		}
		changed := in[:i] + string([]byte{b}) + in[i+1:]
		if _, err := secret.Parse(changed); err == nil {
			t.Fatalf("changing byte %d of an accepted secret to %#x was accepted", i, b)
		}
	})
}
