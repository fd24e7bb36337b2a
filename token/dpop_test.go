package token_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

const (
	proofURL         = "https://api.example.com/v1/Accounts/AC1/Messages"
	proofAccessToken = "an.access.token"
)

var proofRules = token.ProofRules{Method: "GET", URL: proofURL, MaxAge: time.Minute, Leeway: 5 * time.Second, AccessToken: proofAccessToken}

// proofKey is a client's DPoP key as RFC 9449 section 4.2 puts it in a
// proof's header: a public JWK, here an EC P-256 key.
type proofKey struct {
	priv *ecdsa.PrivateKey
	jwk  map[string]any
}

func newProofKey(t *testing.T) proofKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	b64 := base64.RawURLEncoding.EncodeToString
	return proofKey{priv, map[string]any{"kty": "EC", "crv": "P-256", "x": b64(priv.X.FillBytes(make([]byte, 32))), "y": b64(priv.Y.FillBytes(make([]byte, 32)))}}
}

// thumbprint is the key's RFC 7638 thumbprint, computed here from the
// RFC's text: the required members in order, no white space.
func (k proofKey) thumbprint() string {
	j := `{"crv":"P-256","kty":"EC","x":"` + k.jwk["x"].(string) + `","y":"` + k.jwk["y"].(string) + `"}`
	return token.TokenHash(j) // base64url SHA-256, as ath is
}

func proofHeader(k proofKey) map[string]any {
	return map[string]any{"typ": "dpop+jwt", "jwk": k.jwk}
}

func proofClaims() jwt.MapClaims {
	return jwt.MapClaims{"jti": "e1j3V_bKic8-LAEB", "htm": "GET", "htu": proofURL, "iat": t0.Unix(), "ath": token.TokenHash(proofAccessToken)}
}

func (k proofKey) sign(t *testing.T, hdr map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	return signWith(t, jwt.SigningMethodES256, k.priv, hdr, claims)
}

func TestVerifyProofAcceptsAProofMadeAsRFC9449Says(t *testing.T) {
	k := newProofKey(t)
	p, err := token.VerifyProof(t0, k.sign(t, proofHeader(k), proofClaims()), proofRules)
	require.NoError(t, err)
	assert.Equal(t, token.ES256, p.Algorithm)
	assert.Equal(t, k.thumbprint(), p.Thumbprint, "the thumbprint is RFC 7638's")
	assert.Equal(t, "e1j3V_bKic8-LAEB", p.ID)
	assert.Equal(t, "GET", p.Method)
	assert.Equal(t, proofURL, p.URL)
	assert.True(t, p.IssuedAt.Equal(t0))

	t.Run("an Ed25519 key, and no ath at a token endpoint", func(t *testing.T) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		require.NoError(t, err)
		c := proofClaims()
		delete(c, "ath")
		c["htm"], c["nonce"] = "POST", "n-0S6_WzA2Mj"
		hdr := map[string]any{"typ": "dpop+jwt", "jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(pub)}}
		p, err := token.VerifyProof(t0, signWith(t, jwt.SigningMethodEdDSA, priv, hdr, c), token.ProofRules{Method: "POST", URL: proofURL, MaxAge: time.Minute})
		require.NoError(t, err)
		assert.Equal(t, token.EdDSA, p.Algorithm)
		assert.Equal(t, "n-0S6_WzA2Mj", p.Nonce)
	})
}

// TestVerifyProofRefusesEachCheckAlone makes one proof at a time fail one
// check of RFC 9449 section 4.3 (and the resource server's ath), all else
// being right.
func TestVerifyProofRefusesEachCheckAlone(t *testing.T) {
	k := newProofKey(t)
	other := newProofKey(t)
	with := func(name string, v any) func(map[string]any, jwt.MapClaims) {
		return func(_ map[string]any, c jwt.MapClaims) {
			if v == nil {
				delete(c, name)
			} else {
				c[name] = v
			}
		}
	}
	header := func(name string, v any) func(map[string]any, jwt.MapClaims) {
		return func(h map[string]any, _ jwt.MapClaims) { h[name] = v }
	}
	private := func(h map[string]any, _ jwt.MapClaims) {
		j := map[string]any{"d": base64.RawURLEncoding.EncodeToString(k.priv.D.FillBytes(make([]byte, 32)))}
		for n, v := range k.jwk {
			j[n] = v
		}
		h["jwk"] = j
	}
	for _, tc := range []struct {
		name   string
		change func(map[string]any, jwt.MapClaims)
		want   error
	}{
		{"typ JWT instead of dpop+jwt", header("typ", "JWT"), token.ErrType},
		{"no typ", header("typ", ""), token.ErrType},
		{"a private key in the jwk", private, token.ErrInvalidKey},
		{"no jwk", header("jwk", "none"), token.ErrInvalidKey},
		{"a jwk of a symmetric key", header("jwk", map[string]any{"kty": "oct", "k": "c2VjcmV0"}), token.ErrInvalidKey},
		{"a jwk that is not the signing key", header("jwk", other.jwk), token.ErrSignature},
		{"htm of another method", with("htm", "POST"), token.ErrProofMethod},
		{"htm in lower case", with("htm", "get"), token.ErrProofMethod},
		{"htu of another host", with("htu", "https://evil.example.com/v1/Accounts/AC1/Messages"), token.ErrProofURL},
		{"htu of another path", with("htu", "https://api.example.com/v1/Accounts/AC2/Messages"), token.ErrProofURL},
		{"htu over http", with("htu", "http://api.example.com/v1/Accounts/AC1/Messages"), token.ErrProofURL},
		{"iat older than the window", with("iat", t0.Add(-time.Minute-time.Second).Unix()), token.ErrExpired},
		{"iat further ahead than the leeway", with("iat", t0.Add(6*time.Second).Unix()), token.ErrNotYetValid},
		{"ath of another token", with("ath", token.TokenHash("another.access.token")), token.ErrProofTokenHash},
		{"no ath at a resource", with("ath", nil), token.ErrProofTokenHash},
		{"no jti", with("jti", nil), token.ErrMissingClaim},
		{"no htm", with("htm", nil), token.ErrMissingClaim},
		{"no htu", with("htu", nil), token.ErrMissingClaim},
		{"no iat", with("iat", nil), token.ErrMissingClaim},
		{"iat as a string", with("iat", "1740830400"), token.ErrMalformed},
		{"crit in the header", header("crit", []string{"exp"}), token.ErrMalformed},
		{"ES256 named for an Ed25519 jwk", header("jwk", map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(make([]byte, 32))}), token.ErrAlgorithm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, c := proofHeader(k), proofClaims()
			tc.change(h, c)
			_, err := token.VerifyProof(t0, k.sign(t, h, c), proofRules)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	good := k.sign(t, proofHeader(k), proofClaims())
	enc := base64.RawURLEncoding.EncodeToString
	parts := strings.Split(good, ".")
	for _, tc := range []struct {
		name, raw string
		want      error
	}{
		{"alg none, unsigned", enc([]byte(`{"typ":"dpop+jwt","alg":"none","jwk":`+mustJSON(t, k.jwk)+`}`)) + "." + parts[1] + ".", token.ErrAlgorithm},
		{"alg HS256", signWith(t, jwt.SigningMethodHS256, []byte("a shared secret of thirty-two by"), proofHeader(k), proofClaims()), token.ErrAlgorithm},
		{"not a JWT", "not-a-jwt", token.ErrMalformed},
		{"a header member given twice", enc([]byte(`{"typ":"dpop+jwt","alg":"ES256","alg":"ES256","jwk":`+mustJSON(t, k.jwk)+`}`)) + "." + parts[1] + "." + parts[2], token.ErrMalformed},
		{"a claim given twice", parts[0] + "." + enc([]byte(`{"jti":"a","jti":"b","htm":"GET","htu":"`+proofURL+`","iat":1740830400}`)) + "." + parts[2], token.ErrMalformed},
		{"a jwk member given twice", enc([]byte(`{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","kty":"EC","crv":"P-256","x":"`+k.jwk["x"].(string)+`","y":"`+k.jwk["y"].(string)+`"}}`)) + "." + parts[1] + "." + parts[2], token.ErrMalformed},
		{"a signature that does not verify", parts[0] + "." + parts[1] + "." + enc(make([]byte, 64)), token.ErrSignature},
		{"too large", strings.Repeat("a", token.DefaultMaxSize+1), token.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := token.VerifyProof(t0, tc.raw, proofRules)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	t.Run("the same proof passes all of them", func(t *testing.T) {
		_, err := token.VerifyProof(t0, good, proofRules)
		assert.NoError(t, err)
	})
}

func TestProofURLIsComparedAfterNormalization(t *testing.T) {
	k := newProofKey(t)
	verify := func(htu string) error {
		c := proofClaims()
		c["htu"] = htu
		_, err := token.VerifyProof(t0, k.sign(t, proofHeader(k), c), proofRules)
		return err
	}
	for _, same := range []string{
		"HTTPS://API.Example.com/v1/Accounts/AC1/Messages",
		"https://api.example.com:443/v1/Accounts/AC1/Messages",
		"https://api.example.com/v1/Accounts/AC1/Messages?page=2#top",
		"https://api.example.com/v1/Accounts/%41C1/Messages",
	} {
		assert.NoError(t, verify(same), same)
	}
	for _, other := range []string{
		"https://api.example.com/v1/accounts/AC1/Messages",
		"https://api.example.com:8443/v1/Accounts/AC1/Messages",
		"https://user@api.example.com/v1/Accounts/AC1/Messages",
		"/v1/Accounts/AC1/Messages",
		"https://api.example.com/v1/Accounts/AC1/Messages/",
	} {
		assert.ErrorIs(t, verify(other), token.ErrProofURL, other)
	}
}

func TestBoundTokenCarriesItsKeyThumbprintAsCnfJkt(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	k := newProofKey(t)
	req := sampleRequest
	req.DPoPThumbprint = k.thumbprint()
	raw, minted := f.mint(t, req)
	assert.Equal(t, k.thumbprint(), minted.DPoPThumbprint)
	got, err := f.validator.Validate(t0, raw)
	require.NoError(t, err)
	assert.Equal(t, k.thumbprint(), got.DPoPThumbprint)

	plain, _ := f.mint(t, sampleRequest)
	got, err = f.validator.Validate(t0, plain)
	require.NoError(t, err)
	assert.Empty(t, got.DPoPThumbprint, "a bearer token has no cnf")

	t.Run("a cnf with a confirmation method it cannot check is refused", func(t *testing.T) {
		signer := signingKey(t, f.key)
		for _, cnf := range []any{
			map[string]any{"jkt": k.thumbprint(), "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},
			map[string]any{"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},
			map[string]any{"JKT": k.thumbprint()},
			map[string]any{},
			"jkt",
		} {
			c := validClaims()
			c["cnf"] = cnf
			_, err := f.validator.Validate(t0, signWith(t, jwt.SigningMethodEdDSA, signer, map[string]any{"typ": "at+jwt", "kid": f.key.ID()}, c))
			assert.ErrorIs(t, err, token.ErrMalformed, "cnf %v", cnf)
		}
	})
	t.Run("a thumbprint that is not one is not minted", func(t *testing.T) {
		req.DPoPThumbprint = "not-a-thumbprint"
		_, _, err := f.minter.Mint(t0, req)
		assert.ErrorIs(t, err, token.ErrRequest)
	})
}
