package secret

import "errors"

// Sentinel errors. Functions may wrap them with a reason (never with the
// secret or a hash); callers test them with errors.Is.
var (
	// ErrMalformed: the string is not a client secret of this package: wrong
	// prefix, length or alphabet, or a checksum that does not match (a typo
	// or a truncated copy).
	ErrMalformed = errors.New("secret: malformed client secret")
	// ErrMismatch: the presented secret is not one the credentials accept
	// now. It is the only verification error, so a caller cannot tell a
	// wrong secret from an expired or unknown one.
	ErrMismatch = errors.New("secret: secret does not match")
	// ErrInvalidGrace: a grace period outside 0 to MaxGrace.
	ErrInvalidGrace = errors.New("secret: grace period out of range")
	// ErrNoSecret: the credentials hold no current secret (the zero
	// Credentials), so there is nothing to rotate.
	ErrNoSecret = errors.New("secret: no current secret")
	// ErrInvalidRecord: a stored record that cannot be credentials: a bad
	// id, an empty or unreadable hash, or expiries in the wrong slot.
	ErrInvalidRecord = errors.New("secret: invalid stored record")
	// ErrInvalidOption: Argon2id parameters outside the accepted bounds,
	// in a stored hash or given to NewArgon2id. Every bad Option's error
	// wraps it.
	ErrInvalidOption = errors.New("secret: invalid option")
)
