package token

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
)

// jwkPublicNames are the JWK members parseProofJWK reads (RFC 7518 section 6,
// RFC 8037 section 2); jwkPrivateNames those of a private key, which a
// public JWK must not hold (RFC 9449 section 4.3, check 7).
var (
	jwkPublicNames  = []string{"kty", "crv", "x", "y", "n", "e"}
	jwkPrivateNames = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
	jwkNames        = slices.Concat(jwkPublicNames, jwkPrivateNames)
)

// jwkKid is the kid of a key read from a JWK, which names none that
// counts: keys read this way are named by their thumbprint.
const jwkKid = "jwk"

// parseProofJWK reads the public key of the JSON object data, a JWK as RFC
// 7517 writes it, strictly: no member given twice or named like a known
// one in another case (ErrMalformed), no private member (ErrInvalidKey),
// and one of the keys this package verifies with, an Ed25519 key (OKP), a
// P-256 key (EC) or an RSA key of at least MinRSABits, its members in
// their canonical base64url form, so that its thumbprint is the one the
// client computes (ErrInvalidKey). The key verifies only.
func parseProofJWK(data []byte) (*Key, error) {
	var m [6]headerString // as jwkPublicNames
	private := false
	err := strictObject(data, jwkNames, func(name string) any {
		if i := slices.Index(jwkPublicNames, name); i >= 0 {
			return &m[i]
		}
		private = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	if private {
		return nil, fmt.Errorf("%w: the jwk holds a private key", ErrInvalidKey)
	}
	kty, crv, x, y, n, e := string(m[0]), string(m[1]), string(m[2]), string(m[3]), string(m[4]), string(m[5])
	switch {
	case kty == "OKP" && crv == "Ed25519":
		pub, err := jwkBytes(x, ed25519.PublicKeySize)
		if err != nil {
			return nil, err
		}
		return newPublicKey(jwkKid, nil, ed25519.PublicKey(pub))
	case kty == "EC" && crv == "P-256":
		pub, err := jwkPoint(x, y)
		if err != nil {
			return nil, err
		}
		return newPublicKey(jwkKid, nil, pub)
	case kty == "RSA":
		pub, err := jwkRSA(n, e)
		if err != nil {
			return nil, err
		}
		return newPublicKey(jwkKid, nil, pub)
	}
	return nil, fmt.Errorf("%w: a jwk must be an Ed25519 (OKP), P-256 (EC) or RSA public key", ErrInvalidKey)
}

// jwkBytes decodes a base64url member that must be exactly size bytes
// long (size 0: any length but none, without leading zero bytes).
func jwkBytes(member string, size int) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(member)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: a jwk member is not base64url", ErrInvalidKey)
	case size > 0 && len(b) != size:
		return nil, fmt.Errorf("%w: a jwk member of %d bytes, want %d", ErrInvalidKey, len(b), size)
	case size == 0 && (len(b) == 0 || b[0] == 0):
		return nil, fmt.Errorf("%w: a jwk number is empty or has leading zeros", ErrInvalidKey)
	}
	return b, nil
}

// jwkPoint is the P-256 public key of the coordinates x and y, which
// crypto/ecdh checks lie on the curve.
func jwkPoint(x, y string) (*ecdsa.PublicKey, error) {
	xb, err := jwkBytes(x, 32)
	if err != nil {
		return nil, err
	}
	yb, err := jwkBytes(y, 32)
	if err != nil {
		return nil, err
	}
	if _, err := ecdh.P256().NewPublicKey(slices.Concat([]byte{4}, xb, yb)); err != nil {
		return nil, fmt.Errorf("%w: the jwk's point is not on P-256", ErrInvalidKey)
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(xb), Y: new(big.Int).SetBytes(yb)}, nil
}

// jwkRSA is the RSA public key of the modulus n and the exponent e: an
// odd exponent from 3 to 2^31-1 (what crypto/rsa verifies with).
func jwkRSA(n, e string) (*rsa.PublicKey, error) {
	nb, err := jwkBytes(n, 0)
	if err != nil {
		return nil, err
	}
	eb, err := jwkBytes(e, 0)
	if err != nil {
		return nil, err
	}
	exp := new(big.Int).SetBytes(eb)
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 || exp.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: the jwk's RSA exponent is not an odd number from 3 to 2^31-1", ErrInvalidKey)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: int(exp.Int64())}, nil
}

// jsonObject reports whether the raw JSON value is an object.
func jsonObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }
