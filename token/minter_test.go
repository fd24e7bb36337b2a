package token_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

func TestMintValidateRoundTrip(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(string(alg)+" token validates and returns the claims it was minted with", func(t *testing.T) {
			f := newFixture(t, alg)
			raw, minted := f.mint(t, sampleRequest)
			got, err := f.validator.Validate(t0.Add(59*time.Minute), raw)
			require.NoError(t, err)
			assert.Equal(t, minted, got)

			assert.Equal(t, testIssuer, got.Issuer)
			assert.Equal(t, sampleRequest.ClientID, got.Subject)
			assert.Equal(t, sampleRequest.ClientID, got.ClientID)
			assert.Equal(t, []string{testAudience}, got.Audience)
			assert.Equal(t, t0, got.IssuedAt)
			assert.Equal(t, t0.Add(token.DefaultTTL), got.ExpiresAt)
			assert.True(t, got.NotBefore.IsZero())
			assert.Equal(t, sampleRequest.Scope, got.Scope)
			assert.Equal(t, sampleRequest.AccountSID, got.AccountSID)
			assert.Equal(t, sampleRequest.Region, got.Region)
			assert.Equal(t, sampleRequest.SecretID, got.SecretID)
		})
	}
}

func TestMintHeaderAndClaims(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(string(alg)+" header names alg, kid and typ at+jwt", func(t *testing.T) {
			f := newFixture(t, alg)
			raw, _ := f.mint(t, sampleRequest)
			var hdr map[string]any
			decodePart(t, strings.Split(raw, ".")[0], &hdr)
			assert.Equal(t, map[string]any{"alg": string(alg), "kid": f.key.ID(), "typ": "at+jwt"}, hdr)
		})
	}
	t.Run("claims are the RFC 9068 set plus this library's own", func(t *testing.T) {
		f := newFixture(t, token.EdDSA)
		raw, c := f.mint(t, sampleRequest)
		var claims map[string]any
		decodePart(t, strings.Split(raw, ".")[1], &claims)
		assert.Equal(t, map[string]any{
			"iss": testIssuer, "sub": sampleRequest.ClientID, "aud": testAudience,
			"exp": float64(t0.Unix() + 3600), "iat": float64(t0.Unix()), "jti": c.ID,
			"client_id": sampleRequest.ClientID, "scope": sampleRequest.Scope,
			"account_sid": sampleRequest.AccountSID, "region": "us1", "secret_id": sampleRequest.SecretID,
		}, claims)
	})
	t.Run("empty optional claims are left out", func(t *testing.T) {
		f := newFixture(t, token.EdDSA)
		raw, _ := f.mint(t, token.MintRequest{ClientID: "client"})
		var claims map[string]any
		decodePart(t, strings.Split(raw, ".")[1], &claims)
		for _, name := range []string{"scope", "account_sid", "region", "secret_id", "nbf"} {
			assert.NotContains(t, claims, name)
		}
	})
	t.Run("several audiences are written as an array", func(t *testing.T) {
		f := newFixture(t, token.EdDSA)
		m, err := token.NewMinter(f.keys, testIssuer, "https://a.example", testAudience)
		require.NoError(t, err)
		raw, c, err := m.Mint(t0, sampleRequest)
		require.NoError(t, err)
		var claims map[string]any
		decodePart(t, strings.Split(raw, ".")[1], &claims)
		assert.Equal(t, []any{"https://a.example", testAudience}, claims["aud"])
		got, err := f.validator.Validate(t0, raw)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	})
	t.Run("strings needing JSON escapes round trip", func(t *testing.T) {
		f := newFixture(t, token.HS256)
		req := sampleRequest
		req.ClientID = "quote\" back\\slash\ttab\x01ctl \u2028 é 😀"
		req.Region = "</script>"
		raw, c := f.mint(t, req)
		got, err := f.validator.Validate(t0, raw)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		assert.Equal(t, req.ClientID, got.Subject)
	})
}

func TestMintJTI(t *testing.T) {
	f := newFixture(t, token.HS256)
	seen := map[string]bool{}
	for range 1000 {
		_, c := f.mint(t, sampleRequest)
		b, err := base64.RawURLEncoding.DecodeString(c.ID)
		require.NoError(t, err)
		require.Len(t, b, 16, "jti carries 128 bits")
		require.False(t, seen[c.ID], "jti repeated")
		seen[c.ID] = true
	}
}

func TestMintTTL(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{
		{"zero means one hour", 0, time.Hour},
		{"one minute is the shortest", time.Minute, time.Minute},
		{"thirty days is the longest", 30 * 24 * time.Hour, 30 * 24 * time.Hour},
		{"fractions of a second are dropped", 90*time.Second + 999*time.Millisecond, 90 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := sampleRequest
			req.TTL = tc.ttl
			_, c := f.mint(t, req)
			assert.Equal(t, tc.want, c.ExpiresAt.Sub(c.IssuedAt))
		})
	}
	for _, tc := range []struct {
		name string
		ttl  time.Duration
	}{
		{"under a minute is rejected", time.Minute - time.Second},
		{"over thirty days is rejected", 30*24*time.Hour + time.Second},
		{"negative is rejected", -time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := sampleRequest
			req.TTL = tc.ttl
			raw, c, err := f.minter.Mint(t0, req)
			require.ErrorIs(t, err, token.ErrTTL)
			assert.Empty(t, raw)
			assert.Zero(t, c)
		})
	}
}

func TestMintRejectsBadRequests(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	for _, tc := range []struct {
		name string
		edit func(*token.MintRequest)
	}{
		{"empty client id", func(r *token.MintRequest) { r.ClientID = "" }},
		{"client id not UTF-8", func(r *token.MintRequest) { r.ClientID = "a\xffb" }},
		{"account SID not UTF-8", func(r *token.MintRequest) { r.AccountSID = "\xc3" }},
		{"region not UTF-8", func(r *token.MintRequest) { r.Region = "\xed\xa0\x80" }},
		{"secret id not UTF-8", func(r *token.MintRequest) { r.SecretID = "\x80" }},
		{"scope with a double space", func(r *token.MintRequest) { r.Scope = "a  b" }},
		{"scope with a leading space", func(r *token.MintRequest) { r.Scope = " a" }},
		{"scope with a trailing space", func(r *token.MintRequest) { r.Scope = "a " }},
		{"scope with a quote", func(r *token.MintRequest) { r.Scope = `a"b` }},
		{"scope with a backslash", func(r *token.MintRequest) { r.Scope = `a\b` }},
		{"scope with a tab", func(r *token.MintRequest) { r.Scope = "a\tb" }},
		{"scope with non-ASCII", func(r *token.MintRequest) { r.Scope = "é" }},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			req := sampleRequest
			tc.edit(&req)
			raw, c, err := f.minter.Mint(t0, req)
			require.ErrorIs(t, err, token.ErrRequest)
			assert.Empty(t, raw)
			assert.Zero(t, c)
		})
	}
}

func TestNewMinterRejectsBadConfig(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	for _, tc := range []struct {
		name     string
		keys     *token.KeySet
		issuer   string
		audience []string
	}{
		{"nil key set", nil, testIssuer, []string{testAudience}},
		{"empty issuer", f.keys, "", []string{testAudience}},
		{"issuer not UTF-8", f.keys, "\xff", []string{testAudience}},
		{"no audience", f.keys, testIssuer, nil},
		{"empty audience", f.keys, testIssuer, []string{""}},
		{"audience not UTF-8", f.keys, testIssuer, []string{"\xfe"}},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			m, err := token.NewMinter(tc.keys, tc.issuer, tc.audience...)
			require.ErrorIs(t, err, token.ErrInvalidOption)
			assert.Nil(t, m)
		})
	}
}

// TestMintedTokensParseWithGolangJWT shows that a standard parser, with its
// own JSON decoding, accepts what Mint writes.
func TestMintedTokensParseWithGolangJWT(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(string(alg)+" token verifies with jwt.Parse", func(t *testing.T) {
			f := newFixture(t, alg)
			raw, c := f.mint(t, sampleRequest)
			verifyKey := f.key.PublicKey()
			if alg == token.HS256 {
				verifyKey = f.key.HMACSecret()
			}
			claims := jwt.MapClaims{}
			_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return verifyKey, nil },
				jwt.WithValidMethods([]string{string(alg)}), jwt.WithTimeFunc(func() time.Time { return t0 }),
				jwt.WithIssuer(testIssuer), jwt.WithAudience(testAudience), jwt.WithExpirationRequired())
			require.NoError(t, err)
			assert.Equal(t, c.ID, claims["jti"])
			assert.Equal(t, c.Region, claims["region"])
		})
	}
}

func decodePart(t *testing.T, part string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v))
}

func TestMintHS256FollowsRotation(t *testing.T) {
	for _, name := range []string{"to another HS256 key", "to an EdDSA key and back"} {
		t.Run("minting follows a rotation "+name, func(t *testing.T) {
			first, err := token.NewHMACKey("hs-1", []byte(strings.Repeat("a", 32)))
			require.NoError(t, err)
			second, err := token.NewHMACKey("hs-2", []byte(strings.Repeat("b", 32)))
			require.NoError(t, err)
			ks, err := token.NewKeySet(first)
			require.NoError(t, err)
			m, err := token.NewMinter(ks, testIssuer, testAudience)
			require.NoError(t, err)
			keys := []*token.Key{first, second}
			if name != "to another HS256 key" {
				keys = []*token.Key{first, testKey(t, token.EdDSA, "rotation"), second}
			}
			for i, k := range keys {
				if i > 0 {
					require.NoError(t, ks.Rotate(k))
				}
				raw, _, err := m.Mint(t0, sampleRequest)
				require.NoError(t, err)
				verifyKey := k.PublicKey()
				if k.Symmetric() {
					verifyKey = k.HMACSecret()
				}
				_, err = jwt.Parse(raw, func(*jwt.Token) (any, error) { return verifyKey, nil },
					jwt.WithValidMethods([]string{string(k.Algorithm())}), jwt.WithTimeFunc(func() time.Time { return t0 }))
				require.NoError(t, err, "signed with %s", k.ID())
			}
		})
	}
}
