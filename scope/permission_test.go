package scope

import (
	"errors"
	"strings"
	"testing"
)

// grammarCase is one input to ParsePermission or ParseGrant.
type grammarCase struct {
	name, in string
	reason   error // nil: valid
	offset   int
}

// runGrammarCases checks that parse accepts the valid cases unchanged and
// rejects the others with the reason and offset given.
func runGrammarCases(t *testing.T, parse func(string) (Permission, error), tests []grammarCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parse(tt.in)
			if tt.reason == nil {
				if err != nil || p.String() != tt.in {
					t.Fatalf("parse(%q) = %q, %v; want it back, nil", tt.in, p, err)
				}
				return
			}
			checkPermissionError(t, err, tt.reason, tt.offset)
			if p != "" {
				t.Errorf("got %q with an error, want empty", p)
			}
		})
	}
}

func TestParsePermission(t *testing.T) {
	runGrammarCases(t, ParsePermission, []grammarCase{
		{"four plain segments are valid", "/demo/messaging/messages/read", nil, 0},
		{"digits, dashes and dot-joined sub-resources are valid", "/demo/voice/calls.recordings/read-2", nil, 0},
		{"empty string is empty", "", ErrEmpty, 0},
		{"missing leading slash", "demo/messaging/messages/read", ErrMissingSlash, 0},
		{"three segments are too few", "/demo/messaging/read", ErrSegmentCount, 20},
		{"five segments are too many", "/demo/messaging/messages/read/x", ErrSegmentCount, 29},
		{"trailing slash adds a segment", "/demo/messaging/messages/read/", ErrSegmentCount, 29},
		{"double slash is an empty segment", "/demo//messages/read", ErrEmptySegment, 6},
		{"uppercase letter is a bad character", "/demo/Messaging/messages/read", ErrBadCharacter, 6},
		{"space is a bad character", "/demo/messaging/messages/re ad", ErrBadCharacter, 27},
		{"underscore is a bad character", "/demo/messaging/my_messages/read", ErrBadCharacter, 18},
		{"non-ASCII is a bad character", "/demo/messaging/mésages/read", ErrBadCharacter, 17},
		{"leading dot is an empty part", "/demo/voice/.calls/read", ErrEmptySegment, 12},
		{"trailing dot is an empty part", "/demo/voice/calls./read", ErrEmptySegment, 17},
		{"double dot is an empty part", "/demo/voice/calls..recordings/read", ErrEmptySegment, 18},
		{"dot-dot segment is rejected", "/demo/../calls/read", ErrEmptySegment, 6},
		{"wildcard is not allowed in a request", "/demo/messaging/*", ErrMisplacedWildcard, 16},
		{"wildcard inside a segment is misplaced", "/demo/mess*/messages/read", ErrMisplacedWildcard, 10},
		{"too long", "/demo/messaging/messages/" + strings.Repeat("a", MaxPermissionLen), ErrTooLong, MaxPermissionLen},
	})
}

func TestParseGrant(t *testing.T) {
	runGrammarCases(t, ParseGrant, []grammarCase{
		{"a plain permission is a grant", "/demo/messaging/messages/read", nil, 0},
		{"namespace wildcard", "/demo/*", nil, 0},
		{"product wildcard", "/demo/messaging/*", nil, 0},
		{"resource wildcard", "/demo/messaging/messages/*", nil, 0},
		{"bare wildcard names no namespace", "/*", ErrSegmentCount, 1},
		{"wildcard below a full permission", "/demo/messaging/messages/read/*", ErrSegmentCount, 30},
		{"wildcard in the middle", "/demo/*/messages/read", ErrMisplacedWildcard, 6},
		{"wildcard glued to a name", "/demo/messaging*", ErrMisplacedWildcard, 15},
		{"double wildcard", "/demo/**", ErrMisplacedWildcard, 6},
		{"wildcard without slash", "*", ErrMissingSlash, 0},
	})
}

func checkPermissionError(t *testing.T, err, reason error, offset int) {
	t.Helper()
	var pe *PermissionError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *PermissionError", err)
	}
	if !errors.Is(err, reason) || !errors.Is(err, ErrInvalidPermission) {
		t.Errorf("error %v: want errors.Is %v and ErrInvalidPermission", err, reason)
	}
	if pe.Offset != offset {
		t.Errorf("offset = %d, want %d (%v)", pe.Offset, offset, err)
	}
	if len(err.Error()) > 2*maxQuoted+60 {
		t.Errorf("error message not cut short: %d bytes", len(err.Error()))
	}
}

func TestPermissionCovers(t *testing.T) {
	tests := []struct {
		name, grant, perm string
		want              bool
	}{
		{"exact grant covers itself", "/demo/messaging/messages/read", "/demo/messaging/messages/read", true},
		{"exact grant does not cover a sibling", "/demo/messaging/messages/read", "/demo/messaging/messages/list", false},
		{"product wildcard covers a permission under it", "/demo/messaging/*", "/demo/messaging/messages/read", true},
		{"namespace wildcard covers a narrower wildcard", "/demo/*", "/demo/messaging/*", true},
		{"wildcard does not cover a longer name sharing its prefix", "/demo/mess/*", "/demo/messaging/messages/read", false},
		{"wildcard does not cover another product", "/demo/messaging/*", "/demo/voice/calls/read", false},
		{"narrow wildcard does not cover a broader one", "/demo/messaging/*", "/demo/*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := covers(tt.grant, tt.perm); got != tt.want {
				t.Errorf("%s covers %s = %v, want %v", tt.grant, tt.perm, got, tt.want)
			}
		})
	}
	if _, wild := cutWildcard("/demo/*"); !wild {
		t.Error(`"/demo/*" is not taken for a wildcard`)
	}
	if _, wild := cutWildcard("/demo/a/b/c"); wild {
		t.Error(`"/demo/a/b/c" is taken for a wildcard`)
	}
}
