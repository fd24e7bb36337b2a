package token

import (
	"encoding/json"
	"fmt"
	"slices"
)

// MaxJWKSKeys is the most keys ParseJWKS reads from one document.
const MaxJWKSKeys = 100

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
		k, err := parseJWK(raw, jwkInSet)
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
