package secret

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"hash/crc32"
)

// Prefix starts every client secret. Leak scanners match on it.
const Prefix = "oqcs_"

// Length is the length in bytes of every client secret.
const Length = len(Prefix) + idLen + 1 + bodyLen + sumLen

// Pattern is a regular expression (RE2 syntax) matching exactly the strings
// shaped like a client secret, for leak scanners. A match can still fail
// Parse on its checksum.
const Pattern = `oqcs_[a-z2-7]{8}_[a-z2-7]{63}`

const (
	idBytes   = 5  // 40 bits: tells the two slots of an app apart
	bodyBytes = 35 // 280 bits: the part nobody can guess
	idLen     = idBytes * 8 / 5
	bodyLen   = bodyBytes * 8 / 5
	sumLen    = 7 // a CRC-32 as seven base-32 digits

	idStart   = len(Prefix)
	idEnd     = idStart + idLen
	bodyStart = idEnd + 1
	sumStart  = bodyStart + bodyLen
)

// alphabet is base 32 (RFC 4648) in lower case: no padding is needed
// because both byte counts above are multiples of five, so every string of
// the right length over it is the one encoding of its bytes.
const alphabet = "abcdefghijklmnopqrstuvwxyz234567"

var (
	encoding = base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)
	digit    = digitTable()
)

func digitTable() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}

// Secret is one parsed client secret. The zero value holds no secret.
//
// A Secret never shows its value when printed, marshalled or logged; only
// Reveal returns it. It is held behind a pointer so that even a Secret in an
// unexported struct field, which fmt prints without calling methods, shows
// as an address. Secrets cannot be compared with ==, which would not run in
// constant time; compare their hashes instead.
type Secret struct {
	_ [0]func() // not comparable
	v *[Length]byte
}

// Generate returns a new client secret with 280 random bits from
// crypto/rand, a fresh public id and a checksum. It reads 40 bytes, 5 for
// the public id and 35 for the secret body, and writes them as
//
//	oqcs_<id>_<body><checksum>
//
// where id is a short public identifier (8 characters, safe to log and to
// put in a token), body the random part (56 characters) and checksum a
// CRC-32 of everything before it (7 characters). The fixed prefix and
// shape (Pattern) let leak scanners find secrets pasted where they should
// not be; the checksum lets Parse reject a mistyped or truncated secret
// without reading a store. The checksum only catches accidents; it is not
// a security measure.
func Generate() (Secret, error) {
	var raw [idBytes + bodyBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Secret{}, fmt.Errorf("secret: reading randomness: %w", err)
	}
	v := new([Length]byte)
	copy(v[:], Prefix)
	encoding.Encode(v[idStart:idEnd], raw[:idBytes])
	v[idEnd] = '_'
	encoding.Encode(v[bodyStart:sumStart], raw[idBytes:])
	putChecksum(v[sumStart:], crc32.ChecksumIEEE(v[:sumStart]))
	return Secret{v: v}, nil
}

// Parse checks that s is a client secret: the prefix, the length, the
// alphabet and the checksum, all without a store. Any single changed
// character fails. On failure the error wraps ErrMalformed and says what
// was wrong, never what s was.
func Parse(s string) (Secret, error) {
	if len(s) != Length {
		return Secret{}, fmt.Errorf("%w: want %d characters", ErrMalformed, Length)
	}
	if s[:idStart] != Prefix {
		return Secret{}, fmt.Errorf("%w: want prefix %q", ErrMalformed, Prefix)
	}
	if s[idEnd] != '_' {
		return Secret{}, fmt.Errorf("%w: want '_' after the id", ErrMalformed)
	}
	for i := idStart; i < Length; i++ {
		if i != idEnd && digit[s[i]] == 0xff {
			return Secret{}, fmt.Errorf("%w: character %d is outside [a-z2-7]", ErrMalformed, i+1)
		}
	}
	v := new([Length]byte)
	copy(v[:], s)
	sum, ok := readChecksum(s[sumStart:])
	if !ok || sum != crc32.ChecksumIEEE(v[:sumStart]) {
		return Secret{}, fmt.Errorf("%w: checksum does not match", ErrMalformed)
	}
	return Secret{v: v}, nil
}

// ID returns the secret's short public id: safe to log, to store beside the
// hash and to put in a token. It is "" for the zero Secret.
func (s Secret) ID() string {
	if s.v == nil {
		return ""
	}
	return string(s.v[idStart:idEnd])
}

// IsZero reports whether s holds no secret.
func (s Secret) IsZero() bool { return s.v == nil }

// Reveal returns the secret itself, to show once to the app's owner. It is
// the only way to get the value out of a Secret. It is "" for the zero
// Secret.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return string(s.v[:])
}

// bytes returns the secret without copying it; callers must not change it.
func (s Secret) bytes() []byte {
	if s.v == nil {
		return nil
	}
	return s.v[:]
}

// validID reports whether id could be the public id of a secret.
func validID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if digit[id[i]] == 0xff {
			return false
		}
	}
	return true
}

// putChecksum writes sum as sumLen base-32 digits, most significant first.
func putChecksum(dst []byte, sum uint32) {
	for i := sumLen - 1; i >= 0; i-- {
		dst[i] = alphabet[sum&31]
		sum >>= 5
	}
}

// readChecksum is the inverse of putChecksum. It fails on a value that does
// not fit in 32 bits, so each checksum has exactly one spelling.
func readChecksum(s string) (uint32, bool) {
	var sum uint64
	for i := 0; i < len(s); i++ {
		d := digit[s[i]]
		if d == 0xff {
			return 0, false
		}
		sum = sum<<5 | uint64(d)
	}
	if sum > 1<<32-1 {
		return 0, false
	}
	return uint32(sum), true
}
