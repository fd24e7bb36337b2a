package scope

import (
	"strings"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// MaxPermissionLen is the longest permission or grant accepted, in bytes.
const MaxPermissionLen = 256

// segments is the number of segments of a permission:
// /{namespace}/{product}/{resource}/{action}.
const segments = 4

// Permission is a parsed permission or grant. Its string form is the text
// it was parsed from: the grammar has exactly one spelling for each value.
//
// A permission names one action on one kind of resource:
//
//	/{namespace}/{product}/{resource}/{action}
//	/demo/messaging/messages/read
//	/demo/voice/calls.recordings/list
//
// Segments are made of lowercase letters, digits and '-'; a sub-resource
// joins names with '.', and no dot-joined part may be empty. A permission
// is at most MaxPermissionLen bytes. A grant may instead end in "/*" after
// one to three segments and then covers every permission under that
// prefix: "/demo/messaging/*" covers "/demo/messaging/messages/read". A
// '*' anywhere else, or in a permission that is being requested, is an
// error.
type Permission string

// ParsePermission parses a requested permission: four segments and never a
// '*'. The error is a *PermissionError wrapping the reason.
func ParsePermission(s string) (Permission, error) {
	return parse(s, false)
}

// ParseGrant parses a grant: a permission, or one to three segments
// followed by "/*", which covers every permission under that prefix. The
// error is a *PermissionError wrapping the reason.
func ParseGrant(s string) (Permission, error) {
	return parse(s, true)
}

func parse(s string, grant bool) (Permission, error) {
	if _, off, err := scan(s, grant); err != nil {
		return "", &PermissionError{Input: quote.Cut(s), Offset: off, Err: err}
	}
	return Permission(s), nil
}

// String returns the permission as text.
func (p Permission) String() string { return string(p) }

// covers reports whether grant covers perm, both already known to be
// valid: they are equal, or grant ends in "/*" and perm lies under its
// prefix (a narrower wildcard included).
func covers(grant, perm string) bool {
	if grant == perm {
		return true
	}
	prefix, ok := strings.CutSuffix(grant, "*")
	return ok && len(perm) > len(prefix) && strings.HasPrefix(perm, prefix)
}

// shape is what scan learns about a valid permission: where each segment's
// '/' is, how many segments there are, and whether it ends in "/*" (the
// '*' is not counted as a segment).
type shape struct {
	slash    [segments]int
	n        int
	wildcard bool
}

// scan checks s against the grammar without allocating. On failure it
// returns the byte offset of the problem and the reason sentinel.
func scan(s string, grant bool) (sh shape, off int, reason error) {
	switch {
	case s == "":
		return sh, 0, ErrEmpty
	case len(s) > MaxPermissionLen:
		return sh, MaxPermissionLen, ErrTooLong
	case s[0] != '/':
		return sh, 0, ErrMissingSlash
	}
	for i := 0; i < len(s); {
		// s[i] == '/': a segment starts at i+1.
		start := i + 1
		if start < len(s) && s[start] == '*' {
			switch {
			case !grant || start+1 != len(s):
				return sh, start, ErrMisplacedWildcard
			case sh.n == 0 || sh.n == segments:
				return sh, start, ErrSegmentCount
			}
			sh.wildcard = true
			return sh, 0, nil
		}
		if sh.n == segments {
			return sh, i, ErrSegmentCount
		}
		sh.slash[sh.n] = i
		sh.n++
		j := start
		for ; j < len(s) && s[j] != '/'; j++ {
			switch c := s[j]; {
			case nameByte[c]:
			case c == '.':
				if j == start || s[j-1] == '.' {
					return sh, j, ErrEmptySegment
				}
			case c == '*':
				return sh, j, ErrMisplacedWildcard
			default:
				return sh, j, ErrBadCharacter
			}
		}
		if j == start {
			return sh, start, ErrEmptySegment
		}
		if s[j-1] == '.' {
			return sh, j - 1, ErrEmptySegment
		}
		i = j
	}
	if sh.n != segments {
		return sh, len(s), ErrSegmentCount
	}
	return sh, 0, nil
}

// nameByte marks the bytes a segment is made of, besides the '.' that
// joins sub-resources: a-z, 0-9 and '-'.
var nameByte = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'] = true
	return t
}()
