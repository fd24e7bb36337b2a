package keyring

import (
	"errors"
	"fmt"
)

// Errors of this package, wrapped with detail (a kid, the id of a
// key-encryption key) and never with key material; test them with
// errors.Is.
var (
	// ErrInvalidOption: an option was given a value it does not accept;
	// New returns it wrapped with the option's name.
	ErrInvalidOption = errors.New("keyring: invalid option")
	// ErrNoKEK: the ring would have to store a private key but was given
	// no key-encryption key. It never stores one unsealed.
	ErrNoKEK = errors.New("keyring: no key-encryption key")
	// ErrForeignKEK: the store holds a key sealed under a key-encryption
	// key this instance was not given: a wrong key, or another deployment
	// on the same store. New refuses to start rather than make a second
	// key ring beside the first.
	ErrForeignKEK = errors.New("keyring: key sealed under a key-encryption key this instance does not hold")
	// ErrUnopenable: a stored key could not be opened or does not match
	// its public key: its sealed bytes or its record were changed or
	// damaged. The key is refused; the others keep working.
	ErrUnopenable = errors.New("keyring: stored key cannot be opened")
	// ErrNoSigningKey: no stored key that this instance can sign with is
	// due to sign.
	ErrNoSigningKey = errors.New("keyring: no signing key")
	// ErrClosed: the ring was closed.
	ErrClosed = errors.New("keyring: closed")
)

// KeyError is the error of one stored key that the ring refused: it names
// the key, and wraps ErrForeignKEK or ErrUnopenable.
type KeyError struct {
	// KID is the refused key's id.
	KID string
	// Err says why.
	Err error
}

// Error names the key and why it was refused.
func (e *KeyError) Error() string { return fmt.Sprintf("keyring: key %q refused: %v", e.KID, e.Err) }

// Unwrap returns Err.
func (e *KeyError) Unwrap() error { return e.Err }
