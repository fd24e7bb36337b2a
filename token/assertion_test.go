package token_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

const (
	clientID      = "OQ0123456789abcdef0123456789abcdef"
	tokenEndpoint = testIssuer + "/oauth2/token"
)

// assertionRules accept the issuer or the token endpoint, an hour ahead.
var assertionRules = token.AssertionRules{Audiences: []string{testIssuer, tokenEndpoint}, MaxLifetime: time.Hour}

// assertionClaims are good claims of a client assertion at t0.
func assertionClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": clientID, "sub": clientID, "aud": tokenEndpoint,
		"exp": t0.Add(time.Minute).Unix(), "iat": t0.Unix(), "jti": "assertion-1",
	}
}

// signRaw signs a header and claims given as JSON text with priv.
func signRaw(priv ed25519.PrivateKey, hdr, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	input := enc([]byte(hdr)) + "." + enc([]byte(claims))
	return input + "." + enc(ed25519.Sign(priv, []byte(input)))
}

// keyCalls returns a key function that hands out k and counts its calls.
func keyCalls(k *token.Key) (func(*token.Assertion) (*token.Key, error), *int) {
	n := new(int)
	return func(*token.Assertion) (*token.Key, error) { *n++; return k, nil }, n
}

func TestVerifyAssertionReadsAGoodAssertion(t *testing.T) {
	client := testKey(t, token.EdDSA, "client")
	raw := signWith(t, jwt.SigningMethodEdDSA, signingKey(t, client), map[string]any{"kid": "c1", "typ": "JWT"}, assertionClaims())
	var seen token.Assertion
	a, err := token.VerifyAssertion(t0, raw, assertionRules, func(a *token.Assertion) (*token.Key, error) {
		seen = *a
		return client, nil
	})
	require.NoError(t, err)
	want := token.Assertion{KeyID: "c1", Algorithm: token.EdDSA, Issuer: clientID, Subject: clientID, Audience: tokenEndpoint,
		ExpiresAt: t0.Add(time.Minute), IssuedAt: t0, ID: "assertion-1"}
	assert.Equal(t, want, a)
	assert.Equal(t, want, seen, "the key function sees the assertion before its signature is verified")
}

// TestVerifyAssertionRefusesBeforeAnySignature: whatever the strict
// reading or the rules refuse is refused with its sentinel before the key
// function runs, so before any store read or signature verification.
func TestVerifyAssertionRefusesBeforeAnySignature(t *testing.T) {
	client := testKey(t, token.EdDSA, "client")
	priv := signingKey(t, client).(ed25519.PrivateKey)
	claimsWith := func(change func(jwt.MapClaims)) string {
		c := assertionClaims()
		change(c)
		return mustJSON(t, c)
	}
	good := mustJSON(t, assertionClaims())
	hdr := `{"alg":"EdDSA","kid":"c1"}`
	for _, c := range []struct {
		name string
		raw  string
		want error
	}{
		{"too large", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", token.DefaultMaxSize) })), token.ErrTooLarge},
		{"two parts", "a.b", token.ErrMalformed},
		{"a line break", signRaw(priv, hdr, good)[:10] + "\n" + signRaw(priv, hdr, good)[10:], token.ErrMalformed},
		{"a header member given twice", signRaw(priv, `{"alg":"EdDSA","kid":"c1","kid":"c2"}`, good), token.ErrMalformed},
		{"a crit header", signRaw(priv, `{"alg":"EdDSA","kid":"c1","crit":["exp"],"exp":1}`, good), token.ErrMalformed},
		{"a kid that is not a string", signRaw(priv, `{"alg":"EdDSA","kid":7}`, good), token.ErrMalformed},
		{"typed as an access token", signRaw(priv, `{"alg":"EdDSA","kid":"c1","typ":"at+jwt"}`, good), token.ErrType},
		{"alg none", signRaw(priv, `{"alg":"none","kid":"c1"}`, good), token.ErrAlgorithm},
		{"alg HS256", signRaw(priv, `{"alg":"HS256","kid":"c1"}`, good), token.ErrAlgorithm},
		{"a claim given twice", signRaw(priv, hdr, good[:len(good)-1]+`,"sub":"`+clientID+`"}`), token.ErrMalformed},
		{"a claim named in another case", signRaw(priv, hdr, good[:len(good)-1]+`,"EXP":1}`), token.ErrMalformed},
		{"claims not UTF-8", signRaw(priv, hdr, good[:len(good)-1]+`,"x":"`+"\xff"+`"}`), token.ErrMalformed},
		{"exp as a string", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["exp"] = "1741000000" })), token.ErrMalformed},
		{"exp beyond year 9999", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["exp"] = 1e300 })), token.ErrMalformed},
		{"a negative iat", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["iat"] = -1 })), token.ErrMalformed},
		{"no jti", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { delete(c, "jti") })), token.ErrMissingClaim},
		{"no exp", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { delete(c, "exp") })), token.ErrMissingClaim},
		{"aud of another server", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["aud"] = "https://attacker-as.example/" })), token.ErrAudience},
		{"aud an array holding the endpoint", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["aud"] = []string{"https://attacker-as.example/", tokenEndpoint} })), token.ErrAudience},
		{"aud an array of the endpoint alone", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["aud"] = []string{tokenEndpoint} })), token.ErrAudience},
		{"expired beyond the leeway", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["exp"] = t0.Add(-token.DefaultLeeway).Unix() })), token.ErrExpired},
		{"nbf beyond the leeway", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["nbf"] = t0.Add(token.DefaultLeeway + time.Second).Unix() })), token.ErrNotYetValid},
		{"exp beyond the lifetime", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) { c["exp"] = t0.Add(time.Hour + time.Second).Unix() })), token.ErrLifetime},
		{"exp beyond the lifetime after an iat ahead", signRaw(priv, hdr, claimsWith(func(c jwt.MapClaims) {
			c["iat"] = t0.Add(10 * time.Second).Unix()
			c["exp"] = t0.Add(time.Hour + 11*time.Second).Unix()
		})), token.ErrLifetime},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, calls := keyCalls(client)
			_, err := token.VerifyAssertion(t0, c.raw, assertionRules, key)
			require.ErrorIs(t, err, c.want)
			assert.Zero(t, *calls, "the key function ran")
		})
	}
}

func TestVerifyAssertionAcceptsTheLimits(t *testing.T) {
	client := testKey(t, token.EdDSA, "client")
	for _, c := range []struct {
		name   string
		change func(jwt.MapClaims)
	}{
		{"aud the issuer", func(c jwt.MapClaims) { c["aud"] = testIssuer }},
		{"exp exactly the lifetime ahead", func(c jwt.MapClaims) { c["exp"] = t0.Add(time.Hour).Unix() }},
		{"an hour from an iat 10 s ahead", func(c jwt.MapClaims) {
			c["iat"] = t0.Add(10 * time.Second).Unix()
			c["exp"] = t0.Add(time.Hour + 10*time.Second).Unix()
		}},
		{"expired within the leeway", func(c jwt.MapClaims) { c["exp"] = t0.Add(-token.DefaultLeeway + time.Second).Unix() }},
		{"typ application/client-authentication+jwt", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			claims := assertionClaims()
			hdr := map[string]any{"typ": "application/client-authentication+jwt"}
			if c.change != nil {
				c.change(claims)
				hdr = map[string]any{"typ": nil}
			}
			raw := signWith(t, jwt.SigningMethodEdDSA, signingKey(t, client), hdr, claims)
			key, calls := keyCalls(client)
			_, err := token.VerifyAssertion(t0, raw, assertionRules, key)
			require.NoError(t, err)
			assert.Equal(t, 1, *calls)
		})
	}
}

func TestVerifyAssertionVerifiesUnderTheKeyFunctionsKeyOnly(t *testing.T) {
	client := testKey(t, token.EdDSA, "client")
	raw := signWith(t, jwt.SigningMethodEdDSA, signingKey(t, client), nil, assertionClaims())

	_, err := token.VerifyAssertion(t0, raw, assertionRules, func(*token.Assertion) (*token.Key, error) {
		return testKey(t, token.EdDSA, "another"), nil
	})
	require.ErrorIs(t, err, token.ErrSignature)

	_, err = token.VerifyAssertion(t0, raw, assertionRules, func(*token.Assertion) (*token.Key, error) {
		return testKey(t, token.ES256, "client"), nil
	})
	require.ErrorIs(t, err, token.ErrAlgorithm, "a key of another algorithm")

	refused := fmt.Errorf("no such client")
	_, err = token.VerifyAssertion(t0, raw, assertionRules, func(*token.Assertion) (*token.Key, error) { return nil, refused })
	require.ErrorIs(t, err, refused, "the key function's error comes back as it is")
}

func TestVerifyAssertionTakesPS256FromAnRSAKey(t *testing.T) {
	rsaKey := testKey(t, token.RS256, "client")
	ps, err := rsaKey.WithAlgorithm(token.PS256)
	require.NoError(t, err)
	raw := signWith(t, jwt.SigningMethodPS256, signingKey(t, rsaKey), nil, assertionClaims())
	_, err = token.VerifyAssertion(t0, raw, assertionRules, func(*token.Assertion) (*token.Key, error) { return ps, nil })
	require.NoError(t, err)
	_, err = token.VerifyAssertion(t0, raw, assertionRules, func(*token.Assertion) (*token.Key, error) { return rsaKey, nil })
	require.ErrorIs(t, err, token.ErrAlgorithm, "the RS256 form of the key does not verify PS256")
}

func TestWithAlgorithm(t *testing.T) {
	rsaKey := testKey(t, token.RS256, "signing")
	ps, err := rsaKey.WithAlgorithm(token.PS256)
	require.NoError(t, err)
	assert.Equal(t, token.PS256, ps.Algorithm())
	assert.Equal(t, rsaKey.ID(), ps.ID())
	assert.True(t, ps.CanSign())
	assert.Equal(t, rsaKey.Thumbprint(), ps.Thumbprint(), "the same public key")
	for _, c := range []struct {
		key *token.Key
		alg token.Algorithm
	}{
		{testKey(t, token.EdDSA, "signing"), token.ES256},
		{testKey(t, token.ES256, "signing"), token.PS256},
		{rsaKey, token.HS256},
		{rsaKey, "none"},
	} {
		k, err := c.key.WithAlgorithm(c.alg)
		require.ErrorIs(t, err, token.ErrInvalidKey, "%s as %s", c.key.Algorithm(), c.alg)
		assert.Nil(t, k)
	}
	signer, _ := rsa.GenerateKey(rand.Reader, token.MinRSABits)
	external, err := token.NewSignerKey("ext", signer)
	require.NoError(t, err)
	_, err = external.WithAlgorithm(token.PS256)
	require.ErrorIs(t, err, token.ErrInvalidKey, "a crypto.Signer asked for PKCS #1 v1.5 signatures cannot sign PS256")
}

func TestAPS256KeyMintsTokensThatValidate(t *testing.T) {
	f := newFixture(t, token.PS256)
	raw, _ := f.mint(t, sampleRequest)
	_, err := f.validator.Validate(t0, raw)
	require.NoError(t, err)
}

// TestThumbprint checks the example of RFC 7638 section 3.1, and that a
// thumbprint names the public key whatever its kid or form.
func TestThumbprint(t *testing.T) {
	n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	require.NoError(t, err)
	k, err := token.NewSignerKey("2011-04-29", fixedPublic{&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}})
	require.NoError(t, err)
	assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", k.Thumbprint())

	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		priv := testKey(t, alg, "signing")
		pub, err := priv.MarshalPublicKeyPEM()
		require.NoError(t, err)
		other, err := token.ParsePublicKeyPEM("another-kid", pub)
		require.NoError(t, err)
		assert.Equal(t, priv.Thumbprint(), other.Thumbprint(), "%s: the same key under another kid", alg)
		assert.NotEqual(t, priv.Thumbprint(), testKey(t, alg, "another").Thumbprint(), "%s: another key", alg)
		assert.Len(t, priv.Thumbprint(), 43)
	}
	assert.Empty(t, testKey(t, token.HS256, "signing").Thumbprint(), "an HS256 key has no public form")
}

// fixedPublic is a crypto.Signer that only knows a public key.
type fixedPublic struct{ pub *rsa.PublicKey }

func (f fixedPublic) Public() crypto.PublicKey { return f.pub }
func (fixedPublic) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, fmt.Errorf("no private key")
}
