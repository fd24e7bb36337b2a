package token_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// TestSignaturesInteroperateWithGolangJWT signs many tokens each way for
// every asymmetric algorithm: each of ours verifies with golang-jwt, and
// each of golang-jwt's verifies with Validate. Many signatures, because an
// ES256 r or s with leading zero bytes, which the DER conversion must
// handle, turns up about once in 128.
func TestSignaturesInteroperateWithGolangJWT(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		rounds := 400
		if alg == token.RS256 {
			rounds = 10
		}
		t.Run(string(alg), func(t *testing.T) {
			f := newFixture(t, alg)
			method := jwt.GetSigningMethod(string(alg))
			hdr := map[string]any{"kid": f.key.ID(), "typ": "at+jwt"}
			for i := range rounds {
				raw, _ := f.mint(t, sampleRequest)
				_, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return f.key.PublicKey(), nil },
					jwt.WithValidMethods([]string{string(alg)}), jwt.WithTimeFunc(func() time.Time { return t0 }))
				require.NoError(t, err, "our token %d does not verify with golang-jwt: %s", i, raw)

				theirs := signWith(t, method, signingKey(t, f.key), hdr, validClaims())
				_, err = f.validator.Validate(t0, theirs)
				require.NoError(t, err, "golang-jwt's token %d does not validate: %s", i, theirs)
			}
		})
	}
}

// TestValidateRejectsMalformedSignatures: a signature of the wrong length,
// or an ES256 signature whose r or s is outside 1..n-1, is a bad
// signature, never a panic or an acceptance.
func TestValidateRejectsMalformedSignatures(t *testing.T) {
	order := elliptic.P256().Params().N.FillBytes(make([]byte, 32))
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256, token.HS256} {
		f := newFixture(t, alg)
		raw, _ := f.mint(t, sampleRequest)
		dot := strings.LastIndexByte(raw, '.')
		input, sig := raw[:dot], mustDecode(t, raw[dot+1:])
		type sigCase struct {
			name string
			sig  []byte
		}
		cases := []sigCase{
			{"empty", nil},
			{"one byte short", sig[:len(sig)-1]},
			{"one byte long", append(append([]byte(nil), sig...), 0)},
			{"doubled", append(append([]byte(nil), sig...), sig...)},
			{"all zero", make([]byte, len(sig))},
		}
		if alg == token.ES256 {
			r, s := sig[:32], sig[32:]
			cases = append(cases,
				sigCase{"r is zero", concat(make([]byte, 32), s)},
				sigCase{"s is zero", concat(r, make([]byte, 32))},
				sigCase{"r is the group order", concat(order, s)},
				sigCase{"s is the group order", concat(r, order)},
				sigCase{"r and s swapped", concat(s, r)},
			)
		}
		for _, tc := range cases {
			t.Run(string(alg)+" signature "+tc.name, func(t *testing.T) {
				_, err := f.validator.Validate(t0, input+"."+encode(tc.sig))
				assert.ErrorIs(t, err, token.ErrSignature)
			})
		}
	}
}

// TestES256SignatureIsFixedLength: every ES256 signature Mint writes is
// r || s, 64 bytes, whatever the size of r and s.
func TestES256SignatureIsFixedLength(t *testing.T) {
	f := newFixture(t, token.ES256)
	pub := f.key.PublicKey().(*ecdsa.PublicKey)
	for range 200 {
		raw, _ := f.mint(t, sampleRequest)
		dot := strings.LastIndexByte(raw, '.')
		sig := mustDecode(t, raw[dot+1:])
		require.Len(t, sig, 64)
		require.True(t, verifyRawES256(pub, raw[:dot], sig), "signature does not verify as r || s")
	}
}

// TestEd25519VerifiesLongSigningInputs: a signing input longer than the
// stack buffer the verifier copies into still verifies.
func TestEd25519VerifiesLongSigningInputs(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	req := sampleRequest
	req.Scope = strings.TrimSpace(strings.Repeat("/api/messaging/messages/read ", 80))
	raw, _ := f.mint(t, req)
	require.Greater(t, len(raw), 2048)
	_, err := f.validator.Validate(t0, raw)
	require.NoError(t, err)
	priv := signingKey(t, f.key).(ed25519.PrivateKey)
	dot := strings.LastIndexByte(raw, '.')
	require.Equal(t, encode(ed25519.Sign(priv, []byte(raw[:dot]))), raw[dot+1:])
}

// verifyRawES256 is an independent check of an r || s signature, with
// big.Int and ecdsa.Verify.
func verifyRawES256(pub *ecdsa.PublicKey, input string, sig []byte) bool {
	digest := sha256.Sum256([]byte(input))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	return ecdsa.Verify(pub, digest[:], r, s)
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

func encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func concat(a, b []byte) []byte { return append(append([]byte(nil), a...), b...) }
