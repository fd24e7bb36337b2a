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

// MaxJWKSKeys is the most keys ParseJWKS reads from one document.
const MaxJWKSKeys = 100

// jwkMembers are the members of a JWK that ParseJWKS reads.
var jwkMembers = []string{"kty", "use", "alg", "kid", "crv", "x", "y", "n", "e"}

// ParseJWKS reads a JWK Set document (RFC 7517 section 5) that another
// issuer publishes and returns the verify-only keys it can verify with,
// in document order: RSA keys of at least MinRSABits (RS256, or PS256
// when their alg says so), P-256 keys (ES256) and Ed25519 keys (EdDSA),
// each with a kid. Keys of another type, curve or algorithm, keys for
// encryption (use "enc"), keys without a valid kid and RSA keys that are
// too small are left out, since a set may well hold keys for other
// parties; a set of no usable key is an empty slice, not an error.
//
// The document is read as strictly as a token: a JSON object whose keys
// member is an array of objects, with no member given twice or named like
// a known one in another case, and string members; every number in base64url
// without padding. Anything else is ErrMalformed, more than MaxJWKSKeys
// keys ErrTooLarge, and two usable keys with one kid ErrDuplicateKey.
func ParseJWKS(doc []byte) ([]*Key, error) {
	var list json.RawMessage
	err := strictObject(doc, []string{"keys"}, func(string) any { return &list })
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if len(list) == 0 || list[0] != '[' || json.Unmarshal(list, &raws) != nil {
		return nil, fmt.Errorf("%w: JWK Set without a keys array", ErrMalformed)
	}
	if len(raws) > MaxJWKSKeys {
		return nil, fmt.Errorf("%w: %d keys, limit %d", ErrTooLarge, len(raws), MaxJWKSKeys)
	}
	var keys []*Key
	for i, raw := range raws {
		k, err := parseJWK(raw)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		if k == nil {
			continue
		}
		if slices.ContainsFunc(keys, func(o *Key) bool { return o.id == k.id }) {
			return nil, fmt.Errorf("%w: two keys with kid %q", ErrDuplicateKey, k.id)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// parseJWK reads one member of a set's keys: its key, or nil for a key
// ParseJWKS leaves out.
func parseJWK(raw []byte) (*Key, error) {
	var j [9]headerString // in jwkMembers order
	err := strictObject(raw, jwkMembers, func(name string) any { return &j[slices.Index(jwkMembers, name)] })
	if err != nil {
		return nil, err
	}
	kty, use, alg, kid, crv := string(j[0]), string(j[1]), Algorithm(j[2]), string(j[3]), string(j[4])
	if (use != "" && use != "sig") || checkKID(kid) != nil {
		return nil, nil
	}
	var pub any
	switch {
	case kty == "RSA" && (alg == "" || alg == RS256 || alg == PS256):
		ne, err := numbers(j[7], j[8])
		if err != nil {
			return nil, err
		}
		exp := new(big.Int).SetBytes(ne[1])
		if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 || exp.Bit(0) == 0 {
			return nil, fmt.Errorf("%w: RSA exponent out of range", ErrInvalidKey)
		}
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(ne[0]), E: int(exp.Int64())}
	case kty == "EC" && crv == "P-256" && (alg == "" || alg == ES256):
		xy, err := numbers(j[5], j[6])
		if err != nil {
			return nil, err
		}
		if len(xy[0]) != 32 || len(xy[1]) != 32 {
			return nil, fmt.Errorf("%w: P-256 coordinates must be 32 bytes each", ErrInvalidKey)
		}
		if _, err := ecdh.P256().NewPublicKey(append(append([]byte{4}, xy[0]...), xy[1]...)); err != nil {
			return nil, fmt.Errorf("%w: the point is not on P-256", ErrInvalidKey)
		}
		pub = &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(xy[0]), Y: new(big.Int).SetBytes(xy[1])}
	case kty == "OKP" && crv == "Ed25519" && (alg == "" || alg == EdDSA):
		x, err := numbers(j[5])
		if err != nil {
			return nil, err
		}
		pub = ed25519.PublicKey(x[0])
	default:
		return nil, nil
	}
	if r, ok := pub.(*rsa.PublicKey); ok && r.N.BitLen() < MinRSABits {
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
