package token_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// fuzzValidator returns a validator over two fixed keys (kid "ed" for EdDSA,
// "hs" for HS256), so checked-in seeds stay meaningful, and one expired
// token per key, valid in every other way.
func fuzzValidator(t testing.TB) (*token.Validator, []string) {
	t.Helper()
	ed, hs := fuzzKeys(t)
	var expired []string
	for _, k := range []*token.Key{ed, hs} {
		ks, err := token.NewKeySet(k)
		require.NoError(t, err)
		m, err := token.NewMinter(ks, testIssuer, testAudience)
		require.NoError(t, err)
		raw, _, err := m.Mint(t0.Add(-2*time.Hour), sampleRequest)
		require.NoError(t, err)
		expired = append(expired, raw)
	}
	ks, err := token.NewKeySet(ed, hs)
	require.NoError(t, err)
	v, err := token.NewValidator(ks, testIssuer, testAudience)
	require.NoError(t, err)
	return v, expired
}

var validationErrors = []error{
	token.ErrTooLarge, token.ErrMalformed, token.ErrAlgorithm, token.ErrUnknownKey,
	token.ErrSignature, token.ErrType, token.ErrMissingClaim, token.ErrExpired,
	token.ErrNotYetValid, token.ErrIssuer, token.ErrAudience,
}

// FuzzValidate: no string panics Validate or validates without the keys;
// every failure is one of the validation sentinels.
func FuzzValidate(f *testing.F) {
	v, expired := fuzzValidator(f)
	for _, raw := range expired {
		f.Add(raw)
		parts := strings.Split(raw, ".")
		f.Add(parts[0] + "." + parts[1] + ".")
	}
	f.Add("")
	f.Add("..")
	f.Add(rawToken(`{"alg":"none","kid":"ed","typ":"at+jwt"}`, `{}`, ""))
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := v.Validate(t0, raw)
		if err == nil {
			t.Fatalf("validated %q: %+v", raw, c)
		}
		for _, want := range validationErrors {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("error %v is not a validation sentinel", err)
	})
}

// FuzzMintVerifiesWithGolangJWT: whatever Mint accepts, an independent
// implementation (golang-jwt, with encoding/json inside) verifies with the
// key alone and reads back the same claims, for the two algorithms this
// package signs itself; long values take the path where the token does
// not fit the stack buffer.
func FuzzMintVerifiesWithGolangJWT(f *testing.F) {
	f.Add("/a/b/c/d", "AC1", "us1", "SK1", "OQ1", 3600)
	f.Add(strings.Repeat("/demo/messaging/messages/list ", 40)+"x", "é\"\\\x01", "\u2028", "", "OQ\x7f", 60)
	f.Add("", "", "", "", "c", 86400)
	ed, hs := fuzzKeys(f)
	f.Fuzz(func(t *testing.T, scope, account, region, secretID, clientID string, ttlSeconds int) {
		req := token.MintRequest{ClientID: clientID, Scope: scope, AccountSID: account, Region: region, SecretID: secretID, TTL: time.Duration(ttlSeconds) * time.Second}
		for _, k := range []*token.Key{ed, hs} {
			ks, err := token.NewKeySet(k)
			require.NoError(t, err)
			m, err := token.NewMinter(ks, testIssuer, testAudience)
			require.NoError(t, err)
			raw, c, err := m.Mint(t0, req)
			if err != nil {
				require.True(t, errors.Is(err, token.ErrRequest) || errors.Is(err, token.ErrTTL), "%v", err)
				return
			}
			verifyKey := k.PublicKey()
			if k.Symmetric() {
				verifyKey = k.HMACSecret()
			}
			claims := jwt.MapClaims{}
			_, err = jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return verifyKey, nil },
				jwt.WithValidMethods([]string{string(k.Algorithm())}), jwt.WithTimeFunc(func() time.Time { return t0 }))
			require.NoError(t, err, "%s", raw)
			require.Equal(t, clientID, claims["sub"])
			require.Equal(t, c.ID, claims["jti"])
			require.Equal(t, float64(c.ExpiresAt.Unix()), claims["exp"])
			for name, want := range map[string]string{"scope": scope, "account_sid": account, "region": region, "secret_id": secretID} {
				if want == "" {
					require.NotContains(t, claims, name)
				} else {
					require.Equal(t, want, claims[name], name)
				}
			}
		}
	})
}

// fuzzKeys returns the fixed EdDSA and HS256 keys of fuzzValidator.
func fuzzKeys(t testing.TB) (ed, hs *token.Key) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed([]byte(strings.Repeat("fuzz-ed25519-seed", 2)[:32])))
	require.NoError(t, err)
	ed, err = token.ParsePrivateKeyPEM("ed", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	require.NoError(t, err)
	hs, err = token.NewHMACKey("hs", []byte(strings.Repeat("fuzz-hmac-secret", 2)))
	require.NoError(t, err)
	return ed, hs
}
