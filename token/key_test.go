package token_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

func TestGenerateKey(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(string(alg)+" key signs, has a 128-bit kid and its algorithm", func(t *testing.T) {
			k := testKey(t, alg, "signing")
			assert.Equal(t, alg, k.Algorithm())
			assert.True(t, k.CanSign())
			b, err := base64.RawURLEncoding.DecodeString(k.ID())
			require.NoError(t, err)
			assert.Len(t, b, 16)
			assert.Equal(t, alg == token.HS256, k.Symmetric())
			assert.Equal(t, alg == token.HS256, k.PublicKey() == nil)
		})
	}
	t.Run("two keys get different kids", func(t *testing.T) {
		a, err := token.GenerateKey(token.EdDSA)
		require.NoError(t, err)
		b, err := token.GenerateKey(token.EdDSA)
		require.NoError(t, err)
		assert.NotEqual(t, a.ID(), b.ID())
	})
	for _, alg := range []token.Algorithm{"", "none", "HS512", "eddsa"} {
		t.Run(fmt.Sprintf("algorithm %q is rejected", alg), func(t *testing.T) {
			k, err := token.GenerateKey(alg)
			require.ErrorIs(t, err, token.ErrInvalidKey)
			assert.Nil(t, k)
		})
	}
}

func TestKeyPEMRoundTrip(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		t.Run(string(alg)+" private and public PEM read back to the same key", func(t *testing.T) {
			k := testKey(t, alg, "signing")
			priv, err := k.MarshalPrivateKeyPEM()
			require.NoError(t, err)
			back, err := token.ParsePrivateKeyPEM("kid-1", priv)
			require.NoError(t, err)
			assert.Equal(t, alg, back.Algorithm())
			assert.True(t, back.CanSign())
			assert.Equal(t, k.PublicKey(), back.PublicKey())

			pub, err := k.MarshalPublicKeyPEM()
			require.NoError(t, err)
			pk, err := token.ParsePublicKeyPEM("kid-1", pub)
			require.NoError(t, err)
			assert.False(t, pk.CanSign())
			assert.Equal(t, alg, pk.Algorithm())
			assert.Equal(t, k.PublicKey(), pk.PublicKey())
			_, err = pk.MarshalPrivateKeyPEM()
			require.ErrorIs(t, err, token.ErrInvalidKey)
		})
	}
	t.Run("SEC 1 and PKCS #1 private keys load", func(t *testing.T) {
		ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		der, err := x509.MarshalECPrivateKey(ec)
		require.NoError(t, err)
		k, err := token.ParsePrivateKeyPEM("ec", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
		require.NoError(t, err)
		assert.Equal(t, token.ES256, k.Algorithm())

		rk := signingKey(t, testKey(t, token.RS256, "signing")).(*rsa.PrivateKey)
		k, err = token.ParsePrivateKeyPEM("rsa", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
		require.NoError(t, err)
		assert.Equal(t, token.RS256, k.Algorithm())
		k, err = token.ParsePublicKeyPEM("rsa", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)}))
		require.NoError(t, err)
		assert.Equal(t, token.RS256, k.Algorithm())
	})
	t.Run("an HS256 key has no PEM form", func(t *testing.T) {
		k := testKey(t, token.HS256, "signing")
		_, err := k.MarshalPrivateKeyPEM()
		require.ErrorIs(t, err, token.ErrInvalidKey)
		_, err = k.MarshalPublicKeyPEM()
		require.ErrorIs(t, err, token.ErrInvalidKey)
	})
}

func TestParseKeyRejects(t *testing.T) {
	edPEM, err := testKey(t, token.EdDSA, "signing").MarshalPrivateKeyPEM()
	require.NoError(t, err)
	edPub, err := testKey(t, token.EdDSA, "signing").MarshalPublicKeyPEM()
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384DER, err := x509.MarshalPKCS8PrivateKey(p384)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	smallDER, err := x509.MarshalPKCS8PrivateKey(small)
	require.NoError(t, err)
	block := func(typ string, der []byte, headers map[string]string) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der, Headers: headers})
	}

	for _, tc := range []struct {
		name   string
		kid    string
		data   []byte
		public bool
	}{
		{"empty input", "k", nil, false},
		{"text without PEM", "k", []byte("not a key"), false},
		{"two PEM blocks", "k", append(append([]byte{}, edPEM...), edPEM...), false},
		{"text before the PEM block", "k", append([]byte("key for staging:\n"), edPEM...), false},
		{"a broken block before a good one", "k", append(append([]byte{}, edPEM[:len(edPEM)/2]...), edPEM...), false},
		{"a public key as private", "k", edPub, false},
		{"a private key as public", "k", edPEM, true},
		{"a certificate block", "k", block("CERTIFICATE", []byte{1, 2}, nil), false},
		{"garbage DER", "k", block("PRIVATE KEY", []byte{1, 2, 3}, nil), false},
		{"garbage public DER", "k", block("PUBLIC KEY", []byte{1, 2, 3}, nil), true},
		{"encrypted PEM", "k", block("RSA PRIVATE KEY", []byte{1}, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}), false},
		{"a P-384 key", "k", block("PRIVATE KEY", p384DER, nil), false},
		{"a 1024-bit RSA key", "k", block("PRIVATE KEY", smallDER, nil), false},
		{"an empty kid", "", edPEM, false},
		{"a kid with a slash", "a/b", edPEM, false},
		{"a kid with a space", "a b", edPEM, false},
		{"a kid with a quote", `a"b`, edPEM, false},
		{"a kid of 129 characters", strings.Repeat("k", 129), edPEM, false},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			parse := token.ParsePrivateKeyPEM
			if tc.public {
				parse = token.ParsePublicKeyPEM
			}
			k, err := parse(tc.kid, tc.data)
			require.ErrorIs(t, err, token.ErrInvalidKey)
			assert.Nil(t, k)
		})
	}
}

func TestNewHMACKey(t *testing.T) {
	t.Run("a 32-byte secret is copied in and out", func(t *testing.T) {
		secret := []byte(strings.Repeat("s", token.MinHMACSecret))
		k, err := token.NewHMACKey("hs", secret)
		require.NoError(t, err)
		secret[0] = 'x'
		assert.Equal(t, strings.Repeat("s", 32), string(k.HMACSecret()))
		out := k.HMACSecret()
		out[0] = 'y'
		assert.Equal(t, strings.Repeat("s", 32), string(k.HMACSecret()))
	})
	t.Run("a 31-byte secret is rejected", func(t *testing.T) {
		k, err := token.NewHMACKey("hs", make([]byte, 31))
		require.ErrorIs(t, err, token.ErrInvalidKey)
		assert.Nil(t, k)
	})
	t.Run("an asymmetric key has no HMAC secret", func(t *testing.T) {
		assert.Nil(t, testKey(t, token.EdDSA, "signing").HMACSecret())
	})
}

func TestKeyNeverPrintsPrivateMaterial(t *testing.T) {
	for _, alg := range algorithms {
		k := testKey(t, alg, "signing")
		secrets := privateStrings(t, k)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q", "%d"} {
			t.Run(fmt.Sprintf("%s key printed with %s shows kid and algorithm only", alg, verb), func(t *testing.T) {
				for _, out := range []string{fmt.Sprintf(verb, k), fmt.Sprintf(verb, *k), fmt.Sprintf(verb, []*token.Key{k}), fmt.Sprintf(verb, struct{ K token.Key }{*k})} {
					assert.Contains(t, out, k.ID())
					for _, s := range secrets {
						assert.NotContains(t, strings.ToLower(out), strings.ToLower(s))
					}
				}
				// In an unexported field fmt cannot call the Key's methods
				// and prints its fields; none leads to the material.
				out := fmt.Sprintf(verb, struct{ k token.Key }{*k})
				for _, s := range secrets {
					assert.NotContains(t, strings.ToLower(out), strings.ToLower(s), "printed field by field")
				}
			})
		}
	}
}

// privateStrings returns renderings of k's private material that printing
// must never produce.
func privateStrings(t *testing.T, k *token.Key) []string {
	t.Helper()
	var raw []byte
	switch p := signingKey(t, k).(type) {
	case []byte:
		raw = p
	case ed25519.PrivateKey:
		raw = p.Seed()
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(p)
		require.NoError(t, err)
		raw = der[7:39] // the 32-byte scalar inside the SEC 1 encoding
		return []string{fmt.Sprintf("%x", raw), strings.Trim(fmt.Sprint(raw[:8]), "[]"), p.D.String()[:20]}
	case *rsa.PrivateKey:
		return []string{p.D.String()[:20], fmt.Sprintf("%x", p.D.Bytes()[:16])}
	}
	return []string{fmt.Sprintf("%x", raw), strings.Trim(fmt.Sprint(raw[:8]), "[]"), string(raw)}
}
