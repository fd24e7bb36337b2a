package main

import (
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// adminDemo is what -demo adds to its line for the management API.
type adminDemo struct {
	// AdminBase is the URL of the OAuthApps collection.
	AdminBase string `json:"admin_base"`
	// AdminToken is a bearer token the server's authenticator maps to
	// the demo Owner.
	AdminToken string `json:"admin_token"`
	// AdminOpenAPI is the URL of the API's OpenAPI document.
	AdminOpenAPI string `json:"admin_openapi"`
}

// admin is the management API and the people who may call it: a bearer
// token per person. A real host authenticates its users its own way (a
// session, its own API keys) and maps them to an Actor just as this does.
type admin struct {
	api  *adminhttp.API
	base string

	mu     sync.Mutex
	actors map[[sha256.Size]byte]oauthapp.Actor // by the token's hash
}

var errUnknownAdminToken = errors.New("tokenserver: no such admin token")

// registerAdmin registers the management API on mux under the default prefix,
// with URLs under base.
func registerAdmin(mux *http.ServeMux, svc *oauthapp.Service, base string, logger *slog.Logger) (*admin, error) {
	a := &admin{base: base, actors: make(map[[sha256.Size]byte]oauthapp.Actor)}
	api, err := adminhttp.New(svc, a.authenticate, adminhttp.WithBaseURL(base), adminhttp.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	api.Register(mux)
	a.api = api
	return a, nil
}

// authenticate maps "Authorization: Bearer <admin token>" to its person.
func (a *admin) authenticate(r *http.Request) (oauthapp.Actor, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return oauthapp.Actor{}, errUnknownAdminToken
	}
	a.mu.Lock()
	actor, found := a.actors[sha256.Sum256([]byte(tok))]
	a.mu.Unlock()
	if !found {
		return oauthapp.Actor{}, errUnknownAdminToken
	}
	return actor, nil
}

// grant makes a new admin token for the person and returns the demo
// line's admin fields.
func (a *admin) grant(actor oauthapp.Actor) adminDemo {
	tok := "adm_" + randomToken()
	a.mu.Lock()
	a.actors[sha256.Sum256([]byte(tok))] = actor
	a.mu.Unlock()
	return adminDemo{
		AdminBase:    a.base + a.api.CollectionPath(),
		AdminToken:   tok,
		AdminOpenAPI: a.base + a.api.OpenAPIPath(),
	}
}
