package scope

import (
	"fmt"
	"net/http"
	"testing"
)

// benchPolicy builds a 100-entry policy: 70 exact and 20 wildcard allow
// entries, 10 deny entries (some exact, some wildcard) carved out of them.
func benchPolicy(tb testing.TB) *Policy {
	tb.Helper()
	var allow, deny []string
	for i := range 10 {
		allow = append(allow, fmt.Sprintf("/ns%d/wild/*", i), fmt.Sprintf("/ns%d/p9/r.sub/*", i))
		for j := range 7 {
			allow = append(allow, fmt.Sprintf("/ns%d/p%d/r/read", i, j))
		}
		if i%2 == 0 {
			deny = append(deny, fmt.Sprintf("/ns%d/wild/secret/*", i))
		} else {
			deny = append(deny, fmt.Sprintf("/ns%d/wild/r/delete", i))
		}
	}
	p, err := NewPolicy(allow, deny)
	if err != nil {
		tb.Fatal(err)
	}
	if n := len(p.Allow()) + len(p.Deny()); n != 100 {
		tb.Fatalf("bench policy has %d entries after normalising, want 100", n)
	}
	return p
}

// benchQueries mixes allowed, denied and unknown permissions.
func benchQueries() []string {
	return []string{
		"/ns3/p4/r/read",              // exact allow
		"/ns7/wild/things/list",       // under an allow wildcard
		"/ns4/wild/secret/read",       // under a deny wildcard
		"/ns5/wild/r/delete",          // exact deny under an allow wildcard
		"/ns2/p8/r/read",              // not in the policy
		"/ns6/p9/r.sub/update",        // under a resource wildcard
		"/other/messaging/x/read",     // another namespace
		"/ns1/p1/messages.media/read", // sibling of an exact entry
	}
}

func BenchmarkPolicyAllows(b *testing.B) {
	p := benchPolicy(b)
	qs := benchQueries()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Allows(qs[i%len(qs)])
	}
}

func BenchmarkCovers(b *testing.B) {
	scope := "/ns1/p1/r/read /ns2/wild/* /ns3/p3/r/read /ns4/*"
	qs := benchQueries()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Covers(scope, qs[i%len(qs)])
	}
}

// benchRoutes builds a 200-route API: 20 resources under an account,
// each with list, create, read, update and delete, and a sub-resource
// with list, create, read, update and delete.
func benchRoutes() []Route {
	var routes []Route
	crud := func(base, item, perm string) {
		for _, r := range []struct{ method, path, action string }{
			{"GET", base, "list"}, {"POST", base, "create"},
			{"GET", base + item, "read"}, {"POST", base + item, "update"},
			{"DELETE", base + item, "delete"},
		} {
			routes = append(routes, Route{r.method + " " + r.path, perm + "/" + r.action})
		}
	}
	for i := range 20 {
		base := fmt.Sprintf("/2010-04-01/Accounts/{AccountSid}/Res%d", i)
		crud(base, "/{Sid}", fmt.Sprintf("/demo/api/res%d", i))
		crud(fmt.Sprintf("%s/{Sid}/Sub%d", base, i), "/{SubSid}", fmt.Sprintf("/demo/api/res%d.sub", i))
	}
	return routes
}

// benchRequests are resolved by BenchmarkCatalogResolve: shallow, deep
// and sub-resource routes, and a method with no route.
var benchRequests = [][2]string{
	{"GET", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Res7"},
	{"GET", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Res13/SM0123456789abcdef0123456789abcdef"},
	{"DELETE", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Res19/SM01/Sub19/XX02"},
	{"POST", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Res3/SM01/Sub3"},
	{"PUT", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Res3"}, // no route
}

func BenchmarkCatalogResolve(b *testing.B) {
	c, err := NewCatalog(benchRoutes())
	if err != nil {
		b.Fatal(err)
	}
	if n := len(c.routes); n != 200 {
		b.Fatalf("%d routes, want 200", n)
	}
	reqs := benchRequests
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := reqs[i%len(reqs)]
		if _, err := c.Resolve(r[0], r[1]); (err == nil) == (r[0] == "PUT") {
			b.Fatal(r, err)
		}
	}
}

func BenchmarkCatalogLookup(b *testing.B) {
	c, err := NewCatalog(benchRoutes())
	if err != nil {
		b.Fatal(err)
	}
	pattern := "GET /2010-04-01/Accounts/{AccountSid}/Res13/{Sid}"
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Lookup(pattern); !ok {
			b.Fatal("no route")
		}
	}
}

// BenchmarkFloorMapLookup is the floor for BenchmarkPolicyAllows: one
// map lookup of the same permissions in a 100-key map.
func BenchmarkFloorMapLookup(b *testing.B) {
	m := map[string]uint8{}
	for _, e := range append(benchPolicy(b).Allow(), benchPolicy(b).Deny()...) {
		m[e] = 1
	}
	qs := benchQueries()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = m[qs[i%len(qs)]]
	}
}

// BenchmarkFloorServeMux is the floor for BenchmarkCatalogResolve: a
// net/http.ServeMux finding the handler for the same requests among the
// same 200 patterns.
func BenchmarkFloorServeMux(b *testing.B) {
	routes := benchRoutes()
	mux := routeMux(routes)
	var reqs []*http.Request
	for _, r := range benchRequests {
		req, err := http.NewRequest(r[0], "http://h"+r[1], nil)
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, req)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		mux.Handler(reqs[i%len(reqs)])
	}
}
