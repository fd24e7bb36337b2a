package token_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// publishedKeys returns the JWKS document of ks and its keys' members,
// in order and by kid.
func publishedKeys(t *testing.T, ks *token.KeySet) (doc []byte, keys []map[string]string, byKid map[string]map[string]string) {
	t.Helper()
	doc, err := ks.JWKS()
	require.NoError(t, err)
	var parsed struct {
		Keys []map[string]string `json:"keys"`
	}
	require.NoError(t, json.Unmarshal(doc, &parsed))
	byKid = map[string]map[string]string{}
	for _, k := range parsed.Keys {
		byKid[k["kid"]] = k
	}
	return doc, parsed.Keys, byKid
}

// TestJWKS: the document publishes each public key in its RFC 7517 form,
// and nothing private.
func TestJWKS(t *testing.T) {
	ed, es, rs, hs := testKey(t, token.EdDSA, "signing"), testKey(t, token.ES256, "signing"), testKey(t, token.RS256, "signing"), testKey(t, token.HS256, "signing")
	ks, err := token.NewKeySet(hs, ed, es, rs)
	require.NoError(t, err)
	doc, keys, byKid := publishedKeys(t, ks)

	t.Run("no private member appears", func(t *testing.T) {
		for _, j := range keys {
			for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
				assert.NotContains(t, j, m)
			}
		}
	})
	t.Run("the HS256 signing key is never published", func(t *testing.T) {
		assert.Len(t, keys, 3)
		assert.NotContains(t, byKid, hs.ID())
		assert.NotContains(t, string(doc), base64.RawURLEncoding.EncodeToString(hs.HMACSecret()))
	})
	t.Run("every key is for signatures with its algorithm", func(t *testing.T) {
		for _, k := range []*token.Key{ed, es, rs} {
			j := byKid[k.ID()]
			assert.Equal(t, "sig", j["use"])
			assert.Equal(t, string(k.Algorithm()), j["alg"])
		}
	})
	t.Run("the Ed25519 key is an OKP with x", func(t *testing.T) {
		j := byKid[ed.ID()]
		assert.Equal(t, map[string]string{"kty": "OKP", "crv": "Ed25519", "x": j["x"], "kid": ed.ID(), "use": "sig", "alg": "EdDSA"}, j)
		assert.Equal(t, ed.PublicKey(), ed25519.PublicKey(b64(t, j["x"])))
	})
	t.Run("the P-256 key is an EC with 32-byte x and y", func(t *testing.T) {
		j := byKid[es.ID()]
		assert.Equal(t, "EC", j["kty"])
		assert.Equal(t, "P-256", j["crv"])
		x, y := b64(t, j["x"]), b64(t, j["y"])
		assert.Len(t, x, 32)
		assert.Len(t, y, 32)
		pub := es.PublicKey().(*ecdsa.PublicKey)
		want, err := pub.ECDH()
		require.NoError(t, err)
		assert.Equal(t, want.Bytes(), append(append([]byte{4}, x...), y...))
		assert.True(t, elliptic.P256().IsOnCurve(new(big.Int).SetBytes(x), new(big.Int).SetBytes(y)))
	})
	t.Run("the RSA key has n and e", func(t *testing.T) {
		j := byKid[rs.ID()]
		assert.Equal(t, "RSA", j["kty"])
		pub := rs.PublicKey().(*rsa.PublicKey)
		assert.Equal(t, pub.N.Bytes(), b64(t, j["n"]))
		assert.Equal(t, "AQAB", j["e"])
		assert.NotContains(t, j, "d")
	})
}

func TestJWKSAfterRotation(t *testing.T) {
	ed, es := testKey(t, token.EdDSA, "signing"), testKey(t, token.ES256, "signing")
	t.Run("the document lists verify-only keys after rotation", func(t *testing.T) {
		ks, err := token.NewKeySet(ed)
		require.NoError(t, err)
		require.NoError(t, ks.Rotate(es))
		got := ks.Document()
		require.Len(t, got.Keys, 2)
		assert.Equal(t, es.ID(), got.Keys[0].KeyID, "signing key first")
		assert.Equal(t, ed.ID(), got.Keys[1].KeyID)
	})
}

func b64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}
