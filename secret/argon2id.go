package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

const (
	argon2idName   = "argon2id"
	argon2idPrefix = "$" + argon2idName + "$"

	argon2SaltLen = 16
	argon2KeyLen  = 32

	// Bounds on the parameters NewArgon2id accepts and Compare will run,
	// so that a corrupt stored hash cannot make one comparison take
	// gigabytes or minutes.
	argon2MaxMemory  = 1 << 20 // KiB: 1 GiB
	argon2MaxTime    = 64
	argon2MinSaltLen = 8
	argon2MinKeyLen  = 16
	argon2MaxLen     = 64 // bytes, for salt and key
)

// Argon2id is a Hasher using Argon2id (RFC 9106) from golang.org/x/crypto,
// for deployments whose policy demands a key-derivation function for every
// stored credential. It stores hashes in the PHC string format,
// "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>", with a
// 16-byte random salt and a 32-byte key, so other Argon2 tools read them.
//
// It costs each token request tens of milliseconds and the memory
// parameter in RAM, and buys nothing against guessing a 280-bit random
// secret; prefer SHA256 unless a policy says otherwise.
//
// The zero value uses the defaults of the options (19 MiB, 2 passes, 1
// lane: the OWASP minimum); NewArgon2id sets other parameters.
type Argon2id struct {
	config
}

// NewArgon2id returns an Argon2id hasher with the given options applied to
// the defaults. It fails with ErrInvalidOption for a parameter out of
// bounds: 1 to 64 passes, 1 to 255 lanes, 8 KiB per lane to 1 GiB.
func NewArgon2id(opts ...Option) (Argon2id, error) {
	a := Argon2id{}.withDefaults()
	for _, opt := range opts {
		if err := opt(&a.config); err != nil {
			return Argon2id{}, err
		}
	}
	if err := checkArgon2(a.time, a.memory, a.threads); err != nil {
		return Argon2id{}, err
	}
	return a, nil
}

func (a Argon2id) withDefaults() Argon2id {
	if a.time == 0 {
		a.time = defaultArgon2Time
	}
	if a.memory == 0 {
		a.memory = defaultArgon2Memory
	}
	if a.threads == 0 {
		a.threads = defaultArgon2Threads
	}
	return a
}

func checkArgon2(time, memory uint32, threads uint8) error {
	switch {
	case time < 1 || time > argon2MaxTime:
		return fmt.Errorf("%w: argon2id passes must be 1 to %d", ErrInvalidOption, argon2MaxTime)
	case threads < 1:
		return fmt.Errorf("%w: argon2id lanes must be 1 to 255", ErrInvalidOption)
	case memory < 8*uint32(threads) || memory > argon2MaxMemory:
		return fmt.Errorf("%w: argon2id memory must be 8 KiB per lane to %d KiB", ErrInvalidOption, argon2MaxMemory)
	}
	return nil
}

// Hash returns the encoded Argon2id hash of s with a new random salt. It
// fails for the zero Secret, or if crypto/rand fails.
func (a Argon2id) Hash(s Secret) (string, error) {
	if s.v == nil {
		return "", fmt.Errorf("%w: no secret to hash", ErrMalformed)
	}
	a = a.withDefaults()
	if err := checkArgon2(a.time, a.memory, a.threads); err != nil {
		return "", err
	}
	salt := make([]byte, argon2SaltLen)
	if _, err := io.ReadFull(rand.Reader, salt); err != nil {
		return "", fmt.Errorf("secret: reading randomness: %w", err)
	}
	key := argon2.IDKey(s.v[:], salt, a.time, a.memory, a.threads, argon2KeyLen)
	return fmt.Sprintf("%sv=%d$m=%d,t=%d,p=%d$%s$%s", argon2idPrefix, argon2.Version,
		a.memory, a.time, a.threads, argon2Encoding.EncodeToString(salt), argon2Encoding.EncodeToString(key)), nil
}

// Compare reports whether s is the secret behind encoded, which may be a
// hash of any Hasher of this package. An Argon2id hash is checked with the
// parameters written in it, whatever a's own are.
func (Argon2id) Compare(encoded string, s Secret) bool { return compare(encoded, s) }

// NeedsRehash reports whether encoded is not an Argon2id hash with a's
// version, memory, passes and lanes (the zero value's are the defaults),
// so that a secret verified against it should be hashed anew with a (see
// Rehasher). A hash of weaker and one of stronger parameters both need it:
// a deployment that lowers its parameters gets what it asked for. Salt and
// key lengths are not compared. It reads only the prefix and allocates
// nothing.
func (a Argon2id) NeedsRehash(encoded string) bool {
	a = a.withDefaults()
	var buf [64]byte
	p := append(buf[:0], argon2idPrefix+"v="...)
	p = strconv.AppendInt(p, argon2.Version, 10)
	p = append(p, "$m="...)
	p = strconv.AppendUint(p, uint64(a.memory), 10)
	p = append(p, ",t="...)
	p = strconv.AppendUint(p, uint64(a.time), 10)
	p = append(p, ",p="...)
	p = strconv.AppendUint(p, uint64(a.threads), 10)
	p = append(p, '$')
	return len(encoded) < len(p) || encoded[:len(p)] != string(p)
}

var argon2Encoding = base64.RawStdEncoding.Strict()

// argon2Hash is a parsed Argon2id hash.
type argon2Hash struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

func compareArgon2id(encoded string, s Secret) bool {
	h, err := parseArgon2id(encoded)
	if err != nil {
		return false
	}
	key := argon2.IDKey(s.v[:], h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1
}

// parseArgon2id reads a hash written by Argon2id.Hash and checks its
// parameters against the bounds. Its errors never quote the hash.
func parseArgon2id(encoded string) (argon2Hash, error) {
	fields := strings.Split(encoded, "$")
	if len(fields) != 6 || fields[0] != "" || fields[1] != argon2idName {
		return argon2Hash{}, fmt.Errorf("want %q followed by 4 fields", argon2idPrefix)
	}
	if fields[2] != "v="+strconv.Itoa(argon2.Version) {
		return argon2Hash{}, fmt.Errorf("want version %d", argon2.Version)
	}
	var h argon2Hash
	var err error
	params := strings.Split(fields[3], ",")
	if len(params) != 3 {
		return argon2Hash{}, fmt.Errorf("want parameters m=,t=,p=")
	}
	var threads uint32
	for i, p := range []struct {
		name string
		dst  *uint32
		bits int
	}{{"m=", &h.memory, 32}, {"t=", &h.time, 32}, {"p=", &threads, 8}} {
		digits, ok := strings.CutPrefix(params[i], p.name)
		if !ok {
			return argon2Hash{}, fmt.Errorf("want parameters m=,t=,p=")
		}
		n, perr := strconv.ParseUint(digits, 10, p.bits)
		if perr != nil {
			return argon2Hash{}, fmt.Errorf("parameter %s is not a number in range", p.name)
		}
		*p.dst = uint32(n)
	}
	h.threads = uint8(threads)
	if err = checkArgon2(h.time, h.memory, h.threads); err != nil {
		return argon2Hash{}, err
	}
	if h.salt, err = argon2Encoding.DecodeString(fields[4]); err != nil || len(h.salt) < argon2MinSaltLen || len(h.salt) > argon2MaxLen {
		return argon2Hash{}, fmt.Errorf("want a salt of %d to %d bytes in unpadded base64", argon2MinSaltLen, argon2MaxLen)
	}
	if h.key, err = argon2Encoding.DecodeString(fields[5]); err != nil || len(h.key) < argon2MinKeyLen || len(h.key) > argon2MaxLen {
		return argon2Hash{}, fmt.Errorf("want a key of %d to %d bytes in unpadded base64", argon2MinKeyLen, argon2MaxLen)
	}
	return h, nil
}
