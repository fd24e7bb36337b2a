package scope

import (
	"net/url"
	"strings"
	"unicode"
)

// MaxPatternParams is the most named wildcards a route pattern may have.
const MaxPatternParams = 8

type segKind uint8

const (
	// segLiteral matches one segment equal to s (already unescaped); the
	// literal "/" is the empty last segment after a trailing slash, as
	// written with "{$}".
	segLiteral segKind = iota
	// segParam, "{s}", matches any one segment but that trailing "/".
	segParam
	// segRest, "{s...}" or a bare trailing slash (s == ""), matches the
	// rest of the path: one or more segments.
	segRest
)

type segment struct {
	kind segKind
	s    string
}

// pattern is a parsed route pattern: METHOD (empty for any) and path.
type pattern struct {
	method string
	segs   []segment
	names  []string // wildcard names in path order
}

// canonical is the pattern as the catalog prints it: "METHOD /path".
func canonical(method, path string) string {
	if method == "" {
		return path
	}
	return method + " " + path
}

// parsePattern reads the net/http.ServeMux pattern syntax
// "[METHOD ]/path", without a host.
func parsePattern(s string) (*pattern, string, error) {
	method, p := "", s
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		method, p = s[:i], strings.TrimLeft(s[i+1:], " \t")
		if !isToken(method) {
			return nil, "", badPattern(s, "method is not an HTTP token")
		}
	}
	switch {
	case p == "":
		return nil, "", badPattern(s, "no path")
	case p[0] != '/' && strings.Contains(p, "/"):
		return nil, "", badPattern(s, "host patterns are not supported")
	case p[0] != '/':
		return nil, "", badPattern(s, "path must start with '/'")
	case !isCleanPath(p):
		return nil, "", badPattern(s, "path is not clean")
	}
	pat := &pattern{method: method}
	seen := map[string]bool{}
	for rest := p[1:]; ; {
		seg, after, more := strings.Cut(rest, "/")
		if !more && seg == "" { // trailing slash (or the root "/")
			pat.segs = append(pat.segs, segment{kind: segRest})
			break
		}
		sg, err := parseSegment(seg, more)
		if err != "" {
			return nil, "", badPattern(s, err)
		}
		if sg.kind != segLiteral {
			if seen[sg.s] {
				return nil, "", badPattern(s, "duplicate wildcard name")
			}
			seen[sg.s] = true
			pat.names = append(pat.names, sg.s)
		}
		pat.segs = append(pat.segs, sg)
		if !more {
			break
		}
		rest = after
	}
	if len(pat.names) > MaxPatternParams {
		return nil, "", badPattern(s, "too many wildcards")
	}
	return pat, canonical(method, p), nil
}

// parseSegment reads one path segment; more says whether others follow.
// It returns a reason when the segment is malformed.
func parseSegment(seg string, more bool) (segment, string) {
	if !strings.Contains(seg, "{") {
		if u, err := url.PathUnescape(seg); err == nil {
			seg = u
		}
		return segment{kind: segLiteral, s: seg}, ""
	}
	name, ok := strings.CutPrefix(seg, "{")
	if name, ok = strings.CutSuffix(name, "}"); !ok {
		return segment{}, "a wildcard must be a whole segment"
	}
	if name == "$" {
		if more {
			return segment{}, "{$} must end the path"
		}
		return segment{kind: segLiteral, s: "/"}, ""
	}
	kind := segParam
	if n, multi := strings.CutSuffix(name, "..."); multi {
		if more {
			return segment{}, "{name...} must end the path"
		}
		name, kind = n, segRest
	}
	if !isIdentifier(name) {
		return segment{}, "wildcard name is not a Go identifier"
	}
	return segment{kind: kind, s: name}, ""
}

// isToken reports whether s is an HTTP method token (RFC 9110 tchar).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func isIdentifier(s string) bool {
	for i, r := range s {
		if !unicode.IsLetter(r) && r != '_' && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// isCleanPath reports whether p is absolute and what path.Clean makes of
// it, a trailing slash kept: no empty, "." or ".." segment before the
// last, and a last segment that is not "." or "..". It does not allocate.
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		// A segment starts at i+1: reject "", "." and ".." unless it is
		// the empty last segment of a trailing slash.
		seg := p[i+1:]
		n := 0
		for n < len(seg) && n < 3 && seg[n] == '.' {
			n++
		}
		if n < 3 && (n == len(seg) || seg[n] == '/') && (n > 0 || len(seg) > 0) {
			return false
		}
	}
	return true
}

// Relations between patterns. A pattern matches the set of requests
// methods(p) x paths(p); two patterns conflict when the sets meet and
// neither is a proper subset of the other.

// methodWithin reports whether every method a matches, b matches too
// (GET also matches HEAD; the empty method matches every method).
func methodWithin(a, b string) bool {
	return b == "" || a == b || (a == "HEAD" && b == "GET")
}

// methodsMeet reports whether some method matches both a and b.
func methodsMeet(a, b string) bool {
	return methodWithin(a, b) || methodWithin(b, a)
}

// pathWithin reports whether every path a matches, b matches too.
func pathWithin(a, b []segment) bool {
	for i, x := range a {
		if i == len(b) {
			return false
		}
		switch y := b[i]; {
		case y.kind == segRest:
			return true
		case x.kind == segRest:
			return false
		case y.kind == segParam:
			if x.kind == segLiteral && x.s == "/" {
				return false
			}
		case x.kind != segLiteral || x.s != y.s:
			return false
		}
	}
	return len(a) == len(b)
}

// pathsMeet reports whether some path matches both a and b.
func pathsMeet(a, b []segment) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.kind == segRest || y.kind == segRest:
			return true
		case x.kind == segParam && y.kind == segParam:
		case x.kind == segParam:
			if y.s == "/" {
				return false
			}
		case y.kind == segParam:
			if x.s == "/" {
				return false
			}
		case x.s != y.s:
			return false
		}
	}
	return len(a) == len(b)
}

// conflicts reports whether some request matches both a and b and neither
// is more specific: both or neither lies within the other.
func conflicts(a, b *pattern) bool {
	if !methodsMeet(a.method, b.method) || !pathsMeet(a.segs, b.segs) {
		return false
	}
	aInB := methodWithin(a.method, b.method) && pathWithin(a.segs, b.segs)
	bInA := methodWithin(b.method, a.method) && pathWithin(b.segs, a.segs)
	return aInB == bInA
}
