package scope

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// grantUniverse is a small tree of permissions, /{ns}/{p}/{r}/{a}, so that
// random policies overlap, nest and carve out often.
func grantUniverse() []string {
	var all []string
	for _, ns := range []string{"a", "b"} {
		for _, p := range []string{"m", "n"} {
			for _, r := range []string{"x", "y"} {
				for _, a := range []string{"read", "write"} {
					all = append(all, fmt.Sprintf("/%s/%s/%s/%s", ns, p, r, a))
				}
			}
		}
	}
	return all
}

// randomGrant is a permission of the universe or a wildcard above one.
func randomGrant(r *rand.Rand, all []string) string {
	p := all[r.IntN(len(all))]
	segs := strings.Split(p, "/")[1:]
	if n := r.IntN(4); n > 0 {
		return "/" + strings.Join(segs[:4-n], "/") + "/*"
	}
	return p
}

func grantCatalog(t *testing.T, perms []string) *Catalog {
	t.Helper()
	routes := make([]Route, len(perms))
	for i, p := range perms {
		routes[i] = Route{Pattern: "GET " + p, Permission: p}
	}
	c, err := NewCatalog(routes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFullGrantCoversExactlyWhatThePolicyAllows: over random policies, the
// full grant's scope covers a catalog permission exactly when the policy
// allows it, deny carve-outs included. Without a catalog it still covers
// everything the policy allows.
func TestFullGrantCoversExactlyWhatThePolicyAllows(t *testing.T) {
	all := grantUniverse()
	c := grantCatalog(t, all)
	r := rand.New(rand.NewPCG(1, 2))
	carved := 0
	for range 5000 {
		var allow, deny []string
		for range 1 + r.IntN(4) {
			allow = append(allow, randomGrant(r, all))
		}
		for range r.IntN(4) {
			deny = append(deny, randomGrant(r, all))
		}
		p, err := NewPolicy(allow, deny)
		if err != nil {
			t.Fatal(err)
		}
		if p.carveOut {
			carved++
		}
		withCatalog := FormatScope(p.FullGrant(c))
		without := FormatScope(p.FullGrant(nil))
		for _, q := range all {
			if got, want := Covers(withCatalog, q), p.Allows(q); got != want {
				t.Fatalf("allow %q deny %q: full grant %q covers %s: %v, policy allows it: %v", allow, deny, withCatalog, q, got, want)
			}
			if p.Allows(q) && !Covers(without, q) {
				t.Fatalf("allow %q deny %q: full grant without a catalog %q misses allowed %s", allow, deny, without, q)
			}
		}
	}
	if carved < 500 {
		t.Fatalf("only %d of 5000 random policies had carve-outs: the test is not exercising them", carved)
	}
}

func TestGrantReadsAScopeAgainstTheCurrentPolicy(t *testing.T) {
	all := grantUniverse()
	c := grantCatalog(t, all)
	for _, tc := range []struct {
		name        string
		allow, deny []string
		scope       string
		catalog     *Catalog
		want        string
	}{
		{"a permission still allowed is kept", []string{"/a/m/x/read"}, nil, "/a/m/x/read", c, "/a/m/x/read"},
		{"a permission dropped from the policy is dropped", []string{"/a/m/x/read"}, nil, "/a/m/x/read /a/m/x/write", c, "/a/m/x/read"},
		{"a permission denied since is dropped", []string{"/a/*"}, []string{"/a/m/x/write"}, "/a/m/x/read /a/m/x/write", c, "/a/m/x/read"},
		{"a wildcard still allowed whole is kept", []string{"/a/*"}, nil, "/a/m/*", c, "/a/m/*"},
		{"a wildcard carved since becomes its allowed catalog permissions", []string{"/a/*"}, []string{"/a/m/x/*"}, "/a/m/*", c, "/a/m/y/read /a/m/y/write"},
		{"a wildcard narrowed since becomes what is left", []string{"/a/m/x/read"}, nil, "/a/*", c, "/a/m/x/read"},
		{"a wildcard denied whole is dropped", []string{"/a/*"}, []string{"/a/m/*"}, "/a/m/*", c, ""},
		{"without a catalog a covered carved wildcard is kept", []string{"/a/*"}, []string{"/a/m/x/*"}, "/a/m/*", nil, "/a/m/*"},
		{"without a catalog a narrowed wildcard becomes the allow entries under it", []string{"/a/m/x/read", "/b/*"}, nil, "/a/*", nil, "/a/m/x/read"},
		{"malformed entries are dropped", []string{"/a/*"}, nil, "/a/m/x/read nonsense /a/*/x", c, "/a/m/x/read"},
		{"what a kept wildcard covers is not listed again", []string{"/a/*"}, []string{"/a/n/*"}, "/a/* /a/m/*", c, "/a/m/*"},
		{"duplicates appear once", []string{"/a/*"}, nil, "/a/m/x/read /a/m/x/read", c, "/a/m/x/read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPolicy(tc.allow, tc.deny)
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatScope(p.Grant(strings.Fields(tc.scope), tc.catalog)); got != tc.want {
				t.Errorf("Grant(%q) = %q, want %q", tc.scope, got, tc.want)
			}
		})
	}
}

func TestNarrowRefusesMoreThanMaxPolicyEntries(t *testing.T) {
	p, err := NewPolicy([]string{"/a/*"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var requested []string
	for i := range MaxPolicyEntries {
		requested = append(requested, fmt.Sprintf("/a/m/x/r%d", i))
	}
	if got, err := p.Narrow(requested); err != nil || len(got) != MaxPolicyEntries {
		t.Fatalf("Narrow of %d permissions: %d, %v; want all of them", MaxPolicyEntries, len(got), err)
	}
	if got, err := p.Narrow(append(slices.Clone(requested), requested[0])); err != nil || len(got) != MaxPolicyEntries {
		t.Fatalf("a duplicate does not count: %d, %v", len(got), err)
	}
	if _, err := p.Narrow(append(requested, "/a/m/x/one-more")); !errors.Is(err, ErrTooManyEntries) {
		t.Fatalf("Narrow of %d permissions: %v, want ErrTooManyEntries", MaxPolicyEntries+1, err)
	}
}
