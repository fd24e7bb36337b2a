package secret

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

const (
	sha256Name   = "sha256"
	sha256Prefix = "$" + sha256Name + "$"
)

var sha256Encoding = base64.RawStdEncoding

// SHA256 is the default Hasher: one SHA-256 of the secret, stored as
// "$sha256$<digest in unpadded base64>". The zero value is ready to use.
//
// It has no salt and no work factor, and needs neither: a client secret is
// 280 uniformly random bits, so no dictionary or precomputed table can hold
// it and no brute force can reach it, and a slow KDF would only add
// milliseconds to every token request. Compare costs one SHA-256 of the
// 77-byte secret (a fraction of a microsecond) and runs in constant time.
type SHA256 struct{}

// Hash returns the encoded SHA-256 of s. It fails only for the zero Secret.
func (SHA256) Hash(s Secret) (string, error) {
	if s.v == nil {
		return "", fmt.Errorf("%w: no secret to hash", ErrMalformed)
	}
	sum := sha256.Sum256(s.v[:])
	return sha256Prefix + sha256Encoding.EncodeToString(sum[:]), nil
}

// Compare reports whether s is the secret behind encoded, which may be a
// hash of any Hasher of this package.
func (SHA256) Compare(encoded string, s Secret) bool { return compare(encoded, s) }

// NeedsRehash reports whether encoded is not a SHA-256 hash, so that a
// secret verified against it should be hashed anew with SHA256 (see
// Rehasher). It reads only the prefix and allocates nothing.
func (SHA256) NeedsRehash(encoded string) bool {
	return len(encoded) < len(sha256Prefix) || encoded[:len(sha256Prefix)] != sha256Prefix
}

func compareSHA256(encoded string, s Secret) bool {
	want, ok := sha256Digest(encoded)
	if !ok {
		return false
	}
	sum := sha256.Sum256(s.v[:])
	var got [sha256DigestLen]byte
	sha256Encoding.Encode(got[:], sum[:])
	return equal(got[:], want)
}

// sha256DigestLen is the length of a SHA-256 digest in unpadded base64.
const sha256DigestLen = (sha256.Size*8 + 5) / 6

// sha256Digest returns the base64 digest of an encoded SHA-256 hash, or
// false if encoded does not have its shape. It does not decode the digest:
// Compare needs only the text, and a digest that is not canonical base64
// can never equal the one Compare computes.
func sha256Digest(encoded string) (string, bool) {
	if len(encoded) != len(sha256Prefix)+sha256DigestLen || encoded[:len(sha256Prefix)] != sha256Prefix {
		return "", false
	}
	return encoded[len(sha256Prefix):], true
}

// checkSHA256 reports whether encoded is a readable SHA-256 hash.
func checkSHA256(encoded string) bool {
	digest, ok := sha256Digest(encoded)
	if !ok {
		return false
	}
	_, err := sha256Encoding.Strict().DecodeString(digest)
	return err == nil
}
