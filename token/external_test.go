package token_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// testSigner stands in for a KMS or an HSM: it signs with a key the caller
// never sees, and counts its calls.
type testSigner struct {
	priv  crypto.Signer
	calls atomic.Int64
	fail  error
	out   []byte // returned instead of a signature, when set
}

func (s *testSigner) Public() crypto.PublicKey { return s.priv.Public() }

func (s *testSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	s.calls.Add(1)
	if s.fail != nil {
		return nil, s.fail
	}
	if s.out != nil {
		return s.out, nil
	}
	return s.priv.Sign(r, digest, opts)
}

func newTestSigner(t *testing.T, alg token.Algorithm) *testSigner {
	t.Helper()
	var (
		priv crypto.Signer
		err  error
	)
	switch alg {
	case token.EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case token.ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case token.RS256:
		priv, err = rsa.GenerateKey(rand.Reader, token.MinRSABits)
	}
	require.NoError(t, err)
	return &testSigner{priv: priv}
}

// mintWithSigner mints sampleRequest with a key set whose one key signs
// through s, and returns the key and the token or Mint's error.
func mintWithSigner(t *testing.T, s *testSigner) (*token.Key, string, error) {
	t.Helper()
	key, err := token.NewSignerKey("kms-1", s)
	require.NoError(t, err)
	ks, err := token.NewKeySet(key)
	require.NoError(t, err)
	m, err := token.NewMinter(ks, testIssuer, testAudience)
	require.NoError(t, err)
	raw, _, err := m.Mint(t0, sampleRequest)
	return key, raw, err
}

func TestSignerKey(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		t.Run(string(alg)+" tokens signed through an external signer validate under its public key", func(t *testing.T) {
			s := newTestSigner(t, alg)
			key, raw, err := mintWithSigner(t, s)
			require.NoError(t, err)
			assert.Equal(t, alg, key.Algorithm())
			assert.True(t, key.CanSign())
			assert.Equal(t, int64(1), s.calls.Load(), "one Sign call per token")

			// Verified by a set that holds only the public key, as a
			// resource server with the JWKS would.
			pemBytes, err := key.MarshalPublicKeyPEM()
			require.NoError(t, err)
			pub, err := token.ParsePublicKeyPEM("kms-1", pemBytes)
			require.NoError(t, err)
			vs, err := token.NewKeySet(testKey(t, token.EdDSA, "other"), pub)
			require.NoError(t, err)
			v, err := token.NewValidator(vs, testIssuer, testAudience)
			require.NoError(t, err)
			_, err = v.Validate(t0.Add(time.Minute), raw)
			require.NoError(t, err)
		})
	}
}

// TestSignerKeyRefuses: a signer key exports no private key, a signer's
// failure or garbage mints nothing, and keys this package does not sign
// with are refused.
func TestSignerKeyRefuses(t *testing.T) {
	t.Run("the private key cannot be exported", func(t *testing.T) {
		key, err := token.NewSignerKey("kms-1", newTestSigner(t, token.EdDSA))
		require.NoError(t, err)
		_, err = key.MarshalPrivateKeyPEM()
		assert.ErrorIs(t, err, token.ErrInvalidKey)
	})
	t.Run("a signer's failure is ErrSigningKey and mints nothing", func(t *testing.T) {
		s := newTestSigner(t, token.ES256)
		s.fail = errors.New("kms unavailable")
		_, raw, err := mintWithSigner(t, s)
		assert.ErrorIs(t, err, token.ErrSigningKey)
		assert.Empty(t, raw)
	})
	t.Run("a signer that returns something else than a signature mints nothing", func(t *testing.T) {
		for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
			s := newTestSigner(t, alg)
			s.out = []byte("not a signature")
			_, raw, err := mintWithSigner(t, s)
			assert.ErrorIs(t, err, token.ErrSigningKey, alg)
			assert.Empty(t, raw)
		}
	})
	t.Run("a nil signer, a P-384 key or a short RSA key is ErrInvalidKey", func(t *testing.T) {
		_, err := token.NewSignerKey("k", nil)
		assert.ErrorIs(t, err, token.ErrInvalidKey)
		p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		require.NoError(t, err)
		_, err = token.NewSignerKey("k", p384)
		assert.ErrorIs(t, err, token.ErrInvalidKey)
		short, err := rsa.GenerateKey(rand.Reader, 1024)
		require.NoError(t, err)
		_, err = token.NewSignerKey("k", short)
		assert.ErrorIs(t, err, token.ErrInvalidKey)
	})
}
