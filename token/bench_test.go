package token_test

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/token"
)

// measure runs op in a b.Loop and reports, beside the wall-clock ns/op,
// cpu-ns/op: the process CPU time per operation, which is steadier than
// wall time on a machine shared with other work (it includes the garbage
// collector's background work).
func measure(b *testing.B, op func()) {
	b.Helper()
	b.ReportAllocs()
	start := processCPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	if n > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(n), "cpu-ns/op")
	}
}

// signingInput returns the header.payload part of a typical EdDSA token,
// the message the floor benchmarks sign.
func signingInput(b *testing.B) (ed25519.PrivateKey, []byte) {
	f := newFixture(b, token.EdDSA)
	raw, _ := f.mint(b, sampleRequest)
	return signingKey(b, f.key).(ed25519.PrivateKey), []byte(raw[:strings.LastIndexByte(raw, '.')])
}

// BenchmarkFloorEd25519Sign is plain ed25519.Sign of a token-sized message:
// the floor BenchmarkMint/EdDSA is compared with.
func BenchmarkFloorEd25519Sign(b *testing.B) {
	priv, msg := signingInput(b)
	measure(b, func() { _ = ed25519.Sign(priv, msg) })
}

// BenchmarkFloorEd25519Verify is plain ed25519.Verify of a token-sized
// message: the floor BenchmarkValidate/EdDSA is compared with.
func BenchmarkFloorEd25519Verify(b *testing.B) {
	priv, msg := signingInput(b)
	sig := ed25519.Sign(priv, msg)
	pub := priv.Public().(ed25519.PublicKey)
	measure(b, func() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("verify failed")
		}
	})
}

// BenchmarkFloorHMACSHA256 is one HMAC-SHA256 of a token-sized message, for
// scale next to the HS256 figures.
func BenchmarkFloorHMACSHA256(b *testing.B) {
	_, msg := signingInput(b)
	key := make([]byte, 32)
	measure(b, func() {
		m := hmac.New(sha256.New, key)
		m.Write(msg)
		_ = m.Sum(nil)
	})
}

func BenchmarkMint(b *testing.B) {
	for _, alg := range algorithms {
		b.Run(string(alg), func(b *testing.B) {
			f := newFixture(b, alg)
			measure(b, func() {
				if _, _, err := f.minter.Mint(t0, sampleRequest); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, alg := range algorithms {
		b.Run(string(alg), func(b *testing.B) {
			f := newFixture(b, alg)
			raw, _ := f.mint(b, sampleRequest)
			measure(b, func() {
				if _, err := f.validator.Validate(t0, raw); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
