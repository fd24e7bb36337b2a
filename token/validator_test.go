package token_test

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// TestValidateRejects has one named case per check of Validate, each on a
// token that passes every other check. Its length is its list of cases.
func TestValidateRejects(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	key := signingKey(t, f.key)
	kid := map[string]any{"kid": f.key.ID(), "typ": "at+jwt"}
	sign := func(hdr map[string]any, edit func(jwt.MapClaims)) string {
		c := validClaims()
		if edit != nil {
			edit(c)
		}
		return signWith(t, jwt.SigningMethodEdDSA, key, hdr, c)
	}
	without := func(name string) func(jwt.MapClaims) { return func(c jwt.MapClaims) { delete(c, name) } }
	set := func(name string, v any) func(jwt.MapClaims) { return func(c jwt.MapClaims) { c[name] = v } }
	good := sign(kid, nil)
	_, err := f.validator.Validate(t0, good)
	require.NoError(t, err, "the base token must validate")

	for _, tc := range []struct {
		name string
		raw  string
		now  time.Time
		want error
	}{
		{"token over the size limit", good + strings.Repeat("A", token.DefaultMaxSize), t0, token.ErrTooLarge},
		{"empty string", "", t0, token.ErrMalformed},
		{"two parts", strings.Join(strings.Split(good, ".")[:2], "."), t0, token.ErrMalformed},
		{"four parts", good + ".e30", t0, token.ErrMalformed},
		{"padding on the header", strings.Replace(good, ".", "==.", 1), t0, token.ErrMalformed},
		{"padding on the signature", good + "==", t0, token.ErrSignature},
		{"newline in the signature", good[:len(good)-2] + "\n" + good[len(good)-2:], t0, token.ErrSignature},
		{"whitespace in a part", " " + good, t0, token.ErrMalformed},
		{"header not base64url", "A." + strings.SplitN(good, ".", 2)[1], t0, token.ErrMalformed},
		{"header with non-canonical base64url", "e31." + strings.SplitN(good, ".", 2)[1], t0, token.ErrMalformed},
		{"header an empty object", "e30." + strings.SplitN(good, ".", 2)[1], t0, token.ErrType},
		{"header not JSON", rawToken("not json", "{}", "AA"), t0, token.ErrMalformed},
		{"header with trailing data", rawToken(`{"alg":"EdDSA","kid":"k","typ":"at+jwt"} x`, "{}", "AA"), t0, token.ErrMalformed},
		{"header with a duplicate alg", rawToken(`{"alg":"EdDSA","alg":"HS256","kid":"`+f.key.ID()+`","typ":"at+jwt"}`, "{}", "AA"), t0, token.ErrMalformed},
		{"header with crit", sign(map[string]any{"kid": f.key.ID(), "typ": "at+jwt", "crit": []string{"exp"}, "exp": 1}, nil), t0, token.ErrMalformed},
		{"header kid not a string", sign(map[string]any{"kid": 7, "typ": "at+jwt"}, nil), t0, token.ErrMalformed},
		{"typ missing", sign(map[string]any{"kid": f.key.ID(), "typ": nil}, nil), t0, token.ErrType},
		{"typ JWT", sign(map[string]any{"kid": f.key.ID(), "typ": "JWT"}, nil), t0, token.ErrType},
		{"kid missing", sign(map[string]any{"typ": "at+jwt"}, nil), t0, token.ErrUnknownKey},
		{"signature of another key", signWith(t, jwt.SigningMethodEdDSA, signingKey(t, testKey(t, token.EdDSA, "other")), kid, validClaims()), t0, token.ErrSignature},
		{"claims not JSON", signedPayload(t, f, "not json"), t0, token.ErrMalformed},
		{"claims an array", signedPayload(t, f, "[]"), t0, token.ErrMalformed},
		{"claims null", signedPayload(t, f, "null"), t0, token.ErrMalformed},
		{"claims with a claim name in another case", signedPayload(t, f, `{"ISS":"x"}`), t0, token.ErrMalformed},
		{"claims with a duplicate exp", signedPayload(t, f, `{"exp":1,"exp":2}`), t0, token.ErrMalformed},
		{"iss missing", sign(kid, without("iss")), t0, token.ErrMissingClaim},
		{"sub missing", sign(kid, without("sub")), t0, token.ErrMissingClaim},
		{"aud missing", sign(kid, without("aud")), t0, token.ErrMissingClaim},
		{"aud an empty array", sign(kid, set("aud", []string{})), t0, token.ErrMissingClaim},
		{"exp missing", sign(kid, without("exp")), t0, token.ErrMissingClaim},
		{"exp null", sign(kid, set("exp", nil)), t0, token.ErrMissingClaim},
		{"iat missing", sign(kid, without("iat")), t0, token.ErrMissingClaim},
		{"jti missing", sign(kid, without("jti")), t0, token.ErrMissingClaim},
		{"client_id missing", sign(kid, without("client_id")), t0, token.ErrMissingClaim},
		{"exp a string", sign(kid, set("exp", "1741000000")), t0, token.ErrMalformed},
		{"exp negative", sign(kid, set("exp", -1)), t0, token.ErrMalformed},
		{"exp past year 9999", sign(kid, set("exp", 1e12)), t0, token.ErrMalformed},
		{"aud a number", sign(kid, set("aud", 1)), t0, token.ErrMalformed},
		{"aud array holding a number", sign(kid, set("aud", []any{testAudience, 1})), t0, token.ErrMalformed},
		{"scope an array", sign(kid, set("scope", []string{"a"})), t0, token.ErrMalformed},
		{"region a number", sign(kid, set("region", 1)), t0, token.ErrMalformed},
		{"wrong issuer", sign(kid, set("iss", "https://evil.example")), t0, token.ErrIssuer},
		{"issuer differing in case", sign(kid, set("iss", strings.ToUpper(testIssuer))), t0, token.ErrIssuer},
		{"wrong audience", sign(kid, set("aud", "https://other.example")), t0, token.ErrAudience},
		{"audience array without ours", sign(kid, set("aud", []string{"a", "b"})), t0, token.ErrAudience},
		{"expired at exp exactly", good, t0.Add(time.Hour), token.ErrExpired},
		{"expired by one second", good, t0.Add(time.Hour + time.Second), token.ErrExpired},
		{"nbf beyond the leeway", sign(kid, set("nbf", t0.Add(31*time.Second).Unix())), t0, token.ErrNotYetValid},
		{"iat beyond the leeway", sign(kid, set("iat", t0.Add(31*time.Second).Unix())), t0, token.ErrNotYetValid},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			c, err := f.validator.Validate(tc.now, tc.raw)
			require.ErrorIs(t, err, tc.want)
			assert.Zero(t, c)
			if tc.want != token.ErrExpired && tc.want != token.ErrNotYetValid {
				c, err = f.validator.Verify(tc.raw)
				require.ErrorIs(t, err, tc.want, "Verify, which leaves out only time, must reject it as well")
				assert.Zero(t, c)
			}
		})
	}
}

// TestValidateAccepts shows tokens a standards-compliant issuer may write
// differently from Mint.
func TestValidateAccepts(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	key := signingKey(t, f.key)
	for _, tc := range []struct {
		name string
		hdr  map[string]any
		edit func(jwt.MapClaims)
		now  time.Time
	}{
		{"typ application/at+jwt", map[string]any{"typ": "application/at+jwt"}, nil, t0},
		{"typ in upper case", map[string]any{"typ": "AT+JWT"}, nil, t0},
		{"unknown header parameters", map[string]any{"x5t": "abc", "cty": "x"}, nil, t0},
		{"aud as an array holding ours", nil, func(c jwt.MapClaims) { c["aud"] = []string{"a", testAudience} }, t0},
		{"fractional times", nil, func(c jwt.MapClaims) { c["exp"] = float64(t0.Unix()) + 3600.5; c["iat"] = float64(t0.Unix()) + 0.25 }, t0},
		{"times in exponent form", nil, func(c jwt.MapClaims) { c["exp"] = jsonNumber("1.7410338e9") }, t0},
		{"unknown claims of every JSON kind", nil, func(c jwt.MapClaims) {
			c["groups"] = []any{"a", map[string]any{"b": []any{1.5, true, nil}}}
			c["auth_time"] = t0.Unix()
		}, t0},
		{"null optional claims", nil, func(c jwt.MapClaims) { c["scope"] = nil; c["nbf"] = nil; c["region"] = nil }, t0},
		{"nbf and iat inside the leeway", nil, func(c jwt.MapClaims) {
			c["nbf"] = t0.Add(30 * time.Second).Unix()
			c["iat"] = t0.Add(30 * time.Second).Unix()
		}, t0},
		{"one second before exp", nil, nil, t0.Add(time.Hour - time.Second)},
	} {
		t.Run(tc.name+" validates", func(t *testing.T) {
			hdr := map[string]any{"kid": f.key.ID(), "typ": "at+jwt"}
			for k, v := range tc.hdr {
				hdr[k] = v
			}
			c := validClaims()
			if tc.edit != nil {
				tc.edit(c)
			}
			got, err := f.validator.Validate(tc.now, signWith(t, jwt.SigningMethodEdDSA, key, hdr, c))
			require.NoError(t, err)
			assert.Equal(t, testIssuer, got.Issuer)
			assert.Equal(t, sampleRequest.ClientID, got.ClientID)
		})
	}
	t.Run("fractional exp keeps its fraction", func(t *testing.T) {
		c := validClaims()
		c["exp"] = float64(t0.Unix()) + 3600.5
		got, err := f.validator.Validate(t0, signWith(t, jwt.SigningMethodEdDSA, key, map[string]any{"kid": f.key.ID(), "typ": "at+jwt"}, c))
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Hour+500*time.Millisecond), got.ExpiresAt)
	})
}

// TestValidateAttacks: each known way to forge or stretch a token fails with
// the error that names it. Its length is its list of attacks.
func TestValidateAttacks(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	good, _ := f.mint(t, sampleRequest)
	parts := strings.Split(good, ".")
	hdr := map[string]any{"alg": "EdDSA", "kid": f.key.ID(), "typ": "at+jwt"}
	claims := mustJSON(t, validClaims())
	pub := f.key.PublicKey().(ed25519.PublicKey)
	pubPEM, err := f.key.MarshalPublicKeyPEM()
	require.NoError(t, err)

	withHeader := func(edit map[string]any) map[string]any {
		h := map[string]any{}
		for k, v := range hdr {
			h[k] = v
		}
		for k, v := range edit {
			h[k] = v
		}
		return h
	}
	hs256 := func(secret []byte) string {
		input := base64.RawURLEncoding.EncodeToString([]byte(mustJSON(t, withHeader(map[string]any{"alg": "HS256"})))) +
			"." + base64.RawURLEncoding.EncodeToString([]byte(claims))
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(input))
		return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	tamper := func(edit func(jwt.MapClaims)) string {
		c := validClaims()
		edit(c)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(mustJSON(t, c))) + "." + parts[2]
	}
	reSign := func(h map[string]any) string {
		return signWith(t, jwt.SigningMethodEdDSA, signingKey(t, f.key), h, validClaims())
	}

	for _, tc := range []struct {
		name string
		raw  string
		now  time.Time
		want error
	}{
		{"alg none with an empty signature", rawToken(mustJSON(t, withHeader(map[string]any{"alg": "none"})), claims, ""), t0, token.ErrAlgorithm},
		{"alg none without kid", rawToken(`{"alg":"none","typ":"at+jwt"}`, claims, ""), t0, token.ErrAlgorithm},
		{"alg NONE in capitals", rawToken(mustJSON(t, withHeader(map[string]any{"alg": "NONE"})), claims, ""), t0, token.ErrAlgorithm},
		{"alg HS256 keyed with the raw public key", hs256(pub), t0, token.ErrAlgorithm},
		{"alg HS256 keyed with the public key PEM", hs256(pubPEM), t0, token.ErrAlgorithm},
		{"alg ES256 on an EdDSA key", rawToken(mustJSON(t, withHeader(map[string]any{"alg": "ES256"})), claims, parts[2]), t0, token.ErrAlgorithm},
		{"alg HS512 not supported", rawToken(mustJSON(t, withHeader(map[string]any{"alg": "HS512"})), claims, parts[2]), t0, token.ErrAlgorithm},
		{"unknown kid", reSign(withHeader(map[string]any{"kid": "no-such-key"})), t0, token.ErrUnknownKey},
		{"kid path traversal", reSign(withHeader(map[string]any{"kid": "../../../../dev/null"})), t0, token.ErrUnknownKey},
		{"kid with a NUL after the real kid", reSign(withHeader(map[string]any{"kid": f.key.ID() + "\x00"})), t0, token.ErrUnknownKey},
		{"kid as a URL", reSign(withHeader(map[string]any{"kid": "https://evil.example/key.pem"})), t0, token.ErrUnknownKey},
		{"kid with SQL", reSign(withHeader(map[string]any{"kid": "' OR '1'='1"})), t0, token.ErrUnknownKey},
		{"kid differing in case", reSign(withHeader(map[string]any{"kid": strings.ToUpper(f.key.ID())})), t0, token.ErrUnknownKey},
		{"stripped signature", parts[0] + "." + parts[1] + ".", t0, token.ErrSignature},
		{"stripped signature and dot", parts[0] + "." + parts[1], t0, token.ErrMalformed},
		{"truncated signature", good[:len(good)-4], t0, token.ErrSignature},
		{"signature with a flipped bit", parts[0] + "." + parts[1] + "." + flipFirst(parts[2]), t0, token.ErrSignature},
		{"signature from another token", parts[0] + "." + tamper(func(jwt.MapClaims) {})[len(parts[0])+1:], t0, token.ErrSignature},
		{"tampered payload: longer exp", tamper(func(c jwt.MapClaims) { c["exp"] = t0.Add(365 * 24 * time.Hour).Unix() }), t0, token.ErrSignature},
		{"tampered payload: wider scope", tamper(func(c jwt.MapClaims) { c["scope"] = "/*" }), t0, token.ErrSignature},
		{"tampered payload: other account", tamper(func(c jwt.MapClaims) { c["account_sid"] = "AC" + strings.Repeat("f", 32) }), t0, token.ErrSignature},
		{"expired by 1 s", good, t0.Add(time.Hour + time.Second), token.ErrExpired},
		{"wrong typ JWT", reSign(withHeader(map[string]any{"typ": "JWT"})), t0, token.ErrType},
		{"wrong typ id-token", reSign(withHeader(map[string]any{"typ": "id_token+jwt"})), t0, token.ErrType},
		{"wrong aud", signWith(t, jwt.SigningMethodEdDSA, signingKey(t, f.key), hdr, jwt.MapClaims(mergeClaims(map[string]any{"aud": "https://other.example"}))), t0, token.ErrAudience},
		{"wrong iss", signWith(t, jwt.SigningMethodEdDSA, signingKey(t, f.key), hdr, jwt.MapClaims(mergeClaims(map[string]any{"iss": "https://evil.example"}))), t0, token.ErrIssuer},
		{"oversize token", good + "." + strings.Repeat("A", token.DefaultMaxSize), t0, token.ErrTooLarge},
		{"oversize claims inside the limit's reach", rawToken(mustJSON(t, hdr), `{"pad":"`+strings.Repeat("x", 1<<20)+`"}`, parts[2]), t0, token.ErrTooLarge},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			c, err := f.validator.Validate(tc.now, tc.raw)
			require.ErrorIs(t, err, tc.want)
			assert.Zero(t, c)
			if tc.want != token.ErrExpired && tc.want != token.ErrNotYetValid {
				c, err = f.validator.Verify(tc.raw)
				require.ErrorIs(t, err, tc.want, "Verify, which leaves out only time, must reject it as well")
				assert.Zero(t, c)
			}
		})
	}

	t.Run("an HS256 key in the same set does not open EdDSA kids to HMAC", func(t *testing.T) {
		hk := testKey(t, token.HS256, "signing")
		ks, err := token.NewKeySet(f.key, hk)
		require.NoError(t, err)
		v, err := token.NewValidator(ks, testIssuer, testAudience)
		require.NoError(t, err)
		_, err = v.Validate(t0, signWith(t, jwt.SigningMethodHS256, hk.HMACSecret(), map[string]any{"kid": f.key.ID(), "typ": "at+jwt"}, validClaims()))
		require.ErrorIs(t, err, token.ErrAlgorithm)
	})
	t.Run("golang-jwt errors do not leak as the only way to tell", func(t *testing.T) {
		_, err := f.validator.Validate(t0, parts[0]+"."+parts[1]+"."+flipFirst(parts[2]))
		require.ErrorIs(t, err, token.ErrSignature)
		assert.NotErrorIs(t, err, jwt.ErrEd25519Verification)
		assert.NotErrorIs(t, err, jwt.ErrSignatureInvalid)
	})
}

func TestNewValidatorRejectsBadConfig(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	for _, tc := range []struct {
		name     string
		keys     *token.KeySet
		iss, aud string
		opts     []token.Option
	}{
		{"nil key set", nil, testIssuer, testAudience, nil},
		{"empty issuer", f.keys, "", testAudience, nil},
		{"empty audience", f.keys, testIssuer, "", nil},
		{"negative leeway", f.keys, testIssuer, testAudience, []token.Option{token.WithLeeway(-time.Second)}},
		{"leeway over five minutes", f.keys, testIssuer, testAudience, []token.Option{token.WithLeeway(6 * time.Minute)}},
		{"max size under 256 bytes", f.keys, testIssuer, testAudience, []token.Option{token.WithMaxSize(255)}},
		{"max size over 1 MiB", f.keys, testIssuer, testAudience, []token.Option{token.WithMaxSize(1<<20 + 1)}},
	} {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			v, err := token.NewValidator(tc.keys, tc.iss, tc.aud, tc.opts...)
			require.ErrorIs(t, err, token.ErrInvalidOption)
			assert.Nil(t, v)
		})
	}
}

func TestValidatorOptions(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	good, _ := f.mint(t, sampleRequest)
	t.Run("a smaller max size rejects a token the default accepts", func(t *testing.T) {
		v, err := token.NewValidator(f.keys, testIssuer, testAudience, token.WithMaxSize(len(good)-1))
		require.NoError(t, err)
		_, err = v.Validate(t0, good)
		require.ErrorIs(t, err, token.ErrTooLarge)
		v, err = token.NewValidator(f.keys, testIssuer, testAudience, token.WithMaxSize(len(good)))
		require.NoError(t, err)
		_, err = v.Validate(t0, good)
		require.NoError(t, err)
	})
	t.Run("zero leeway rejects iat one second ahead", func(t *testing.T) {
		v, err := token.NewValidator(f.keys, testIssuer, testAudience, token.WithLeeway(0))
		require.NoError(t, err)
		_, err = v.Validate(t0.Add(-time.Second), good)
		require.ErrorIs(t, err, token.ErrNotYetValid)
		_, err = v.Validate(t0, good)
		require.NoError(t, err)
	})
	t.Run("leeway never extends exp", func(t *testing.T) {
		v, err := token.NewValidator(f.keys, testIssuer, testAudience, token.WithLeeway(5*time.Minute))
		require.NoError(t, err)
		_, err = v.Validate(t0.Add(time.Hour), good)
		require.ErrorIs(t, err, token.ErrExpired)
	})
}

// signedPayload signs an arbitrary payload with the fixture's key, to reach
// the claims decoder past the signature check.
func signedPayload(t *testing.T, f fixture, payload string) string {
	t.Helper()
	input := base64.RawURLEncoding.EncodeToString([]byte(mustJSON(t, map[string]any{"alg": string(f.key.Algorithm()), "kid": f.key.ID(), "typ": "at+jwt"}))) +
		"." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	sig, err := jwt.GetSigningMethod(string(f.key.Algorithm())).Sign(input, signingKey(t, f.key))
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func mergeClaims(edit map[string]any) map[string]any {
	c := validClaims()
	for k, v := range edit {
		c[k] = v
	}
	return c
}

// flipFirst changes the first character of a base64url part.
func flipFirst(part string) string {
	c := byte('A')
	if part[0] == 'A' {
		c = 'B'
	}
	return string(c) + part[1:]
}

// jsonNumber is written into JSON as is.
type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// TestVerifyAcceptsTokensOutsideTheirTime: Verify, for revocation, reads a
// token that has expired or is not valid yet, which Validate refuses, and
// returns the same claims Validate would.
func TestVerifyAcceptsTokensOutsideTheirTime(t *testing.T) {
	f := newFixture(t, token.EdDSA)
	raw, minted := f.mint(t, sampleRequest)
	for _, tc := range []struct {
		name string
		now  time.Time
		want error
	}{
		{"expired", t0.Add(2 * time.Hour), token.ErrExpired},
		{"not valid yet: minted by a clock ten minutes ahead", t0.Add(-10 * time.Minute), token.ErrNotYetValid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.validator.Validate(tc.now, raw)
			require.ErrorIs(t, err, tc.want)
			got, err := f.validator.Verify(raw)
			require.NoError(t, err)
			assert.Equal(t, minted, got)
		})
	}
}
