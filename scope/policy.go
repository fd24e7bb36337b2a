package scope

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oauthapps/oauthapps/internal/quote"
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
// partial grant. More than MaxPolicyEntries distinct permissions is
// ErrTooManyEntries, so that a token's scope stays within what a policy
// can hold. An empty request returns the allow list; FullGrant is the
// full grant without wildcards that a deny entry carves exceptions out of.
func (p *Policy) Narrow(requested []string) ([]string, error) {
	if len(requested) == 0 {
		return p.Allow(), nil
	}
	out := make([]string, 0, len(requested))
	var seen set
	for _, r := range requested {
		if _, err := ParsePermission(r); err != nil {
			return nil, &NotAllowedError{Permission: quote.Cut(r), Reason: err}
		}
		if !p.Allows(r) {
			return nil, &NotAllowedError{Permission: r}
		}
		if !seen.has(out, r) {
			out = seen.add(out, r)
		}
		if len(out) > MaxPolicyEntries {
			return nil, fmt.Errorf("%w: a request of more than %d permissions", ErrTooManyEntries, MaxPolicyEntries)
		}
	}
	return out, nil
}

// FullGrant is what a token request that names no permission gets: the
// allow list, as a scope. When a deny entry carves exceptions out of an
// allow wildcard, a scope string cannot carry the
// exceptions, so such a wildcard is replaced by the catalog's permissions
// under it that the policy allows: the scope then covers exactly what the
// policy allows among the catalog's routes, and a resource server that
// checks only the token's scope grants nothing the deny list forbids.
// With a nil catalog the wildcard is kept as it is, and only Allows knows
// its exceptions.
func (p *Policy) FullGrant(c *Catalog) []string {
	if !p.carveOut {
		return p.Allow()
	}
	return p.Grant(p.allow, c)
}

// Grant returns what the policy grants today of grants, entries as in a
// token's scope (permissions and wildcards), in their order with
// duplicates dropped: a permission the policy allows is kept; a wildcard
// the policy allows whole (an allow entry covers it, and no deny entry
// covers it or lies under it) is kept; a wildcard the policy allows in
// part is replaced by the catalog's permissions under it that the policy
// allows, or, with a nil catalog, kept when an allow entry covers it and
// otherwise replaced by the allow entries under it; anything else,
// malformed entries included, is dropped, and so is an entry that another
// wildcard of the result covers. It is how a token's scope is
// read against a policy that may have changed since the token was issued.
func (p *Policy) Grant(grants []string, c *Catalog) []string {
	out := make([]string, 0, len(grants))
	var seen set
	add := func(e string) {
		if !seen.has(out, e) {
			out = seen.add(out, e)
		}
	}
	for _, g := range grants {
		if _, err := ParseGrant(g); err != nil {
			continue
		}
		prefix, wild := cutWildcard(g)
		switch {
		case !wild:
			if p.Allows(g) {
				add(g)
			}
		case p.allowsWhole(g, prefix):
			add(g)
		case c != nil:
			for _, q := range c.perms {
				if strings.HasPrefix(q, prefix) && p.Allows(q) {
					add(q)
				}
			}
		case slices.ContainsFunc(p.allow, func(a string) bool { return covers(a, g) }):
			add(g)
		default:
			for _, a := range p.allow {
				if strings.HasPrefix(a, prefix) {
					add(a)
				}
			}
		}
	}
	// Entries another entry's wildcard covers add nothing.
	var wilds []string
	for _, e := range out {
		if _, wild := cutWildcard(e); wild {
			wilds = append(wilds, e)
		}
	}
	if len(wilds) == 0 {
		return out
	}
	kept := make([]string, 0, len(out))
	for _, e := range out {
		if !slices.ContainsFunc(wilds, func(w string) bool { return w != e && covers(w, e) }) {
			kept = append(kept, e)
		}
	}
	return kept
}

// allowsWhole reports whether the policy allows every permission under the
// wildcard w, whose prefix up to its '*' is given: an allow entry covers w
// and no deny entry covers w or lies under it.
func (p *Policy) allowsWhole(w, prefix string) bool {
	return slices.ContainsFunc(p.allow, func(a string) bool { return covers(a, w) }) &&
		!slices.ContainsFunc(p.deny, func(d string) bool { return covers(d, w) || strings.HasPrefix(d, prefix) })
}

// Allow returns a copy of the normalised allow list, sorted.
func (p *Policy) Allow() []string { return slices.Clone(p.allow) }

// Deny returns a copy of the normalised deny list, sorted.
func (p *Policy) Deny() []string { return slices.Clone(p.deny) }
