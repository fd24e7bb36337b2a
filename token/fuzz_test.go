package token_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
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

// FuzzVerifyAssertion: no string panics VerifyAssertion; the key function
// runs at most once, and only for an assertion the strict reading and the
// rules accept; every failure is one of the sentinels; what verifies was
// signed by the fixed key (seeds: a good assertion, and the same signed
// with a member given twice, a crit header and an aud array).
func FuzzVerifyAssertion(f *testing.F) {
	ed, _ := fuzzKeys(f)
	priv := signingKey(f, ed).(ed25519.PrivateKey)
	good := mustJSON(f, assertionClaims())
	hdr := `{"alg":"EdDSA","kid":"ed","typ":"JWT"}`
	f.Add(signRaw(priv, hdr, good))
	f.Add(signRaw(priv, hdr, good[:len(good)-1]+`,"jti":"again"}`))
	f.Add(signRaw(priv, `{"alg":"EdDSA","kid":"ed","crit":["b64"],"b64":false}`, good))
	f.Add(signRaw(priv, hdr, strings.Replace(good, `"aud":"`+tokenEndpoint+`"`, `"aud":["`+tokenEndpoint+`"]`, 1)))
	errs := append([]error{token.ErrLifetime}, validationErrors...)
	f.Fuzz(func(t *testing.T, raw string) {
		calls := 0
		a, err := token.VerifyAssertion(t0, raw, assertionRules, func(a *token.Assertion) (*token.Key, error) {
			calls++
			if a.Algorithm != token.EdDSA || a.ExpiresAt.IsZero() || a.ID == "" || (a.Audience != testIssuer && a.Audience != tokenEndpoint) {
				t.Fatalf("the key function saw an assertion the rules refuse: %+v", a)
			}
			return ed, nil
		})
		if calls > 1 {
			t.Fatalf("the key function ran %d times", calls)
		}
		if err == nil && !signedBy(raw, ed.PublicKey().(ed25519.PublicKey)) {
			t.Fatalf("verified without the key's signature: %+v", a)
		}
		wrapsOneOf(t, err, errs)
	})
}

// fuzzProofKey is the fixed Ed25519 key of FuzzVerifyProof's seeds.
var fuzzProofKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

// FuzzVerifyProof: no input panics; a proof VerifyProof accepts is signed
// by the key of its own jwk; every refusal wraps one of the package's
// errors.
func FuzzVerifyProof(f *testing.F) {
	f.Add("not.a.proof")
	rules := token.ProofRules{Method: "POST", URL: proofURL, MaxAge: time.Minute, Leeway: 5 * time.Second}
	errs := append([]error{token.ErrInvalidKey, token.ErrProofMethod, token.ErrProofURL, token.ErrProofTokenHash}, validationErrors...)
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := token.VerifyProof(t0, raw, rules)
		if err == nil && (p.Thumbprint != fuzzThumbprint || !signedBy(raw, fuzzProofKey.Public().(ed25519.PublicKey))) {
			t.Fatalf("verified without the key's signature: %+v", p)
		}
		wrapsOneOf(t, err, errs)
	})
}

// signedBy reports whether the compact JWS raw carries pub's Ed25519
// signature of its first two parts.
func signedBy(raw string, pub ed25519.PublicKey) bool {
	parts := strings.Split(raw, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	return ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig)
}

// wrapsOneOf fails t unless err is nil or wraps one of errs, the
// package's errors a fuzz target's refusals may have.
func wrapsOneOf(t *testing.T, err error, errs []error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, want := range errs {
		if errors.Is(err, want) {
			return
		}
	}
	t.Fatalf("error %v wraps none of the package's errors", err)
}

// fuzzThumbprint is the RFC 7638 thumbprint of fuzzProofKey.
var fuzzThumbprint = func() string {
	x := base64.RawURLEncoding.EncodeToString(fuzzProofKey.Public().(ed25519.PublicKey))
	return token.TokenHash(`{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`)
}()
