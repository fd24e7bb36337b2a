package dpopclient

import "errors"

// Errors of this package. Callers test them with errors.Is.
var (
	// ErrInvalidOption: New was given a Config it cannot use; the wrapped
	// message says which field.
	ErrInvalidOption = errors.New("dpopclient: invalid option")
	// ErrToken: the token endpoint gave no DPoP-bound token; the wrapped
	// message has the HTTP status and the OAuth error code, never the
	// secret.
	ErrToken = errors.New("dpopclient: no DPoP-bound token")
)
