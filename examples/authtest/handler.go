package authtest

import (
	"fmt"
	"net/http"

	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

// Routes are the API's routes and their permissions.
var Routes = []scope.Route{
	{Pattern: "GET /v1/Accounts/{AccountSid}/Calls", Permission: "/demo/voice/calls/list"},
	{Pattern: "DELETE /v1/Accounts/{AccountSid}/Calls/{CallSid}", Permission: "/demo/voice/calls/delete"},
}

// NewHandler is the API: each route behind the server's bearer middleware.
func NewHandler(srv *oauthhttp.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Routes[0].Pattern, srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := oauthhttp.IdentityFrom(r.Context())
		fmt.Fprintf(w, "calls of %s\n", id.AccountSID)
	})))
	mux.Handle(Routes[1].Pattern, srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	return mux
}
