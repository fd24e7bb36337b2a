package bench

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// signingInput is a token-sized message: the header and claims of an access
// token shaped like ours, base64url-encoded and joined by a dot, which is
// what a JWS signature covers.
var signingInput = func() []byte {
	header, _ := json.Marshal(map[string]string{"alg": "EdDSA", "kid": "k1", "typ": "at+jwt"})
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	claims, _ := json.Marshal(map[string]any{
		"iss":       tokenIssuer,
		"sub":       clientID,
		"aud":       audience,
		"exp":       now + int64(tokenTTL/time.Second),
		"iat":       now,
		"jti":       "0123456789abcdef0123456789abcdef",
		"client_id": clientID,
		"scope":     scopeRead + " " + scopeWrite,
		"account":   "AC0123456789abcdef0123456789abcdef",
		"region":    "us1",
		"secret_id": "0123456789abcdef",
	})
	enc := base64.RawURLEncoding
	return []byte(enc.EncodeToString(header) + "." + enc.EncodeToString(claims))
}()

// signed keeps the floor results alive so that the compiler cannot drop
// the work.
var signed []byte

// floorReply is the fixed body of the bare HTTP round trip.
var floorReply = []byte(`{"access_token":"x","token_type":"Bearer","expires_in":3600}`)

// floorHandler does what every token endpoint must do and nothing more:
// parse the form and the basic credentials, write a fixed JSON reply.
var floorHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") == "" {
		http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
		return
	}
	if _, _, ok := r.BasicAuth(); !ok {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(floorReply)
})

// BenchmarkFloor is the cost below which no row can go: the bare signature
// operations over a token-sized message, one HMAC-SHA256 of it, and the
// bare httptest round trip of a token request.
func BenchmarkFloor(b *testing.B) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	sig := ed25519.Sign(priv, signingInput)
	pub := priv.Public().(ed25519.PublicKey)
	hmacKey := make([]byte, 32)
	if _, err := rand.Read(hmacKey); err != nil {
		b.Fatal(err)
	}

	b.Run("Ed25519-Sign", func(b *testing.B) {
		b.ReportAllocs()
		m := startCPU(b)
		for range b.N {
			signed = ed25519.Sign(priv, signingInput)
		}
		m.Stop()
	})
	b.Run("Ed25519-Verify", func(b *testing.B) {
		b.ReportAllocs()
		m := startCPU(b)
		for range b.N {
			if !ed25519.Verify(pub, signingInput, sig) {
				b.Fatal("signature does not verify")
			}
		}
		m.Stop()
	})
	b.Run("ES256-Verify", func(b *testing.B) {
		// What every ES256 validation must do: hash the signing input and
		// verify one P-256 signature.
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256(signingInput)
		esSig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		m := startCPU(b)
		for range b.N {
			d := sha256.Sum256(signingInput)
			if !ecdsa.VerifyASN1(&key.PublicKey, d[:], esSig) {
				b.Fatal("signature does not verify")
			}
		}
		m.Stop()
	})
	b.Run("HMAC-SHA256", func(b *testing.B) {
		b.ReportAllocs()
		m := startCPU(b)
		for range b.N {
			mac := hmac.New(sha256.New, hmacKey)
			mac.Write(signingInput)
			signed = mac.Sum(signed[:0])
		}
		m.Stop()
	})
	b.Run("HTTP-Form-JSON", func(b *testing.B) {
		b.ReportAllocs()
		m := startCPU(b)
		for range b.N {
			serveToken(b, floorHandler, peerClient)
		}
		m.Stop()
	})
}
