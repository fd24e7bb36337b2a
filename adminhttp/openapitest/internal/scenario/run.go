package scenario

import (
	"net/http"
	"testing"
)

// A case is one behaviour of the API, run on a fresh API.
type testCase struct {
	name string
	run  func(t *testing.T, e *env)
}

// Run runs every case of the suite, each on a fresh API whose mux is
// wrapped with wrap (nil: none).
func Run(t *testing.T, wrap func(http.Handler) http.Handler) {
	t.Helper()
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"create", createCases},
		{"list", listCases},
		{"fetch", fetchCases},
		{"update", updateCases},
		{"delete", deleteCases},
		{"rotate", rotateCases},
		{"default grace", graceCases},
		{"secrets", secretCases},
		{"client keys", keyCases},
		{"federated credentials", credentialCases},
		{"resources", resourceCases},
		{"dpop", dpopCases},
		{"roles and accounts", accessCases},
		{"idempotency", idempotencyCases},
		{"bodies", bodyCases},
		{"cross-origin requests", crossOriginCases},
		{"document", documentCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, newEnv(t, wrap))
				})
			}
		})
	}
}
