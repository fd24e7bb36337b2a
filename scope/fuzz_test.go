package scope

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func FuzzParsePermission(f *testing.F) {
	for _, s := range []string{
		"/demo/messaging/messages/read", "/demo/voice/calls.recordings/read",
		"/demo/messaging/*", "/demo/*", "/*", "", "/a//b/c", "/a/b/c/d/",
		"/A/b/c/d", "/a/b*/c/d", "/a/b/c/d/*", "/a/.b/c/d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePermission(s)
		g, gerr := ParseGrant(s)
		for _, e := range []error{err, gerr} {
			var pe *PermissionError
			if e != nil && (!errors.As(e, &pe) || pe.Offset < 0 || pe.Offset > len(s)) {
				t.Fatalf("error %v: want a *PermissionError with an offset in range", e)
			}
		}
		if err == nil {
			if gerr != nil || p.String() != s || strings.Contains(s, "*") {
				t.Fatalf("permission %q: grant error %v, string %q", s, gerr, p)
			}
			again, err := ParsePermission(p.String())
			if err != nil || again != p {
				t.Fatalf("%q did not re-parse to itself: %q, %v", s, again, err)
			}
			if !Covers(s, s) || !Covers("/x/* "+s, s) {
				t.Fatalf("scope %q does not cover itself", s)
			}
		}
		if gerr == nil {
			if g.String() != s {
				t.Fatalf("grant %q came back as %q", s, g)
			}
			pol, err := NewPolicy([]string{s}, nil)
			if err != nil || FormatScope(pol.Allow()) != s {
				t.Fatalf("grant %q does not make a policy: %v", s, err)
			}
			if _, wild := cutWildcard(g.String()); pol.Allows(s) == wild {
				t.Fatalf("policy of %q: Allows(itself) = %v", s, pol.Allows(s))
			}
		}
	})
}

func FuzzParsePolicyJSON(f *testing.F) {
	for _, s := range []string{
		`{"allow":["/demo/messaging/*"],"deny":["/demo/messaging/messages/delete"]}`,
		`{"allow":[],"deny":[]}`, `{}`, `{"deny":["/a/*"]}`,
		`{"allow":["/a/b/c/d","/a/b/c/d","/a/*"]}`,
		`{"allow":["/a/b/c/d"],"allow":[]}`, `{"allow":null}`, `{"allow":[1]}`,
		`{"allow":["/a/b/c/d"]} x`, `{"alow":[]}`, `[]`, `{"allow":["\u002fa/b/c/d"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicyJSON(data)
		if err != nil {
			if p != nil {
				t.Fatal("policy returned with an error")
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Policy
		if err := json.Unmarshal(out, &q); err != nil {
			t.Fatalf("%s did not re-parse: %v", out, err)
		}
		if !samePolicy(&q, p) {
			t.Fatalf("round trip changed the policy: %s", out)
		}
		again, err := json.Marshal(&q)
		if err != nil || string(again) != string(out) {
			t.Fatalf("re-serialised %s as %s (%v)", out, again, err)
		}
		for _, a := range p.Allow() {
			if _, wild := cutWildcard(a); !wild && !p.Allows(a) {
				t.Fatalf("exact allow entry %q is not allowed", a)
			}
		}
		for _, d := range p.Deny() {
			if p.Allows(d) {
				t.Fatalf("deny entry %q is allowed", d)
			}
		}
	})
}

// FuzzCatalogResolve resolves arbitrary requests: Resolve never panics,
// and agrees with a ServeMux holding the same patterns on whether a route
// matches, which one, and its parameters.
func FuzzCatalogResolve(f *testing.F) {
	c := apiCatalog(f)
	mux := routeMux(apiRoutes)
	for _, s := range [][2]string{
		{"GET", "/v1/Accounts/AC1/Messages/SM2"}, {"HEAD", "/v1/Accounts/AC1/Messages"},
		{"GET", "/v1/Accounts/AC1/Media/a/%2F/b"}, {"GET", "/v1/Files/"}, {"PATCH", "/v1/Health"},
		{"GET", "/v1/Accounts/AC1/%2e%2e/Messages"}, {"GET", "/v1/Odd%20Name"}, {"GET", "//"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		m, err := c.Resolve(method, path)
		if err == nil {
			if r, ok := c.Lookup(m.Pattern); !ok || r.Permission != m.Permission {
				t.Fatalf("Resolve(%q, %q) = %+v: not a catalog route", method, path, m)
			}
		} else if !errors.Is(err, ErrNoRoute) {
			t.Fatalf("Resolve error %v is not ErrNoRoute", err)
		}
		checkAgainstMux(t, c, mux, method, path)
	})
}

// capture is a ResponseWriter that records which pattern served a request
// and its path values.
type capture struct {
	header  http.Header
	pattern string
	params  map[string]string
}

func (w *capture) Header() http.Header         { return w.header }
func (w *capture) Write(b []byte) (int, error) { return len(b), nil }
func (w *capture) WriteHeader(int)             {}

func routeMux(routes []Route) *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range routes {
		p, _, err := parsePattern(r.Pattern)
		if err != nil {
			panic(err)
		}
		mux.HandleFunc(r.Pattern, func(w http.ResponseWriter, req *http.Request) {
			cw := w.(*capture)
			cw.pattern = req.Pattern
			for _, name := range p.names {
				cw.params[name] = req.PathValue(name)
			}
		})
	}
	return mux
}

// checkAgainstMux serves method and path on mux and checks that the
// catalog resolves the request to the same route with the same values,
// or to ErrNoRoute when no route's handler runs.
func checkAgainstMux(t *testing.T, c *Catalog, mux *http.ServeMux, method, path string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://h"+path, nil)
	if err != nil || method == "CONNECT" || !strings.HasPrefix(path, "/") {
		return // not a request a server would route by this path
	}
	escaped := req.URL.EscapedPath()
	w := &capture{header: http.Header{}, params: map[string]string{}}
	mux.ServeHTTP(w, req)
	m, err := c.Resolve(req.Method, escaped)
	if w.pattern == "" {
		if err == nil {
			t.Fatalf("%s %q: catalog resolved %q, the mux served no route", method, escaped, m.Pattern)
		}
		return
	}
	if err != nil || m.Pattern != w.pattern {
		t.Fatalf("%s %q: catalog %q (%v), mux %q", method, escaped, m.Pattern, err, w.pattern)
	}
	for name, want := range w.params {
		if got := m.Param(name); got != want {
			t.Fatalf("%s %q: Param(%q) = %q, mux %q", method, escaped, name, got, want)
		}
	}
}

func TestCatalogResolveAgreesWithServeMux(t *testing.T) {
	c := apiCatalog(t)
	mux := routeMux(apiRoutes)
	methods := []string{"GET", "HEAD", "POST", "DELETE", "PATCH"}
	paths := []string{
		"/", "/v1/Health", "/v1/Health/", "/v1/Files", "/v1/Files/", "/v1/Files/x/y/",
		"/v1/Accounts/AC1/Messages", "/v1/Accounts/AC1/Messages/", "/v1/Accounts/AC1/Messages/SM2",
		"/v1/Accounts/AC1/Messages/Summary", "/v1/Accounts/AC%2F1/Messages/S%20M",
		"/v1/Accounts/AC1/Media/", "/v1/Accounts/AC1/Media/a/b%2Fc/", "/v1/Accounts/AC1/Media",
		"/v1/Accounts/AC1/Calls/CA2/Recordings/RE3", "/v1/Odd%20Name", "/v1/Odd Name",
		"/v1/Accounts/AC1/./Messages", "/v1/Accounts/AC1/%2E/Messages", "/v1/Accounts//Messages",
	}
	for _, method := range methods {
		for _, path := range paths {
			t.Run(method+" "+path, func(t *testing.T) { checkAgainstMux(t, c, mux, method, path) })
		}
	}
}

// FuzzParseScope compares ParseScope and ParseGrantScope with a plain
// reference (split on spaces, skip empty entries, keep the first of each
// duplicate, parse each new entry).
func FuzzParseScope(f *testing.F) {
	f.Add("/d/p/r/a /d/p/r/b /d/p/r/a", false)
	f.Add("  /d/p/*  /d/p/r/a ", true)
	f.Add("/d/p/r/a\t/d/p/r/b", false)
	f.Fuzz(func(t *testing.T, s string, grant bool) {
		var want []string
		var wantErr error
		seen := map[string]bool{}
		for _, e := range strings.Split(s, " ") {
			if e == "" || seen[e] {
				continue
			}
			if _, wantErr = parse(e, grant); wantErr != nil {
				want = nil
				break
			}
			seen[e] = true
			want = append(want, e)
		}
		parseFn := ParseScope
		if grant {
			parseFn = ParseGrantScope
		}
		got, err := parseFn(s)
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) || !slices.Equal(got, want) {
			t.Fatalf("%q: got %q, %v; want %q, %v", s, got, err, want, wantErr)
		}
	})
}
