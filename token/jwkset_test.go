package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// jwksOf is the JWK Set document of keys, as an issuer publishes it.
func jwksOf(t testing.TB, keys ...*token.Key) []byte {
	t.Helper()
	var doc token.JWKS
	for _, k := range keys {
		j, ok := k.JWK()
		require.True(t, ok)
		doc.Keys = append(doc.Keys, j)
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

func TestParseJWKSReadsWhatAnIssuerPublishes(t *testing.T) {
	rs, es, ed := testKey(t, token.RS256, "jwks"), testKey(t, token.ES256, "jwks"), testKey(t, token.EdDSA, "jwks")
	got, err := token.ParseJWKS(jwksOf(t, rs, es, ed))
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, want := range []*token.Key{rs, es, ed} {
		assert.Equal(t, want.ID(), got[i].ID())
		assert.Equal(t, want.Algorithm(), got[i].Algorithm())
		assert.Equal(t, want.Thumbprint(), got[i].Thumbprint(), "the same public key")
		assert.False(t, got[i].CanSign(), "a key read from a JWKS only verifies")
	}
}

func TestParseJWKSKeepsPS256WhenTheKeySaysSo(t *testing.T) {
	ps, err := testKey(t, token.RS256, "jwks").WithAlgorithm(token.PS256)
	require.NoError(t, err)
	got, err := token.ParseJWKS(jwksOf(t, ps))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, token.PS256, got[0].Algorithm())
}

func TestParseJWKSLeavesOutKeysItCannotUse(t *testing.T) {
	ed := testKey(t, token.EdDSA, "jwks")
	j, _ := ed.JWK()
	good, err := json.Marshal(j)
	require.NoError(t, err)
	others := []string{
		`{"kty":"EC","crv":"P-384","kid":"p384","x":"AA","y":"AA"}`,
		`{"kty":"oct","kid":"hmac","k":"c2VjcmV0"}`,
		`{"kty":"RSA","use":"enc","kid":"enc","n":"AQAB","e":"AQAB"}`,
		`{"kty":"RSA","alg":"RS512","kid":"rs512","n":"AQAB","e":"AQAB"}`,
		`{"kty":"OKP","crv":"Ed25519","x":"` + j.X + `"}`,
		`{"kty":"OKP","crv":"Ed25519","kid":"has space","x":"` + j.X + `"}`,
		`{"kty":"RSA","kid":"small","n":"` + strings.Repeat("A", 170) + `","e":"AQAB"}`,
	}
	doc := `{"keys":[` + strings.Join(others, ",") + `,` + string(good) + `]}`
	got, err := token.ParseJWKS([]byte(doc))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, ed.ID(), got[0].ID())

	none, err := token.ParseJWKS([]byte(`{"keys":[]}`))
	require.NoError(t, err)
	assert.Empty(t, none, "a set of no usable key is empty, not an error")
}

func TestParseJWKSRefusesMalformedDocuments(t *testing.T) {
	ed := testKey(t, token.EdDSA, "jwks")
	j, _ := ed.JWK()
	key, err := json.Marshal(j)
	require.NoError(t, err)
	many := `{"keys":[` + strings.Repeat(`{"kty":"none"},`, token.MaxJWKSKeys) + string(key) + `]}`
	for _, c := range []struct {
		name, doc string
		want      error
	}{
		{"not JSON", `{"keys":`, token.ErrMalformed},
		{"not an object", `[]`, token.ErrMalformed},
		{"no keys member", `{}`, token.ErrMalformed},
		{"keys not an array", `{"keys":{}}`, token.ErrMalformed},
		{"keys given twice", `{"keys":[],"keys":[` + string(key) + `]}`, token.ErrMalformed},
		{"keys in another case", `{"Keys":[]}`, token.ErrMalformed},
		{"a member of a key given twice", strings.Replace(`{"keys":[`+string(key)+`]}`, `"kty":"OKP"`, `"kty":"OKP","kty":"OKP"`, 1), token.ErrMalformed},
		{"a key member not a string", strings.Replace(`{"keys":[`+string(key)+`]}`, `"kid":"`+ed.ID()+`"`, `"kid":7`, 1), token.ErrMalformed},
		{"padded base64", strings.Replace(`{"keys":[`+string(key)+`]}`, j.X, j.X+"=", 1), token.ErrMalformed},
		{"a point off the curve", `{"keys":[{"kty":"EC","crv":"P-256","kid":"off","x":"` + strings.Repeat("A", 43) + `","y":"` + strings.Repeat("A", 42) + `E"}]}`, token.ErrInvalidKey},
		{"an even RSA exponent", `{"keys":[{"kty":"RSA","kid":"even","n":"` + strings.Repeat("A", 343) + `","e":"BA"}]}`, token.ErrInvalidKey},
		{"two keys with one kid", `{"keys":[` + string(key) + `,` + string(key) + `]}`, token.ErrDuplicateKey},
		{"too many keys", many, token.ErrTooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := token.ParseJWKS([]byte(c.doc))
			assert.ErrorIs(t, err, c.want)
			assert.Nil(t, got)
		})
	}
}

// federatedRules are those of a credential whose audience is
// api://oauthapps.
var federatedRules = token.AssertionRules{Audiences: []string{"api://oauthapps"}, Federated: true}

// workloadClaims are the claims of a Kubernetes service account token.
func workloadClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": "https://cluster.example", "sub": "system:serviceaccount:jobs:report",
		"aud": []string{"api://oauthapps"}, "exp": t0.Add(time.Hour).Unix(), "iat": t0.Unix(), "nbf": t0.Unix(),
	}
}

func TestFederatedRulesAcceptAnAudienceArrayAndNoJTI(t *testing.T) {
	rs := testKey(t, token.RS256, "issuer")
	raw := signWith(t, jwt.SigningMethodRS256, signingKey(t, rs), map[string]any{"kid": rs.ID()}, workloadClaims())
	key, calls := keyCalls(rs)
	a, err := token.VerifyAssertion(t0, raw, federatedRules, key)
	require.NoError(t, err)
	assert.Equal(t, 1, *calls)
	assert.Equal(t, "api://oauthapps", a.Audience, "the audience the rules hold")
	assert.Equal(t, "system:serviceaccount:jobs:report", a.Subject)

	// The same token is no client assertion: aud is an array, jti absent.
	_, err = token.VerifyAssertion(t0, raw, token.AssertionRules{Audiences: federatedRules.Audiences, MaxLifetime: time.Hour}, key)
	assert.ErrorIs(t, err, token.ErrAudience)
}

func TestFederatedRulesStillRefuse(t *testing.T) {
	rs := testKey(t, token.RS256, "issuer")
	hs := testKey(t, token.HS256, "issuer")
	for _, c := range []struct {
		name   string
		change func(jwt.MapClaims)
		method jwt.SigningMethod
		key    any
		want   error
	}{
		{"another audience", func(c jwt.MapClaims) { c["aud"] = []string{"api://other"} }, nil, nil, token.ErrAudience},
		{"no exp", func(c jwt.MapClaims) { delete(c, "exp") }, nil, nil, token.ErrMissingClaim},
		{"an empty audience array", func(c jwt.MapClaims) { c["aud"] = []string{} }, nil, nil, token.ErrMissingClaim},
		{"expired", func(c jwt.MapClaims) { c["exp"] = t0.Add(-time.Minute).Unix() }, nil, nil, token.ErrExpired},
		{"not yet valid", func(c jwt.MapClaims) { c["nbf"] = t0.Add(time.Hour).Unix() }, nil, nil, token.ErrNotYetValid},
		{"HS256", nil, jwt.SigningMethodHS256, hs.HMACSecret(), token.ErrAlgorithm},
	} {
		t.Run(c.name, func(t *testing.T) {
			claims := workloadClaims()
			if c.change != nil {
				c.change(claims)
			}
			method, k := c.method, c.key
			if method == nil {
				method, k = jwt.SigningMethodRS256, signingKey(t, rs)
			}
			raw := signWith(t, method, k, map[string]any{"kid": rs.ID()}, claims)
			key, calls := keyCalls(rs)
			_, err := token.VerifyAssertion(t0, raw, federatedRules, key)
			assert.ErrorIs(t, err, c.want)
			assert.Zero(t, *calls, "refused before the key is looked for")
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		raw := rawToken(`{"alg":"none"}`, mustJSON(t, workloadClaims()), "")
		_, err := token.VerifyAssertion(t0, raw, federatedRules, func(*token.Assertion) (*token.Key, error) { return rs, nil })
		assert.ErrorIs(t, err, token.ErrAlgorithm)
	})
}

func TestPeekAssertionReadsWithoutVerifying(t *testing.T) {
	rs := testKey(t, token.RS256, "issuer")
	raw := signWith(t, jwt.SigningMethodRS256, signingKey(t, rs), map[string]any{"kid": rs.ID()}, workloadClaims())
	a, err := token.PeekAssertion(raw[:len(raw)-4] + "AAAA")
	require.NoError(t, err, "a bad signature is not looked at")
	assert.Equal(t, "https://cluster.example", a.Issuer)
	assert.Equal(t, "system:serviceaccount:jobs:report", a.Subject)
	assert.Equal(t, rs.ID(), a.KeyID)
	assert.Empty(t, a.Audience, "an aud array is not one audience")

	_, err = token.PeekAssertion(rawToken(`{"alg":"RS256","alg":"none"}`, mustJSON(t, workloadClaims()), "x"))
	assert.ErrorIs(t, err, token.ErrMalformed, "as strict as VerifyAssertion")
}

// FuzzParseJWKS: no document panics ParseJWKS; it returns keys or one of
// its sentinels, never both, and every key it returns verifies only.
func FuzzParseJWKS(f *testing.F) {
	f.Add(string(jwksOf(f, testKey(f, token.RS256, "jwks"), testKey(f, token.ES256, "jwks"), testKey(f, token.EdDSA, "jwks"))))
	f.Add(`{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}`)
	f.Add(`{"keys":[{"kty":"EC","crv":"P-256","kid":"b","x":"AA","y":"AA"}],"other":1}`)
	f.Fuzz(func(t *testing.T, doc string) {
		keys, err := token.ParseJWKS([]byte(doc))
		if err != nil {
			if keys != nil {
				t.Fatalf("keys and an error: %v", err)
			}
			for _, want := range []error{token.ErrMalformed, token.ErrInvalidKey, token.ErrDuplicateKey, token.ErrTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("error %v is not a sentinel", err)
		}
		for _, k := range keys {
			if k.CanSign() || k.Symmetric() {
				t.Fatalf("key %v from a JWKS can sign", k)
			}
		}
	})
}
