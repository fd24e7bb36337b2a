package secret_test

import (
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/secret"
)

// BenchmarkVerify is the cost the token endpoint pays per request with the
// default SHA256 hasher, for each slot. Target: at most 500 ns/op.
func BenchmarkVerify(b *testing.B) {
	c, first := newCredentials(b)
	c, second := rotate(b, c, t0, time.Hour)
	for _, bb := range []struct {
		name string
		s    secret.Secret
	}{{"current", second}, {"previous", first}, {"wrong", forge(b, second.ID())}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = c.Verify(t0, bb.s)
			}
		})
	}
}

// BenchmarkVerifyArgon2id shows, for contrast, what the same check costs
// with the Argon2id hasher at its default parameters.
func BenchmarkVerifyArgon2id(b *testing.B) {
	c, s, err := secret.NewCredentials(t0, secret.Argon2id{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Verify(t0, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate is the cost of a new secret. Target: at most 2 us/op.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := secret.Generate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse is the offline check of a presented secret.
func BenchmarkParse(b *testing.B) {
	v := generate(b).Reveal()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := secret.Parse(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor measures the bare operations the benchmarks above are
// built on, in the same run, so their figures can be read as ratios.
func BenchmarkFloor(b *testing.B) {
	v := []byte(generate(b).Reveal())
	b.Run("sha256", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = sha256.Sum256(v)
		}
	})
	b.Run("rand40", func(b *testing.B) {
		var buf [40]byte
		b.ReportAllocs()
		for b.Loop() {
			_, _ = rand.Read(buf[:])
		}
	})
}
