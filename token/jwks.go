package token

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
)

// JWK is the public form of one key (RFC 7517 section 4; members by key
// type from RFC 7518 section 6 and RFC 8037 section 2).
type JWK struct {
	KeyType   string `json:"kty"`           // "OKP", "EC" or "RSA"
	Use       string `json:"use"`           // always "sig"
	Algorithm string `json:"alg"`           // EdDSA, ES256 or RS256
	KeyID     string `json:"kid"`           // the key's kid
	Curve     string `json:"crv,omitempty"` // "Ed25519" or "P-256"
	X         string `json:"x,omitempty"`   // OKP public key, or EC x
	Y         string `json:"y,omitempty"`   // EC y
	N         string `json:"n,omitempty"`   // RSA modulus
	E         string `json:"e,omitempty"`   // RSA public exponent
}

// JWKS is a JWK Set document (RFC 7517 section 5).
type JWKS struct {
	// Keys are the set's public keys (RFC 7517 section 5.1); Document puts
	// the signing key first and leaves HS256 keys out.
	Keys []JWK `json:"keys"`
}

// JWK returns the public JWK of k, or false for an HS256 key, which has no
// public form and is never published.
func (k *Key) JWK() (JWK, bool) {
	j := JWK{Use: "sig", Algorithm: string(k.alg), KeyID: k.id}
	b64 := base64.RawURLEncoding.EncodeToString
	switch p := k.secret().verify.(type) {
	case ed25519.PublicKey:
		j.KeyType, j.Curve, j.X = "OKP", "Ed25519", b64(p)
	case *ecdsa.PublicKey:
		pt, err := p.ECDH() // uncompressed point: 0x04 || x || y
		if err != nil {
			return JWK{}, false // unreachable: the curve was checked on load
		}
		b := pt.Bytes() // P-256: 32 bytes each
		j.KeyType, j.Curve, j.X, j.Y = "EC", "P-256", b64(b[1:33]), b64(b[33:])
	case *rsa.PublicKey:
		j.KeyType, j.N, j.E = "RSA", b64(p.N.Bytes()), b64(big.NewInt(int64(p.E)).Bytes())
	default:
		return JWK{}, false
	}
	return j, true
}

// Thumbprint returns the JWK thumbprint of k (RFC 7638): the SHA-256 of
// the required members of its public JWK, in lexicographic order without
// white space, in base64url. It names a public key whatever its kid, so
// two keys have the same thumbprint exactly when they are the same public
// key. An HS256 key, which has no public form, has none: "".
func (k *Key) Thumbprint() string {
	j, ok := k.JWK()
	if !ok {
		return ""
	}
	// The required members of each key type (RFC 7638 section 3.2, RFC
	// 8037 section 2) in lexicographic order; their values are base64url
	// or fixed names, which encoding/json writes without escapes.
	var members any
	switch j.KeyType {
	case "RSA":
		members = struct {
			E   string `json:"e"`
			Kty string `json:"kty"`
			N   string `json:"n"`
		}{j.E, j.KeyType, j.N}
	case "EC":
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{j.Curve, j.KeyType, j.X, j.Y}
	default: // OKP
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{j.Curve, j.KeyType, j.X}
	}
	text, _ := json.Marshal(members) // strings always encode
	sum := sha256.Sum256(text)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Document returns the set's public keys as a JWKS, the signing key first
// and HS256 keys left out.
func (ks *KeySet) Document() JWKS {
	keys := ks.Keys()
	doc := JWKS{Keys: make([]JWK, 0, len(keys))}
	for _, k := range keys {
		if j, ok := k.JWK(); ok {
			doc.Keys = append(doc.Keys, j)
		}
	}
	return doc
}

// JWKS returns Document as JSON, ready to serve as
// application/jwk-set+json.
func (ks *KeySet) JWKS() ([]byte, error) { return json.Marshal(ks.Document()) }
