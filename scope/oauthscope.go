package scope

import "strings"

// ParseScope parses the scope parameter of a token request (RFC 6749
// section 3.3): permissions separated by spaces, in any order. Each must be
// a requested permission, so a wildcard is an error. Runs of spaces are
// tolerated, duplicates are dropped (the first occurrence keeps its place),
// and an empty scope returns nil: the client asked for no narrowing.
func ParseScope(s string) ([]string, error) {
	return parseList(s, false)
}

// ParseGrantScope parses a space-separated list of grants, such as the
// scope claim of a token or the output of Policy.Scope: like ParseScope,
// but entries may end in "/*".
func ParseGrantScope(s string) ([]string, error) {
	return parseList(s, true)
}

func parseList(s string, grant bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, entry := range strings.Split(s, " ") {
		if entry == "" || seen[entry] {
			continue
		}
		if _, err := parse(entry, grant); err != nil {
			return nil, err
		}
		seen[entry] = true
		out = append(out, entry)
	}
	return out, nil
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
