package oauthhttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oauthapps/oauthapps/oauthhttp"
)

// A plain handler function goes behind ProtectFunc as a Handler goes
// behind Protect: it runs for a token with the route's permission, with
// the identity in its context, and never without one.
func TestProtectFuncGuardsAHandlerFunction(t *testing.T) {
	f := newFixture(t)
	calls := 0
	list := func(w http.ResponseWriter, r *http.Request) {
		calls++
		id, _ := oauthhttp.IdentityFrom(r.Context())
		_, _ = w.Write([]byte(id.AccountSID))
	}
	mux := http.NewServeMux()
	mux.Handle(routes[0].Pattern, f.srv.ProtectFunc(list))
	path := "/v1/Accounts/" + f.app.AccountSID + "/Messages"

	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+f.token(t, permList))
	if w := serve(mux, r); w.Code != 200 || w.Body.String() != f.app.AccountSID {
		t.Fatalf("with a token: got %d %q, want 200 %q", w.Code, w.Body, f.app.AccountSID)
	}
	if w := serve(mux, httptest.NewRequest("GET", path, nil)); w.Code != 401 {
		t.Fatalf("without a token: got %d, want 401", w.Code)
	}
	r = httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+f.token(t, permRead))
	if w := serve(mux, r); w.Code != 403 {
		t.Fatalf("with a token lacking the permission: got %d, want 403", w.Code)
	}
	if calls != 1 {
		t.Fatalf("the handler ran %d times, want once", calls)
	}
}
