package interop_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oauthapps/oauthapps/token"
)

// FuzzValidateAgreesWithGoJose checks token.Validator against go-jose v4,
// an implementation that shares no code with golang-jwt, on the same
// inputs. Whatever Validate accepts, go-jose verifies under the key the
// kid names (restricted to that key's algorithm) and reads the same
// claims from; whatever Validate refuses as badly signed, go-jose does
// not verify either.
func FuzzValidateAgreesWithGoJose(f *testing.F) {
	ed, hs := goJoseFuzzKeys(f)
	keys, err := token.NewKeySet(ed, hs)
	if err != nil {
		f.Fatal(err)
	}
	const iss, aud = "https://auth.example.com", "https://api.example.com"
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	v, err := token.NewValidator(keys, iss, aud)
	if err != nil {
		f.Fatal(err)
	}
	req := token.MintRequest{ClientID: "OQ0123456789abcdef0123456789abcdef", Scope: "/a/b/c/d", AccountSID: "AC1", Region: "us1", SecretID: "SK1"}
	for _, k := range []*token.Key{ed, hs} {
		ks, err := token.NewKeySet(k)
		if err != nil {
			f.Fatal(err)
		}
		m, err := token.NewMinter(ks, iss, aud)
		if err != nil {
			f.Fatal(err)
		}
		raw, _, err := m.Mint(now, req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		f.Add(raw[:len(raw)-2])
		f.Add(strings.Replace(raw, ".", ".e30", 1))
	}
	algOf := map[string]jose.SignatureAlgorithm{"ed": jose.EdDSA, "hs": jose.HS256}
	verifyKey := map[string]any{"ed": ed.PublicKey(), "hs": hs.HMACSecret()}

	f.Fuzz(func(t *testing.T, raw string) {
		got, err := v.Validate(now, raw)
		kid := kidOf(raw)
		alg, known := algOf[kid]
		var payload []byte
		var joseErr error = errors.New("no key of ours")
		if known {
			var jws *jose.JSONWebSignature
			if jws, joseErr = jose.ParseSigned(raw, []jose.SignatureAlgorithm{alg}); joseErr == nil {
				payload, joseErr = jws.Verify(verifyKey[kid])
			}
		}
		switch {
		case err == nil:
			if joseErr != nil {
				t.Fatalf("Validate accepted %q, which go-jose does not verify: %v", raw, joseErr)
			}
			sameClaims(t, got, payload)
		case errors.Is(err, token.ErrSignature) && !strings.ContainsAny(raw, "\r\n"):
			// base64 decoders skip line breaks; Validate refuses them.
			if joseErr == nil {
				t.Fatalf("Validate refused %q as badly signed; go-jose verifies it", raw)
			}
		}
	})
}

// kidOf reads the kid of a compact JWS with encoding/json, "" when there
// is none.
func kidOf(raw string) string {
	hdr, _, _ := strings.Cut(raw, ".")
	var h struct {
		Kid string `json:"kid"`
	}
	b, err := base64.RawURLEncoding.DecodeString(hdr)
	if err != nil || json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Kid
}

// sameClaims checks that the claims Validate returned are those of the
// payload go-jose verified, read with encoding/json.
func sameClaims(t *testing.T, got token.Claims, payload []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatalf("go-jose's payload is not JSON: %v", err)
	}
	str := func(name string) string { s, _ := m[name].(string); return s }
	date := func(name string) time.Time {
		f, ok := m[name].(float64)
		if !ok {
			return time.Time{}
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	var aud []string
	switch a := m["aud"].(type) {
	case string:
		aud = []string{a}
	case []any:
		for _, x := range a {
			s, _ := x.(string)
			aud = append(aud, s)
		}
	}
	want := token.Claims{
		Issuer: str("iss"), Subject: str("sub"), Audience: aud,
		ExpiresAt: date("exp"), IssuedAt: date("iat"), NotBefore: date("nbf"),
		ID: str("jti"), ClientID: str("client_id"), Scope: str("scope"),
		AccountSID: str("account_sid"), Region: str("region"), SecretID: str("secret_id"),
	}
	if got.Issuer != want.Issuer || got.Subject != want.Subject || strings.Join(got.Audience, "\x00") != strings.Join(want.Audience, "\x00") ||
		!got.ExpiresAt.Equal(want.ExpiresAt) || !got.IssuedAt.Equal(want.IssuedAt) || !got.NotBefore.Equal(want.NotBefore) ||
		got.ID != want.ID || got.ClientID != want.ClientID || got.Scope != want.Scope ||
		got.AccountSID != want.AccountSID || got.Region != want.Region || got.SecretID != want.SecretID {
		t.Fatalf("Validate read\n%+v\ngo-jose's payload holds\n%+v", got, want)
	}
}

// goJoseFuzzKeys returns fixed EdDSA ("ed") and HS256 ("hs") keys, so that
// checked-in seeds stay meaningful.
func goJoseFuzzKeys(t testing.TB) (ed, hs *token.Key) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed([]byte(strings.Repeat("fuzz-ed25519-seed", 2)[:32])))
	if err != nil {
		t.Fatal(err)
	}
	if ed, err = token.ParsePrivateKeyPEM("ed", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
		t.Fatal(err)
	}
	if hs, err = token.NewHMACKey("hs", []byte(strings.Repeat("fuzz-hmac-secret", 2))); err != nil {
		t.Fatal(err)
	}
	return ed, hs
}
