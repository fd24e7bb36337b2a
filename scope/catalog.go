package scope

import (
	"fmt"
	"slices"
)

// Route maps one API route to the permission it needs.
type Route struct {
	// Pattern is a net/http.ServeMux pattern without a host, such as
	// "GET /v1/Accounts/{AccountSid}/Messages/{Sid}". Register the same
	// string on the mux.
	Pattern string
	// Permission is a requested permission (no wildcard).
	Permission string
}

// Catalog resolves requests to the permission their route needs. It is
// immutable after construction and safe for concurrent use.
//
// Matching follows net/http.ServeMux: a pattern without a method matches
// every method, and GET also matches HEAD (as on the mux); "{name}" matches
// one segment, "{name...}" the rest of the path, "{$}" only the end of a
// path that ends in '/', and a pattern ending in '/' every path under it.
// When several patterns match, the most specific wins; NewCatalog refuses
// two patterns that could match the same request with neither more
// specific, as ServeMux panics on them.
type Catalog struct {
	routes    []Route
	byPattern map[string]*route
	byMethod  map[string]*node // method -> tree; "" is the any-method tree
	perms     []string
}

// route is one catalog entry with its wildcard names.
type route struct {
	Route
	names []string
}

// NewCatalog checks and indexes routes. A malformed pattern is
// ErrBadPattern, a malformed permission a *PermissionError, and two routes
// that conflict ErrConflict; each error names the pattern.
func NewCatalog(routes []Route) (*Catalog, error) {
	c := &Catalog{
		routes:    slices.Clone(routes),
		byPattern: make(map[string]*route, 2*len(routes)),
		byMethod:  map[string]*node{},
	}
	pats := make([]*pattern, len(routes))
	for i, rt := range routes {
		p, canon, err := parsePattern(rt.Pattern)
		if err != nil {
			return nil, err
		}
		if _, err := ParsePermission(rt.Permission); err != nil {
			return nil, fmt.Errorf("scope: route %s: %w", quotePattern(rt.Pattern), err)
		}
		for j, q := range pats[:i] {
			if conflicts(p, q) {
				return nil, fmt.Errorf("%w: %s and %s match some request alike, neither more specific",
					ErrConflict, quotePattern(routes[j].Pattern), quotePattern(rt.Pattern))
			}
		}
		pats[i] = p
		r := &route{Route: rt, names: p.names}
		c.byPattern[rt.Pattern] = r
		c.byPattern[canon] = r
		c.tree(p.method).insert(p.segs, r)
		c.perms = append(c.perms, rt.Permission)
	}
	slices.Sort(c.perms)
	c.perms = slices.Compact(c.perms)
	return c, nil
}

func (c *Catalog) tree(method string) *node {
	n := c.byMethod[method]
	if n == nil {
		n = &node{}
		c.byMethod[method] = n
	}
	return n
}

// Resolve finds the route for a request: method as sent, path as
// url.URL.EscapedPath returns it, which is what ServeMux matches on.
// Segments are unescaped before they are compared, and parameters come
// back unescaped, as from http.Request.PathValue; a malformed escape is
// taken as written, as ServeMux does. A path that is not clean ("//", "."
// or ".." segments, in its escaped form), or that matches no route, is
// ErrNoRoute: ServeMux would redirect the first and answer 404 or 405 to
// the second, so no route's handler runs for either. Resolve allocates
// only to unescape a segment that contains '%'.
func (c *Catalog) Resolve(method, path string) (Match, error) {
	var m Match
	if !isCleanPath(path) {
		return m, ErrNoRoute
	}
	r := c.byMethod[method].match(path, &m)
	if r == nil && method == "HEAD" {
		r = c.byMethod["GET"].match(path, &m)
	}
	if r == nil && method != "" {
		r = c.byMethod[""].match(path, &m)
	}
	if r == nil {
		return Match{}, ErrNoRoute
	}
	m.Pattern, m.Permission, m.names = r.Pattern, r.Permission, r.names
	return m, nil
}

// Lookup returns the route registered under pattern, for a request that a
// ServeMux already routed (http.Request.Pattern); the pattern may also be
// given in the catalog's canonical "METHOD /path" spelling. The Match
// carries no parameter values: read them with http.Request.PathValue.
func (c *Catalog) Lookup(pattern string) (Match, bool) {
	r, ok := c.byPattern[pattern]
	if !ok {
		return Match{}, false
	}
	return Match{Pattern: r.Pattern, Permission: r.Permission, names: r.names}, true
}

// Permissions returns every permission the catalog uses, sorted and
// unique, as for the scopes_supported of RFC 8414 metadata.
func (c *Catalog) Permissions() []string { return slices.Clone(c.perms) }

// Routes returns a copy of the routes in the order given to NewCatalog, for
// a page that shows which routes a permission opens (package console does).
func (c *Catalog) Routes() []Route { return slices.Clone(c.routes) }
