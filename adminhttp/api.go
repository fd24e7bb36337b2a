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
// and starts no goroutines. Its routes, under a prefix (WithPrefix;
// default "/v1/Account"):
//
//	POST   {prefix}/OAuthApps                     create; the client secret is shown this once (201)
//	GET    {prefix}/OAuthApps                     list the account's apps (PageSize, PageToken)
//	GET    {prefix}/OAuthApps/{Sid}               fetch
//	POST   {prefix}/OAuthApps/{Sid}               update name, description, policy, token TTL, default grace, resources
//	DELETE {prefix}/OAuthApps/{Sid}               delete (204)
//	POST   {prefix}/OAuthApps/{Sid}/Secrets       rotate, with an optional grace_period (201)
//	GET    {prefix}/OAuthApps/{Sid}/Secrets       the secrets' metadata, never a secret
//	POST   {prefix}/OAuthApps/{Sid}/Keys          add a client key (201)
//	GET    {prefix}/OAuthApps/{Sid}/Keys          the client keys: public keys and metadata
//	DELETE {prefix}/OAuthApps/{Sid}/Keys/{KeyId}  remove a client key (204)
//	POST   {prefix}/OAuthApps/{Sid}/FederatedCredentials                  add a federated credential (201)
//	GET    {prefix}/OAuthApps/{Sid}/FederatedCredentials                  the federated credentials
//	GET    {prefix}/OAuthApps/{Sid}/FederatedCredentials/{CredentialSid}  fetch one
//	DELETE {prefix}/OAuthApps/{Sid}/FederatedCredentials/{CredentialSid}  remove one (204)
//	GET    {prefix}/openapi.json                  the OpenAPI 3.1 document of all of it
//
// Client keys are public keys with which an app's client authenticates by
// private_key_jwt (RFC 7523 section 2.2): a body {"public_key": PEM} with
// an optional "id" (the kid; the key's JWK thumbprint by default) and
// "algorithm" (ES256, EdDSA, RS256 or PS256; never HS256). A create may
// give them at once as "client_keys", and "no_secret": true for an app
// that authenticates with its keys only and so answers no client_secret.
// Federated credentials (oauthapp.FederatedCredential) let a workload
// authenticate with a token of an external issuer it already holds: a
// body {"name", "issuer", "subject", "audience"} with an optional
// "description"; a create may give them at once as
// "federated_credentials", and with "no_secret" they may be the app's
// only credentials.
// "resources" lists the resource URIs (RFC 8707) an app's tokens may be
// issued for, each one the service serves (oauthapp.WithResources).
//
// Its conventions:
//
//   - Bodies are application/json objects of at most WithMaxBodyBytes (64
//     KiB by default; longer is 413). Every POST says Content-Type:
//     application/json, even with an empty body (a rotation with the
//     default grace); anything else is 415. Members are snake_case, as Twilio
//     names them (friendly_name, policy {allow, deny}, access_token_ttl in
//     seconds, creator_sid, date_created); an unknown member is refused.
//   - Every answer links the OpenAPI document (Link: <...>;
//     rel="service-desc", RFC 8631).
//   - Errors are RFC 9457 application/problem+json documents whose type is
//     one of the Problem constants; "field" names the member, query
//     parameter or header at fault. A refused request changes nothing.
//     No answer and no log line holds a secret; the client secret appears
//     only in the 201 answer of a create or a rotation. A client key's
//     PEM is never echoed in a problem either.
//   - An app of another account is answered 404, exactly as a missing app;
//     a role that may not manage apps is answered 403. A client key the
//     app does not hold is 404 too.
//   - Each app answer carries an ETag from the app's store version (an
//     added key's answer, the app's new one). An update, rotation, delete,
//     key addition or key removal with If-Match that the app no longer
//     matches is answered 412 and changes nothing: of two writers that read
//     the same version, one wins and the other learns it. The store checks
//     the version in one step with the change, on every instance sharing
//     it (store.Apps.UpdateApp, DeleteAppVersion).
//   - Lists are paged by an opaque cursor (next_page_url) in SID order:
//     apps created or deleted between pages never make another app appear
//     twice or be skipped.
//   - Idempotency-Key on every POST (create, update, rotation, key
//     addition): a retry with the same key, by the same user, on the same
//     path with the same body and If-Match, gets the first answer again
//     (with Idempotent-Replayed: true, the same secret included) and
//     changes nothing more, on whichever instance it reaches: the record
//     is kept in the store every instance shares, for 24 hours
//     (oauthapp.Service.Idempotent; schedule PurgeIdempotencyKeys), with
//     the answer sealed under oauthapp.WithKeyEncryptionKey, so that the
//     store never holds a client secret in plain text. The role is checked
//     before the key (a role that may not manage apps is 403, whatever
//     key it sends); the same key for another request is 422; a retry
//     while the first request still runs, here or on another instance,
//     is 409 with Retry-After (it does not wait). Only successful answers
//     are kept. An instance without the key-encryption key the answer is
//     sealed under (none configured: each instance seals under a key of
//     its own) answers a retry 409 answer-unavailable and does nothing
//     again. Keys are scoped to the account.
//   - Cross-site request forgery: an Authenticator that reads a cookie
//     authenticates whatever request the browser sends, including one a
//     page of another site makes it send. The API refuses those itself,
//     before the Authenticator runs: a POST or DELETE that a browser marks
//     as coming from another origin (Sec-Fetch-Site, or, from older
//     browsers, an Origin whose host is not the request's) is 403 with
//     ProblemCrossOrigin and changes nothing, and a POST must be
//     application/json, which no page of another site can send without a
//     CORS preflight the API never grants. Requests without those headers
//     come from no browser and carry no victim's cookie. WithTrustedOrigins
//     names a console on another origin of the host's. What stays the
//     host's: cookies marked SameSite and HttpOnly.
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
	creds, cred := app+"/FederatedCredentials", app+"/FederatedCredentials/{CredentialSid}"
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
		{"POST " + creds, a.handle(a.addCredential, true)},
		{"GET " + creds, a.handle(a.listCredentials, false)},
		{"GET " + cred, a.handle(a.getCredential, false)},
		{"DELETE " + cred, a.handle(a.removeCredential, false)},
		{"GET " + a.OpenAPIPath(), http.HandlerFunc(a.serveOpenAPI)},
	} {
		a.mux.Handle(r.pattern, r.h)
		a.paths = append(a.paths, r.pattern)
	}
	// Any other method on the API's paths: 405 as a problem, with Allow.
	for _, r := range []struct{ path, allow string }{
		{apps, "GET, HEAD, POST"}, {app, "DELETE, GET, HEAD, POST"}, {secrets, "GET, HEAD, POST"},
		{keys, "GET, HEAD, POST"}, {key, "DELETE"},
		{creds, "GET, HEAD, POST"}, {cred, "DELETE, GET, HEAD"},
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
// DELETE {prefix}/OAuthApps/{Sid}/Keys/{KeyId}; POST and GET
// {prefix}/OAuthApps/{Sid}/FederatedCredentials; GET and DELETE
// {prefix}/OAuthApps/{Sid}/FederatedCredentials/{CredentialSid}; and GET
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
