package scope

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// apiRoutes is a small API in the style the library serves.
var apiRoutes = []Route{
	{"GET /v1/Accounts/{AccountSid}/Messages", "/demo/messaging/messages/list"},
	{"POST /v1/Accounts/{AccountSid}/Messages", "/demo/messaging/messages/create"},
	{"GET /v1/Accounts/{AccountSid}/Messages/{Sid}", "/demo/messaging/messages/read"},
	{"DELETE /v1/Accounts/{AccountSid}/Messages/{Sid}", "/demo/messaging/messages/delete"},
	{"GET /v1/Accounts/{AccountSid}/Messages/Summary", "/demo/messaging/summary/read"},
	{"GET /v1/Accounts/{AccountSid}/Media/{Path...}", "/demo/messaging/media/read"},
	{"GET /v1/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}", "/demo/voice/calls.recordings/read"},
	{"HEAD /v1/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}", "/demo/voice/calls.recordings/head"},
	{"GET /v1/Files/", "/demo/files/files/list"},
	{"GET /v1/Files/{$}", "/demo/files/index/read"},
	{"/v1/Health", "/demo/ops/health/read"},
	{"GET\t /v1/Odd%20Name", "/demo/ops/odd/read"},
}

func apiCatalog(tb testing.TB) *Catalog {
	tb.Helper()
	c, err := NewCatalog(apiRoutes)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCatalogResolve(t *testing.T) {
	c := apiCatalog(t)
	tests := []struct {
		name, method, path string
		wantPerm           string // "" means ErrNoRoute
		params             map[string]string
	}{
		{"list with the account parameter", "GET", "/v1/Accounts/AC1/Messages", "/demo/messaging/messages/list", map[string]string{"AccountSid": "AC1"}},
		{"method selects the route", "POST", "/v1/Accounts/AC1/Messages", "/demo/messaging/messages/create", nil},
		{"two parameters", "GET", "/v1/Accounts/AC1/Messages/SM2", "/demo/messaging/messages/read", map[string]string{"AccountSid": "AC1", "Sid": "SM2"}},
		{"literal beats a wildcard", "GET", "/v1/Accounts/AC1/Messages/Summary", "/demo/messaging/summary/read", map[string]string{"Sid": ""}},
		{"HEAD route beats GET for HEAD", "HEAD", "/v1/Accounts/AC1/Calls/CA2/Recordings/RE3", "/demo/voice/calls.recordings/head", nil},
		{"GET route also serves HEAD", "HEAD", "/v1/Accounts/AC1/Messages", "/demo/messaging/messages/list", nil},
		{"unregistered method has no route", "PUT", "/v1/Accounts/AC1/Messages/SM2", "", nil},
		{"rest wildcard takes the rest of the path", "GET", "/v1/Accounts/AC1/Media/a/b/c.png", "/demo/messaging/media/read", map[string]string{"Path": "a/b/c.png", "AccountSid": "AC1"}},
		{"rest wildcard matches an empty rest after a slash", "GET", "/v1/Accounts/AC1/Media/", "/demo/messaging/media/read", map[string]string{"Path": ""}},
		{"rest wildcard needs the slash", "GET", "/v1/Accounts/AC1/Media", "", nil},
		{"deep route with three parameters", "GET", "/v1/Accounts/AC1/Calls/CA2/Recordings/RE3", "/demo/voice/calls.recordings/read", map[string]string{"CallSid": "CA2", "Sid": "RE3"}},
		{"{$} matches only the slash itself", "GET", "/v1/Files/", "/demo/files/index/read", nil},
		{"trailing slash matches the subtree", "GET", "/v1/Files/a/b", "/demo/files/files/list", nil},
		{"trailing-slash pattern does not match without the slash", "GET", "/v1/Files", "", nil},
		{"single wildcard does not match a trailing slash", "GET", "/v1/Accounts/AC1/Messages/", "", nil},
		{"pattern without a method matches any method", "PATCH", "/v1/Health", "/demo/ops/health/read", nil},
		{"parameters are unescaped", "GET", "/v1/Accounts/AC%2F1/Messages", "/demo/messaging/messages/list", map[string]string{"AccountSid": "AC/1"}},
		{"escaped literal matches its pattern", "GET", "/v1/Odd%20Name", "/demo/ops/odd/read", nil},
		{"dot-dot path has no route", "GET", "/v1/Accounts/AC1/../AC2/Messages", "", nil},
		{"escaped dot-dot is a segment like any other", "GET", "/v1/Accounts/%2e%2e/Messages", "/demo/messaging/messages/list", map[string]string{"AccountSid": ".."}},
		{"double slash has no route", "GET", "/v1//Accounts/AC1/Messages", "", nil},
		{"bad escape is taken as written", "GET", "/v1/Accounts/%zz/Messages", "/demo/messaging/messages/list", map[string]string{"AccountSid": "%zz"}},
		{"trailing dot segment has no route", "GET", "/v1/Health/.", "", nil},
		{"relative path has no route", "GET", "v1/Health", "", nil},
		{"empty path has no route", "GET", "", "", nil},
		{"unknown path has no route", "GET", "/v2/Health", "", nil},
		{"methods are case-sensitive", "get", "/v1/Accounts/AC1/Messages", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := c.Resolve(tt.method, tt.path)
			if tt.wantPerm == "" {
				if !errors.Is(err, ErrNoRoute) || m.Pattern != "" {
					t.Fatalf("Resolve = %+v, %v; want ErrNoRoute", m, err)
				}
				return
			}
			if err != nil || m.Permission != tt.wantPerm {
				t.Fatalf("Resolve = %q, %v; want %q", m.Permission, err, tt.wantPerm)
			}
			for name, want := range tt.params {
				if got := m.Param(name); got != want {
					t.Errorf("Param(%q) = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestCatalogLookup(t *testing.T) {
	c := apiCatalog(t)
	tests := []struct {
		name, pattern, want string
	}{
		{"pattern as registered", "GET /v1/Accounts/{AccountSid}/Messages/{Sid}", "/demo/messaging/messages/read"},
		{"odd spacing as registered", "GET\t /v1/Odd%20Name", "/demo/ops/odd/read"},
		{"canonical spelling of the same pattern", "GET /v1/Odd%20Name", "/demo/ops/odd/read"},
		{"unknown pattern", "GET /v1/Nope", ""},
		{"a path is not a pattern", "GET /v1/Accounts/AC1/Messages", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := c.Lookup(tt.pattern)
			if ok != (tt.want != "") || m.Permission != tt.want {
				t.Fatalf("Lookup = %+v, %v; want %q", m, ok, tt.want)
			}
			if ok && m.Param("AccountSid") != "" {
				t.Error("Lookup returned a parameter value")
			}
		})
	}
}

func TestCatalogLookupMatchesServeMuxPattern(t *testing.T) {
	c := apiCatalog(t)
	mux := http.NewServeMux()
	for _, r := range apiRoutes {
		mux.HandleFunc(r.Pattern, func(w http.ResponseWriter, req *http.Request) {
			m, ok := c.Lookup(req.Pattern)
			if !ok {
				t.Errorf("Lookup(%q) found nothing", req.Pattern)
			}
			w.Header().Set("Permission", m.Permission)
		})
	}
	req := httptest.NewRequest("DELETE", "/v1/Accounts/AC1/Messages/SM1", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if got := rec.Header().Get("Permission"); got != "/demo/messaging/messages/delete" {
		t.Errorf("permission via Request.Pattern = %q", got)
	}
}

func TestCatalogPermissions(t *testing.T) {
	c, err := NewCatalog([]Route{
		{"GET /b", "/demo/b/b/read"},
		{"GET /a", "/demo/a/a/read"},
		{"POST /a", "/demo/a/a/read"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Permissions(), []string{"/demo/a/a/read", "/demo/b/b/read"}; !slices.Equal(got, want) {
		t.Errorf("Permissions() = %q, want %q", got, want)
	}
	if got := c.routes; len(got) != 3 || got[0].Pattern != "GET /b" {
		t.Errorf("routes = %v, want the routes in order", got)
	}
}

func TestNewCatalogRejects(t *testing.T) {
	const perm = "/demo/p/r/read"
	tests := []struct {
		name    string
		routes  []string // patterns, each with perm, unless permission set
		perm    string
		wantErr error
	}{
		{"empty pattern", []string{""}, "", ErrBadPattern},
		{"method without a path", []string{"GET"}, "", ErrBadPattern},
		{"host pattern", []string{"GET example.com/x"}, "", ErrBadPattern},
		{"method that is not a token", []string{"G(T /x"}, "", ErrBadPattern},
		{"unclosed wildcard", []string{"GET /a/{x"}, "", ErrBadPattern},
		{"wildcard inside a segment", []string{"GET /a/x{y}"}, "", ErrBadPattern},
		{"rest wildcard not at the end", []string{"GET /a/{x...}/b"}, "", ErrBadPattern},
		{"{$} not at the end", []string{"GET /a/{$}/b"}, "", ErrBadPattern},
		{"wildcard name not an identifier", []string{"GET /a/{1x}"}, "", ErrBadPattern},
		{"empty wildcard name", []string{"GET /a/{}"}, "", ErrBadPattern},
		{"duplicate wildcard name", []string{"GET /a/{x}/{x}"}, "", ErrBadPattern},
		{"unclean path", []string{"GET /a/../b"}, "", ErrBadPattern},
		{"double slash", []string{"GET /a//b"}, "", ErrBadPattern},
		{"too many wildcards", []string{"GET /{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}"}, "", ErrBadPattern},
		{"wildcard permission", []string{"GET /a"}, "/demo/*", ErrInvalidPermission},
		{"empty permission", []string{"GET /a"}, "", ErrInvalidPermission},
		{"same pattern twice", []string{"GET /a/{x}", "GET /a/{x}"}, perm, ErrConflict},
		{"same pattern, other wildcard name", []string{"GET /a/{x}", "GET /a/{y}"}, perm, ErrConflict},
		{"same pattern, other spacing", []string{"GET /a", "GET  /a"}, perm, ErrConflict},
		{"crossed wildcards overlap", []string{"GET /a/{x}", "GET /{y}/b"}, perm, ErrConflict},
		{"fewer methods but a more general path", []string{"GET /a/{x}", "/a/b"}, perm, ErrConflict},
		{"HEAD with a more general path than GET", []string{"HEAD /a/{x}", "GET /a/b"}, perm, ErrConflict},
		{"trailing slash equals a rest wildcard", []string{"GET /a/", "GET /a/{rest...}"}, perm, ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var routes []Route
			for _, p := range tt.routes {
				routes = append(routes, Route{Pattern: p, Permission: tt.perm})
			}
			if tt.wantErr == ErrBadPattern {
				routes[0].Permission = perm
			}
			c, err := NewCatalog(routes)
			if c != nil || !errors.Is(err, tt.wantErr) {
				t.Fatalf("NewCatalog = %v, %v; want %v", c, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), quotePattern(tt.routes[len(tt.routes)-1])) {
				t.Errorf("error %q does not name the pattern", err)
			}
		})
	}
}

// servemuxPatterns are single patterns tried in pairs against ServeMux.
var servemuxPatterns = []string{
	"/", "/{$}", "GET /", "/a", "/a/", "/a/{$}", "GET /a", "HEAD /a", "POST /a",
	"/a/b", "GET /a/b", "/a/{x}", "GET /a/{x}", "HEAD /a/{x}", "GET /{x}/b",
	"/{x}/{y}", "GET /a/{x...}", "/a/{x}/", "GET /a/{x}/{$}", "/{x...}",
	"GET /a/b/c", "GET /a/{x}/c", "GET /{x}/b/{y...}", "DELETE /a/{x}",
	"GET /a/%62", "/b/{x}/{y}/", "GET /b/c/{x}/",
}

// TestCatalogConflictsAgreeWithServeMux registers every pair of patterns
// on a ServeMux and on a catalog: the catalog refuses exactly the pairs
// the mux panics on.
func TestCatalogConflictsAgreeWithServeMux(t *testing.T) {
	for i, a := range servemuxPatterns {
		for _, b := range servemuxPatterns[i+1:] {
			_, err := NewCatalog([]Route{{a, "/d/p/r/read"}, {b, "/d/p/r/list"}})
			if muxPanics(a, b) != errors.Is(err, ErrConflict) {
				t.Errorf("%q with %q: mux panics %v, catalog error %v", a, b, !errors.Is(err, ErrConflict), err)
			}
		}
	}
}

func muxPanics(patterns ...string) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	mux := http.NewServeMux()
	for _, p := range patterns {
		mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	return false
}

func TestResolveDoesNotAllocate(t *testing.T) {
	c := apiCatalog(t)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = c.Resolve("GET", "/v1/Accounts/AC1/Calls/CA2/Recordings/RE3")
		_, _ = c.Resolve("GET", "/v1/Accounts/AC1/Media/a/b/c")
		_, _ = c.Resolve("PUT", "/v1/Accounts/AC1/Messages/SM2")
	})
	if allocs != 0 {
		t.Errorf("Resolve allocates %v times per run", allocs)
	}
}
