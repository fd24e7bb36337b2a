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

// jwkOf says where parseJWK reads a JWK from, and so by which rules.
type jwkOf int

const (
	// jwkInSet is a member of another issuer's JWK Set (ParseJWKS). A
	// key without a valid kid, for encryption (use "enc"), of a type,
	// curve or alg this package does not verify with, or an RSA key
	// shorter than MinRSABits is left out: nil, no error, since a set
	// may hold keys for other parties. Private members are not read.
	jwkInSet jwkOf = iota
	// jwkInProof is the jwk of a DPoP proof's header (RFC 9449 section
	// 4.3). The key is named by its thumbprint, so it needs no kid, and
	// its use and alg are not read (the header's alg is the one that
	// counts). A private member (check 7) and a key this package cannot
	// verify with are ErrInvalidKey, and an RSA number must have no
	// leading zero byte, so that the thumbprint is the one the client
	// computes from its JWK.
	jwkInProof
)

// jwkMembers are the members of a JWK that parseJWK knows (RFC 7517
// section 4, RFC 7518 section 6, RFC 8037 section 2), the public ones
// first, then from jwkPrivate on those of a private or symmetric key.
var jwkMembers = []string{"kty", "use", "alg", "kid", "crv", "x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi", "oth", "k"}

const jwkPrivate = 9

// jwkKid is the kid of a key read from a proof's jwk, which names none
// that counts: such keys are named by their thumbprint.
const jwkKid = "jwk"

// parseJWK reads the public key of the JSON object raw, a JWK as RFC 7517
// writes it, by the rules of of: strictly in any case (no member given
// twice or named like a known one in another case, string members, every
// number in base64url without padding: else ErrMalformed), as one of the
// keys this package verifies with, an RSA key of at least MinRSABits with
// an odd exponent from 3 to 2^31-1, a P-256 key whose point is on the
// curve, or an Ed25519 key (else ErrInvalidKey, or nil for a key a set
// may leave out). The key verifies only.
func parseJWK(raw []byte, of jwkOf) (*Key, error) {
	var j [jwkPrivate]headerString // in jwkMembers order
	private := false
	err := strictObject(raw, jwkMembers, func(name string) any {
		i := slices.Index(jwkMembers, name)
		if i >= jwkPrivate {
			private = true
			return nil
		}
		return &j[i]
	})
	if err != nil {
		return nil, err
	}
	kty, use, alg, kid, crv := string(j[0]), string(j[1]), Algorithm(j[2]), string(j[3]), string(j[4])
	proof := of == jwkInProof
	switch {
	case proof && private:
		return nil, fmt.Errorf("%w: the jwk holds a private key", ErrInvalidKey)
	case proof:
		use, alg, kid = "", "", jwkKid
	case (use != "" && use != "sig") || checkKID(kid) != nil:
		return nil, nil
	}
	var pub any
	switch {
	case kty == "RSA" && (alg == "" || alg == RS256 || alg == PS256):
		pub, err = jwkRSA(j[7], j[8], proof)
	case kty == "EC" && crv == "P-256" && (alg == "" || alg == ES256):
		pub, err = jwkP256(j[5], j[6])
	case kty == "OKP" && crv == "Ed25519" && (alg == "" || alg == EdDSA):
		x, err := numbers(j[5])
		if err != nil {
			return nil, err
		}
		pub = ed25519.PublicKey(x[0])
	case proof:
		return nil, fmt.Errorf("%w: a jwk must be an Ed25519 (OKP), P-256 (EC) or RSA public key", ErrInvalidKey)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if r, ok := pub.(*rsa.PublicKey); ok && r.N.BitLen() < MinRSABits && !proof {
		return nil, nil
	}
	k, err := newPublicKey(kid, nil, pub)
	if err != nil {
		return nil, err
	}
	if alg == PS256 {
		return k.WithAlgorithm(PS256)
	}
	return k, nil
}

// jwkRSA is the RSA public key of a JWK's n and e: e an odd number from 3
// to 2^31-1, and in a proof neither with leading zeros.
func jwkRSA(n, e headerString, proof bool) (*rsa.PublicKey, error) {
	ne, err := numbers(n, e)
	if err != nil {
		return nil, err
	}
	if proof && (ne[0][0] == 0 || ne[1][0] == 0) {
		return nil, fmt.Errorf("%w: a jwk number has leading zeros", ErrInvalidKey)
	}
	exp := new(big.Int).SetBytes(ne[1])
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 || exp.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: RSA exponent is not an odd number from 3 to 2^31-1", ErrInvalidKey)
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(ne[0]), E: int(exp.Int64())}, nil
}

// jwkP256 is the P-256 public key of a JWK's x and y, a point on the
// curve.
func jwkP256(x, y headerString) (*ecdsa.PublicKey, error) {
	xy, err := numbers(x, y)
	if err != nil {
		return nil, err
	}
	if len(xy[0]) != 32 || len(xy[1]) != 32 {
		return nil, fmt.Errorf("%w: P-256 coordinates must be 32 bytes each", ErrInvalidKey)
	}
	if _, err := ecdh.P256().NewPublicKey(slices.Concat([]byte{4}, xy[0], xy[1])); err != nil {
		return nil, fmt.Errorf("%w: the point is not on P-256", ErrInvalidKey)
	}
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(xy[0]), Y: new(big.Int).SetBytes(xy[1])}, nil
}

// numbers decodes the base64url members of a JWK that hold numbers or
// octets, none of them empty.
func numbers(members ...headerString) ([][]byte, error) {
	out := make([][]byte, len(members))
	for i, m := range members {
		b, err := base64.RawURLEncoding.Strict().DecodeString(string(m))
		if err != nil || len(b) == 0 {
			return nil, fmt.Errorf("%w: a key number is not base64url", ErrMalformed)
		}
		out[i] = b
	}
	return out, nil
}

// jsonObject reports whether the raw JSON value is an object.
func jsonObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }
