package secret

import (
	"crypto/subtle"
	"fmt"
	"strings"
)

// Hasher turns secrets into stored hashes and checks secrets against them.
//
// Hash returns a self-describing encoding, "$<algorithm>$..." in the style
// of the PHC string format, that names the algorithm and its parameters.
// Compare reports whether s is the secret behind encoded; it must take the
// same time however much of the hash matches, and return false, not panic,
// for an encoding it cannot read.
//
// The hashers of this package (SHA256, Argon2id) Compare every encoding of
// either of them, whichever made it, so a deployment can switch hashers
// at once: new secrets get the new algorithm and old hashes keep
// verifying. An old hash stays until its secret is rotated away or, with
// Credentials.Rehash, until the secret is next presented (the only moment
// its new hash can be made); see Rehasher. SHA256 is the default: these
// secrets are uniformly random with 280 bits of entropy, so a slow
// key-derivation function has nothing to protect, while its cost (tens of
// milliseconds) would be paid by the token endpoint on every request.
// Argon2id is for deployments whose policy demands a KDF. A Hasher of its
// own can wrap one of them to add algorithms, or to count comparisons in
// a test.
type Hasher interface {
	// Hash returns a new self-describing hash of s.
	Hash(s Secret) (encoded string, err error)
	// Compare reports, in constant time, whether s is the secret behind
	// encoded.
	Compare(encoded string, s Secret) bool
}

// compare checks s against a hash of any algorithm this package knows.
func compare(encoded string, s Secret) bool {
	if s.v == nil {
		return false
	}
	switch algorithm(encoded) {
	case sha256Name:
		return compareSHA256(encoded, s)
	case argon2idName:
		return compareArgon2id(encoded, s)
	}
	return false
}

// checkEncoding reports what is wrong with a stored hash, or nil. The
// hashes of this package are read in full; another algorithm's need only be
// self-describing, as a Hasher of the caller's own may read them.
func checkEncoding(encoded string) error {
	switch algorithm(encoded) {
	case "":
		return fmt.Errorf("%w: hash is not \"$<algorithm>$...\"", ErrInvalidRecord)
	case sha256Name:
		if !checkSHA256(encoded) {
			return fmt.Errorf("%w: unreadable %s hash", ErrInvalidRecord, sha256Name)
		}
	case argon2idName:
		if _, err := parseArgon2id(encoded); err != nil {
			return fmt.Errorf("%w: unreadable %s hash: %w", ErrInvalidRecord, argon2idName, err)
		}
	}
	return nil
}

// algorithm returns the name in "$name$rest", or "" if encoded does not
// have that shape (a name of lower-case letters, digits and '-', and a
// non-empty rest).
func algorithm(encoded string) string {
	rest, ok := strings.CutPrefix(encoded, "$")
	if !ok {
		return ""
	}
	name, tail, ok := strings.Cut(rest, "$")
	if !ok || name == "" || tail == "" {
		return ""
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return ""
		}
	}
	return name
}

// equal reports whether a and b are equal, in time that depends only on
// their lengths.
func equal(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := range a {
		v |= a[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}
