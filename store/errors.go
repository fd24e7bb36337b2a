package store

import "errors"

// Sentinel errors returned by every Store implementation. Implementations
// may wrap them with detail; callers test them with errors.Is.
var (
	// ErrNotFound: no app with that SID exists (or no idempotency key
	// record that the claim holds).
	ErrNotFound = errors.New("store: not found")
	// ErrAlreadyExists: an app with that SID already exists (or a live
	// record of that idempotency key).
	ErrAlreadyExists = errors.New("store: already exists")
	// ErrConflict: the version passed to UpdateApp or DeleteAppVersion is
	// not the stored one; nothing was written. Read the app again and
	// retry.
	ErrConflict = errors.New("store: version conflict")
	// ErrInvalid: a record or argument the store cannot accept (an empty
	// SID, a negative limit); nothing was written.
	ErrInvalid = errors.New("store: invalid record")
)
