package scope

import (
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// Reasons a permission fails to parse. A parse error is a *PermissionError
// that wraps exactly one of these, so errors.Is finds both the reason and
// ErrInvalidPermission.
var (
	// ErrInvalidPermission matches every *PermissionError, whatever the reason.
	ErrInvalidPermission = errors.New("scope: invalid permission")
	// ErrEmpty: the permission is the empty string.
	ErrEmpty = errors.New("scope: empty permission")
	// ErrTooLong: the permission is longer than MaxPermissionLen bytes.
	ErrTooLong = errors.New("scope: permission too long")
	// ErrMissingSlash: the permission does not start with '/'.
	ErrMissingSlash = errors.New("scope: permission must start with '/'")
	// ErrEmptySegment: a segment, or a dot-joined part of one, is empty.
	ErrEmptySegment = errors.New("scope: empty segment")
	// ErrBadCharacter: a byte other than a-z, 0-9, '-', '.', '/' or a final '*'.
	ErrBadCharacter = errors.New("scope: bad character")
	// ErrMisplacedWildcard: '*' anywhere but as the whole last segment of a
	// grant, or anywhere at all in a requested permission.
	ErrMisplacedWildcard = errors.New("scope: misplaced wildcard")
	// ErrSegmentCount: a permission without four segments, or a wildcard
	// grant without one to three segments before its '*'.
	ErrSegmentCount = errors.New("scope: wrong number of segments")
)

// Policy errors.
var (
	// ErrTooManyEntries: a policy was given more than MaxPolicyEntries
	// entries, allow and deny together.
	ErrTooManyEntries = errors.New("scope: too many policy entries")
	// ErrBadPolicyJSON: the JSON form of a policy is not an object with at
	// most an "allow" and a "deny" array of strings, each key once.
	ErrBadPolicyJSON = errors.New("scope: malformed policy JSON")
	// ErrNotAllowed: a requested permission is not allowed by the policy.
	// Narrow returns it as a *NotAllowedError naming the permission.
	ErrNotAllowed = errors.New("scope: permission not allowed")
)

// Catalog errors.
var (
	// ErrBadPattern: a route pattern is not valid net/http.ServeMux syntax,
	// or uses a feature the catalog does not support (a host, a path that
	// is not clean, more than MaxPatternParams wildcards).
	ErrBadPattern = errors.New("scope: bad route pattern")
	// ErrConflict: two routes match some request and neither is more
	// specific, or they match exactly the same requests.
	ErrConflict = errors.New("scope: conflicting routes")
	// ErrNoRoute: no route matches the method and path.
	ErrNoRoute = errors.New("scope: no route")
)

// maxQuoted bounds how much of a caller's string an error message repeats:
// quote.Max bytes of outside input (permissions, scopes, policies), which
// is too little to hold a client secret sent in the wrong field.
const maxQuoted = quote.Max

// quoted returns s quoted for an error message, cut to maxQuoted bytes.
func quoted(s string) string { return quote.Q(s) }

// maxPatternQuoted bounds how much of a route pattern an error repeats.
// Patterns come from the program's own catalog, not from outside, so a
// longer quote helps without risk.
const maxPatternQuoted = 80

// quotePattern returns a route pattern quoted for an error message, cut to
// maxPatternQuoted bytes.
func quotePattern(s string) string {
	if len(s) > maxPatternQuoted {
		return fmt.Sprintf("%q...", s[:maxPatternQuoted])
	}
	return fmt.Sprintf("%q", s)
}

// PermissionError says why a string is not a valid permission or grant.
type PermissionError struct {
	// Input is the string that failed to parse, cut to its first
	// maxQuoted (24) bytes so that the error never holds a secret sent in
	// its place.
	Input string
	// Offset is the byte offset in the whole string (which may go past
	// the end of Input) where the problem was found.
	Offset int
	// Err is the reason: one of ErrEmpty, ErrTooLong, ErrMissingSlash,
	// ErrEmptySegment, ErrBadCharacter, ErrMisplacedWildcard,
	// ErrSegmentCount.
	Err error
}

// Error names the reason, the input (cut short if long) and the offset.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("%v in %s at byte %d", e.Err, quoted(e.Input), e.Offset)
}

// Unwrap returns the reason.
func (e *PermissionError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidPermission.
func (e *PermissionError) Is(target error) bool { return target == ErrInvalidPermission }

// NotAllowedError is the error of Policy.Narrow: it names the first
// requested permission the policy does not allow. errors.Is(err,
// ErrNotAllowed) holds; when the permission was also malformed, Unwrap
// returns its *PermissionError.
type NotAllowedError struct {
	// Permission is the requested permission, as the caller gave it when
	// it is well-formed; cut to its first maxQuoted (24) bytes when it is
	// malformed (see PermissionError.Input).
	Permission string
	// Reason is the parse error when Permission is malformed, else nil.
	Reason error
}

// Error names the permission: whole when it is well-formed (it cannot be
// a secret), else through the parse error, which quotes it cut short.
func (e *NotAllowedError) Error() string {
	if e.Reason != nil {
		return fmt.Sprintf("%v: %v", ErrNotAllowed, e.Reason)
	}
	return fmt.Sprintf("%v: %q", ErrNotAllowed, e.Permission)
}

// Unwrap returns the parse error of a malformed permission, or nil.
func (e *NotAllowedError) Unwrap() error { return e.Reason }

// Is reports whether target is ErrNotAllowed.
func (e *NotAllowedError) Is(target error) bool { return target == ErrNotAllowed }

// badPattern returns the error for pattern s refused for the reason why.
func badPattern(s, why string) error {
	return &patternError{pattern: s, why: why}
}

// patternError says why a route pattern was refused; it wraps
// ErrBadPattern.
type patternError struct{ pattern, why string }

func (e *patternError) Error() string {
	return ErrBadPattern.Error() + " " + quotePattern(e.pattern) + ": " + e.why
}

func (e *patternError) Unwrap() error { return ErrBadPattern }
