package scope

import (
	"net/url"
	"strings"
)

// node is a node of a segment tree. Matching tries, at each segment, the
// literal child, then the one-segment wildcard child, then a rest
// wildcard: because conflicting patterns are refused, the first match
// found this way is the most specific one.
type node struct {
	literal map[string]*node
	param   *node
	rest    *route // a "{name...}" or trailing-slash pattern ends here
	end     *route // a pattern whose path ends here
}

func (n *node) insert(segs []segment, r *route) {
	for _, s := range segs {
		switch s.kind {
		case segRest:
			n.rest = r
			return
		case segParam:
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
		default:
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			child := n.literal[s.s]
			if child == nil {
				child = &node{}
				n.literal[s.s] = child
			}
			n = child
		}
	}
	n.end = r
}

// match finds the route for path (empty or starting with '/') under n and
// records wildcard values in m. A node is visited at most once per call,
// so the work is bounded by the size of the tree.
func (n *node) match(path string, m *Match) *route {
	if n == nil {
		return nil
	}
	if path == "" {
		return n.end
	}
	seg, rest := "/", ""
	if path != "/" {
		// One pass finds the segment's end and whether it is escaped.
		i, escaped := 1, false
		for ; i < len(path) && path[i] != '/'; i++ {
			escaped = escaped || path[i] == '%'
		}
		seg, rest = path[1:i], path[i:]
		if escaped {
			seg, _ = unescape(seg)
		}
	}
	if r := n.literal[seg].match(rest, m); r != nil {
		return r
	}
	if n.param != nil && seg != "/" {
		k := m.n
		m.vals[k] = seg
		m.n++
		if r := n.param.match(rest, m); r != nil {
			return r
		}
		m.n = k
	}
	if r := n.rest; r != nil {
		if len(r.names) > m.n { // a named rest wildcard
			v, _ := unescape(path[1:])
			m.vals[m.n] = v
		}
		return r
	}
	return nil
}

// unescape undoes percent-encoding in a path; ok is false when s is
// malformed, and s is then returned as it was.
func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, true
	}
	u, err := url.PathUnescape(s)
	if err != nil {
		return s, false
	}
	return u, true
}
