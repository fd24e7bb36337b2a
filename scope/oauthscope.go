package scope

import (
	"slices"
	"strings"
)

// ParseScope parses the scope parameter of a token request (RFC 6749
// section 3.3): permissions separated by spaces, in any order. Each must be
// a requested permission, so a wildcard is an error. Runs of spaces are
// tolerated, duplicates are dropped (the first occurrence keeps its place),
// and an empty scope returns nil: the client asked for no narrowing.
func ParseScope(s string) ([]string, error) {
	return parseList(s, false)
}

// ParseGrantScope parses a space-separated list of grants, such as the
// scope claim of a token or FormatScope(Policy.Allow()): like ParseScope,
// but entries may end in "/*".
func ParseGrantScope(s string) ([]string, error) {
	return parseList(s, true)
}

func parseList(s string, grant bool) ([]string, error) {
	n := 0
	for rest := s; rest != ""; {
		var entry string
		if entry, rest, _ = strings.Cut(rest, " "); entry != "" {
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]string, 0, n)
	var seen set
	for rest := s; rest != ""; {
		var entry string
		entry, rest, _ = strings.Cut(rest, " ")
		if entry == "" || seen.has(out, entry) {
			continue
		}
		if _, err := parse(entry, grant); err != nil {
			return nil, err
		}
		out = seen.add(out, entry)
	}
	return out, nil
}

// set finds duplicates in a list being built: by a linear search while the
// list is short (scope lists usually are, and then nothing is allocated),
// through a map once it is long.
type set map[string]struct{}

// linearMax is the longest list set searches linearly.
const linearMax = 16

func (m *set) has(list []string, e string) bool {
	if *m != nil {
		_, ok := (*m)[e]
		return ok
	}
	return slices.Contains(list, e)
}

// add appends e to list and records it.
func (m *set) add(list []string, e string) []string {
	list = append(list, e)
	switch {
	case *m != nil:
		(*m)[e] = struct{}{}
	case len(list) > linearMax:
		*m = make(set, 2*len(list))
		for _, x := range list {
			(*m)[x] = struct{}{}
		}
	}
	return list
}

// FormatScope joins permissions into a scope string, in the order given.
// It does not check them: pass the output of Policy.Narrow or ParseScope.
func FormatScope(perms []string) string {
	return strings.Join(perms, " ")
}

// Covers reports whether a space-separated granted scope, such as a token's
// scope claim, covers permission: some entry equals it, or is a valid
// wildcard grant whose prefix it lies under. A malformed permission is
// never covered, and a malformed wildcard entry covers nothing. Covers does
// not allocate.
func Covers(scope, permission string) bool {
	if _, _, err := scan(permission, false); err != nil {
		return false
	}
	for scope != "" {
		var entry string
		entry, scope, _ = strings.Cut(scope, " ")
		if entry == permission {
			return true
		}
		if prefix, ok := strings.CutSuffix(entry, "*"); ok && strings.HasPrefix(permission, prefix) {
			if _, _, err := scan(entry, true); err == nil {
				return true
			}
		}
	}
	return false
}
