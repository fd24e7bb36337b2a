package token_test

import (
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

const (
	testIssuer   = "https://auth.example.com"
	testAudience = "https://api.example.com"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

var algorithms = []token.Algorithm{token.EdDSA, token.ES256, token.RS256, token.HS256}

var (
	keysMu sync.Mutex
	keys   = map[string]*token.Key{}
)

// testKey returns a key for alg generated once per name, so RSA keys are
// not generated again by every test.
func testKey(t testing.TB, alg token.Algorithm, name string) *token.Key {
	t.Helper()
	keysMu.Lock()
	defer keysMu.Unlock()
	id := string(alg) + "/" + name
	if k, ok := keys[id]; ok {
		return k
	}
	k, err := token.GenerateKey(alg)
	require.NoError(t, err)
	keys[id] = k
	return k
}

// fixture is a key set with a minter and a validator for one algorithm.
type fixture struct {
	key       *token.Key
	keys      *token.KeySet
	minter    *token.Minter
	validator *token.Validator
}

func newFixture(t testing.TB, alg token.Algorithm) fixture {
	t.Helper()
	k := testKey(t, alg, "signing")
	ks, err := token.NewKeySet(k)
	require.NoError(t, err)
	m, err := token.NewMinter(ks, testIssuer, testAudience)
	require.NoError(t, err)
	v, err := token.NewValidator(ks, testIssuer, testAudience)
	require.NoError(t, err)
	return fixture{key: k, keys: ks, minter: m, validator: v}
}

func (f fixture) mint(t testing.TB, req token.MintRequest) (string, token.Claims) {
	t.Helper()
	raw, c, err := f.minter.Mint(t0, req)
	require.NoError(t, err)
	return raw, c
}

var sampleRequest = token.MintRequest{
	ClientID:   "OQ0123456789abcdef0123456789abcdef",
	Scope:      "/twilio/messaging/messages/read /twilio/voice/calls/create",
	AccountSID: "AC0123456789abcdef0123456789abcdef",
	Region:     "us1",
	SecretID:   "SK0123456789abcdef0123456789abcdef",
}

// validClaims is a claim set the fixture's validator accepts at t0.
func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss":       testIssuer,
		"sub":       sampleRequest.ClientID,
		"aud":       testAudience,
		"exp":       t0.Add(time.Hour).Unix(),
		"iat":       t0.Unix(),
		"jti":       "3q2-7wAAAAAAAAAAAAAAAA",
		"client_id": sampleRequest.ClientID,
		"scope":     sampleRequest.Scope,
	}
}

// signWith signs claims with golang-jwt, an independent issuer, under the
// given header fields (alg comes from method).
func signWith(t testing.TB, method jwt.SigningMethod, key any, hdr map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range hdr {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	raw, err := tok.SignedString(key)
	require.NoError(t, err)
	return raw
}

// signingKey returns what golang-jwt signs with for k, by re-reading its
// PEM (or HMAC secret), as an outside issuer would hold it.
func signingKey(t testing.TB, k *token.Key) any {
	t.Helper()
	if k.Algorithm() == token.HS256 {
		return k.HMACSecret()
	}
	p, err := k.MarshalPrivateKeyPEM()
	require.NoError(t, err)
	switch k.Algorithm() {
	case token.EdDSA:
		key, err := jwt.ParseEdPrivateKeyFromPEM(p)
		require.NoError(t, err)
		return key
	case token.ES256:
		key, err := jwt.ParseECPrivateKeyFromPEM(p)
		require.NoError(t, err)
		return key
	default:
		key, err := jwt.ParseRSAPrivateKeyFromPEM(p)
		require.NoError(t, err)
		return key
	}
}

// rawToken assembles a token from JSON header and claims and a signature
// part, with no signing at all.
func rawToken(hdr, claims, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(hdr)) + "." + enc([]byte(claims)) + "." + sig
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
