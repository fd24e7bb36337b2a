package adminhttp

import (
	"fmt"
	"net/http"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Authenticator tells who is calling: it authenticates the person behind a
// request, by whatever means the host uses (a session cookie, an API key,
// a bearer token), and returns them as an Actor: the host's own user and
// account ids and the user's role there. An error is answered 401 and is
// never shown to the client. The API trusts the Actor it returns; every
// rule about roles and accounts is then the service's.
type Authenticator func(r *http.Request) (oauthapp.Actor, error)

// API is the management API's http.Handler. Mount it with Register; it
// also serves its own routes directly as an http.Handler (ServeHTTP), for
// a host that wraps it in middleware first. It is safe for concurrent use
// and starts no goroutines.
type API struct {
	svc   *oauthapp.Service
	auth  Authenticator
	cfg   config
	mux   *http.ServeMux
	paths []string
	// openapi is the OpenAPI document, as served.
	openapi []byte
	// describedBy is the Link header of every answer: the document's URL
	// (RFC 8631 service-desc).
	describedBy string
}

// New returns the management API of the service, authenticating each
// request with auth.
func New(svc *oauthapp.Service, auth Authenticator, opts ...Option) (*API, error) {
	if svc == nil {
		return nil, fmt.Errorf("%w: nil service", ErrInvalidOption)
	}
	if auth == nil {
		return nil, fmt.Errorf("%w: nil authenticator", ErrInvalidOption)
	}
	cfg := defaults()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	a := &API{svc: svc, auth: auth, cfg: cfg, mux: http.NewServeMux()}
	apps, app, secrets := cfg.prefix+"/OAuthApps", cfg.prefix+"/OAuthApps/{Sid}", cfg.prefix+"/OAuthApps/{Sid}/Secrets"
	keys, key := app+"/Keys", app+"/Keys/{KeyId}"
	for _, r := range []struct {
		pattern string
		h       http.Handler
	}{
		{"POST " + apps, a.handle(a.createApp, true)},
		{"GET " + apps, a.handle(a.listApps, false)},
		{"GET " + app, a.handle(a.getApp, false)},
		{"POST " + app, a.handle(a.updateApp, true)},
		{"DELETE " + app, a.handle(a.deleteApp, false)},
		{"POST " + secrets, a.handle(a.rotateSecret, true)},
		{"GET " + secrets, a.handle(a.listSecrets, false)},
		{"POST " + keys, a.handle(a.addKey, true)},
		{"GET " + keys, a.handle(a.listKeys, false)},
		{"DELETE " + key, a.handle(a.removeKey, false)},
		{"GET " + a.OpenAPIPath(), http.HandlerFunc(a.serveOpenAPI)},
	} {
		a.mux.Handle(r.pattern, r.h)
		a.paths = append(a.paths, r.pattern)
	}
	// Any other method on the API's paths: 405 as a problem, with Allow.
	for _, r := range []struct{ path, allow string }{
		{apps, "GET, HEAD, POST"}, {app, "DELETE, GET, HEAD, POST"}, {secrets, "GET, HEAD, POST"},
		{keys, "GET, HEAD, POST"}, {key, "DELETE"},
	} {
		a.mux.Handle(r.path, methodNotAllowed(r.allow))
		a.paths = append(a.paths, r.path)
	}
	a.openapi = a.OpenAPI()
	a.describedBy = "<" + a.url(a.OpenAPIPath()) + ">; rel=\"service-desc\""
	return a, nil
}

// Register mounts the API's routes on mux: POST and GET
// {prefix}/OAuthApps; GET, POST and DELETE {prefix}/OAuthApps/{Sid}; POST
// and GET {prefix}/OAuthApps/{Sid}/Secrets and {prefix}/OAuthApps/{Sid}/Keys;
// DELETE {prefix}/OAuthApps/{Sid}/Keys/{KeyId}; and GET
// {prefix}/openapi.json.
// Other methods on those paths are answered 405 with Allow.
// It panics, as ServeMux.Handle does, if mux already has a route for one
// of these patterns.
func (a *API) Register(mux *http.ServeMux) {
	for _, p := range a.paths {
		mux.Handle(p, a)
	}
}

// ServeHTTP serves the API's routes; any other request gets 404.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// CollectionPath is the path of the OAuthApps collection:
// {prefix}/OAuthApps.
func (a *API) CollectionPath() string { return a.cfg.prefix + "/OAuthApps" }

// OpenAPIPath is the path at which the API serves its OpenAPI document:
// {prefix}/openapi.json.
func (a *API) OpenAPIPath() string { return a.cfg.prefix + "/openapi.json" }

// url returns the URL of a path of the API: with the base URL when
// WithBaseURL gave one, path-absolute otherwise.
func (a *API) url(path string) string { return a.cfg.baseURL + path }

func (a *API) appPath(sid string) string { return a.CollectionPath() + "/" + sid }
