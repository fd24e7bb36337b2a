package scope

import (
	"fmt"
	"slices"
	"strings"
)

// MaxPolicyEntries is the most entries a policy may be given, allow and deny
// together (the product limit).
const MaxPolicyEntries = 100

// Policy is what an app may be granted: an allow list and a deny list of
// grants, where deny wins over allow. It is immutable after construction
// and safe for concurrent use. The zero Policy allows nothing.
type Policy struct {
	allow, deny []string
	// index maps each exact entry to its flags, and each wildcard entry by
	// its prefix up to and including the last '/' ("/demo/messaging/").
	index map[string]uint8
	// depths has bit k set when some wildcard entry has k segments before
	// its '*', so Allows skips prefix lengths no entry uses.
	depths uint8
	// carveOut: some deny entry lies under an allow wildcard.
	carveOut bool
}

const (
	allowExact uint8 = 1 << iota
	allowUnder
	denyExact
	denyUnder
)

// NewPolicy builds a policy from allow and deny grants (each may end in
// "/*"). More than MaxPolicyEntries entries in all, counted as given, is
// ErrTooManyEntries; a malformed entry is an error naming the list and
// index and wrapping its *PermissionError.
//
// Each list is normalised: sorted, duplicates dropped, and entries covered
// by a wildcard of the same list dropped. Allow entries covered by a deny
// entry are dropped too, since they can never take effect.
func NewPolicy(allow, deny []string) (*Policy, error) {
	if n := len(allow) + len(deny); n > MaxPolicyEntries {
		return nil, fmt.Errorf("%w: %d, at most %d", ErrTooManyEntries, n, MaxPolicyEntries)
	}
	a, err := normalise("allow", allow)
	if err != nil {
		return nil, err
	}
	d, err := normalise("deny", deny)
	if err != nil {
		return nil, err
	}
	a = slices.DeleteFunc(a, func(e string) bool { return coveredBy(d, e) })
	p := &Policy{allow: a, deny: d, index: make(map[string]uint8, len(a)+len(d))}
	p.add(a, allowExact, allowUnder)
	p.add(d, denyExact, denyUnder)
	for _, e := range d {
		p.carveOut = p.carveOut || coveredBy(a, e)
	}
	return p, nil
}

// normalise parses the grants of one list, sorts them and drops duplicates
// and entries that another entry of the list covers.
func normalise(list string, entries []string) ([]string, error) {
	out := make([]string, 0, len(entries))
	for i, e := range entries {
		if _, err := ParseGrant(e); err != nil {
			return nil, fmt.Errorf("scope: %s entry %d: %w", list, i, err)
		}
		out = append(out, e)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	return slices.DeleteFunc(slices.Clone(out), func(e string) bool {
		return slices.ContainsFunc(out, func(w string) bool { return w != e && covers(w, e) })
	}), nil
}

// coveredBy reports whether some grant in list covers e.
func coveredBy(list []string, e string) bool {
	return slices.ContainsFunc(list, func(g string) bool { return covers(g, e) })
}

func (p *Policy) add(entries []string, exact, under uint8) {
	for _, e := range entries {
		if prefix, ok := cutWildcard(e); ok {
			p.index[prefix] |= under
			p.depths |= 1 << strings.Count(prefix[1:], "/")
		} else {
			p.index[e] |= exact
		}
	}
}

// cutWildcard returns the prefix of a wildcard grant, '/' included.
func cutWildcard(grant string) (string, bool) {
	if len(grant) >= 2 && grant[len(grant)-2:] == "/*" {
		return grant[:len(grant)-1], true
	}
	return grant, false
}

// Allows reports whether the policy allows permission: some allow entry
// covers it and no deny entry does. A malformed permission, a wildcard one
// included, is never allowed. Allows does not allocate.
func (p *Policy) Allows(permission string) bool {
	sh, _, err := scan(permission, false)
	if err != nil {
		return false
	}
	flags := p.index[permission] & (allowExact | denyExact)
	if flags&denyExact != 0 {
		return false
	}
	for k := 1; k < sh.n; k++ {
		if p.depths&(1<<k) != 0 {
			flags |= p.index[permission[:sh.slash[k]+1]] & (allowUnder | denyUnder)
		}
	}
	return flags&(denyExact|denyUnder) == 0 && flags&(allowExact|allowUnder) != 0
}

// Narrow answers a token request for the requested permissions (as from
// ParseScope). When every one is allowed it returns them, duplicates
// dropped, in the order given; otherwise it returns a *NotAllowedError
// naming the first that is not (malformed ones included), and never a
// partial grant. An empty request returns the allow list: the app's full
// grant.
//
// The full grant may hold wildcards that a deny entry carves exceptions
// out of (see HasCarveOuts); a scope string cannot carry the exceptions,
// so a resource server that checks only a token's scope with Covers must
// also check the app's policy with Allows in that case.
func (p *Policy) Narrow(requested []string) ([]string, error) {
	if len(requested) == 0 {
		return p.Allow(), nil
	}
	out := make([]string, 0, len(requested))
	var seen set
	for _, r := range requested {
		if _, err := ParsePermission(r); err != nil {
			return nil, &NotAllowedError{Permission: r, Reason: err}
		}
		if !p.Allows(r) {
			return nil, &NotAllowedError{Permission: r}
		}
		if !seen.has(out, r) {
			out = seen.add(out, r)
		}
	}
	return out, nil
}

// Allow returns a copy of the normalised allow list, sorted.
func (p *Policy) Allow() []string { return slices.Clone(p.allow) }

// Deny returns a copy of the normalised deny list, sorted.
func (p *Policy) Deny() []string { return slices.Clone(p.deny) }

// HasCarveOuts reports whether some deny entry lies under an allow
// wildcard, so that the allow list alone grants more than the policy.
func (p *Policy) HasCarveOuts() bool { return p.carveOut }

// Scope returns the allow list as an OAuth scope string (space-separated);
// ParseGrantScope reads it back. Deny entries are not part of it.
func (p *Policy) Scope() string { return FormatScope(p.allow) }

// Equal reports whether p and q have the same normalised lists.
func (p *Policy) Equal(q *Policy) bool {
	return slices.Equal(p.allow, q.allow) && slices.Equal(p.deny, q.deny)
}
