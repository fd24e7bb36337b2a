// Package oauthhttp is the net/http face of package oauthapp: the standard
// OAuth 2.0 endpoints of an authorization server that issues client
// credentials tokens, and a middleware that protects an API with them.
//
// # Where to start
//
// New wraps an *oauthapp.Service whose issuer is an http or https URL
// (oauthapp.WithIssuer; else give WithBaseURL). Mount puts every endpoint
// at its standard path on an http.ServeMux (or mount each handler
// yourself), and Protect (ProtectFunc for a handler function) puts each
// API route behind bearer tokens. ExampleServer_Mount and
// ExampleServer_Protect show both; the command examples/tokenserver is a
// whole server.
//
// The endpoints:
//
//   - Token is the token endpoint of the client credentials grant
//     (RFC 6749 section 4.4). The client authenticates with HTTP Basic
//     (client_secret_basic: client id and secret each form-encoded, as
//     section 2.3.1 says) or with client_id and client_secret in the body
//     (client_secret_post), never both, or with a JWT it signed with one of
//     its app's client keys (private_key_jwt, RFC 7523 section 2.2:
//     client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer
//     and client_assertion, client_id optional), never with a secret as
//     well; oauthapp.Service.AuthenticateAssertion says what the assertion
//     must hold. A resource parameter (RFC 8707) asks for a token whose aud
//     is that resource URI. A success is section 5.1 JSON with
//     Cache-Control: no-store and Pragma: no-cache; an error is section 5.2
//     JSON.
//   - Metadata is the authorization server metadata document (RFC 8414),
//     and JWKS the JWK Set of the service's public signing keys (RFC 7517
//     section 5).
//   - Introspection and Revocation are the endpoints of RFC 7662 and
//     RFC 7009. Both authenticate the client exactly as the token endpoint
//     does (one parser serves all three); a client introspects and revokes
//     only its own tokens.
//
// Protect resolves a request's permission through the service's route
// catalog, authorizes the token for it, for the account in the route's
// {AccountSid} parameter and for the API's audience (WithAudience: a token
// for another is invalid_token), and passes the oauthapp.Identity on in
// the request context (IdentityFrom).
//
// # Token endpoint errors
//
// The token endpoint checks a request in this order and answers the first
// failure (all errors are JSON with "error" and "error_description", and
// Cache-Control: no-store):
//
//	method is not POST                        400 invalid_request (Allow: POST)
//	Content-Type not form-urlencoded          400 invalid_request
//	body longer than WithMaxBodyBytes         400 invalid_request
//	body not valid form encoding              400 invalid_request
//	a parameter given twice                   400 invalid_request
//	more than one Authorization header        400 invalid_request
//	grant_type missing                        400 invalid_request
//	grant_type not client_credentials         400 unsupported_grant_type
//	Authorization and client_secret in body   400 invalid_request
//	a client assertion with another method    400 invalid_request
//	client_assertion without its type, or
//	  the type without the assertion          400 invalid_request
//	client_id in the body differs from Basic  400 invalid_request
//	no or malformed credentials               401 invalid_client
//	client_assertion_type not jwt-bearer      401 invalid_client
//	too many failed authentications           429 temporarily_unavailable
//	unknown client, wrong or expired secret,
//	  or any bad client assertion             401 invalid_client
//	resource malformed or not the app's       400 invalid_target
//	scope malformed or not allowed            400 invalid_scope
//
// A 401 always carries WWW-Authenticate: Basic realm="...", as RFC 9110
// section 15.5.2 asks of every 401. A parameter sent without a value counts
// as omitted (RFC 6749 section 3.2); unknown parameters are ignored, and
// the URL's query is not read at all, even when it would not parse: the
// parameters travel in the body (sections 2.3.1 and 4.4.2), and the
// endpoint's own URL may carry a query (section 3.2). An invalid_scope description names the permission that was
// refused, and only when it is a well-formed permission, so it can never
// repeat a secret; no other description repeats anything from the request.
//
// # Failed authentications
//
// The token, introspection and revocation endpoints ask a Limiter before
// the service verifies a secret, and tell it afterwards whether the
// service answered invalid_client. By default a MemoryLimiter allows 10
// failures a minute per client id from one address and 30 per address
// (see its constants for why), on the service's clock; beyond that a
// request is answered 429 temporarily_unavailable with Retry-After, before
// any hash work. Only failures refuse: a client that has not failed gets
// no 429 however many requests it sends at once (Limiter says how
// concurrent attempts are counted). Behind a reverse proxy, WithClientAddr
// must name the real client address, or every client shares the proxy's
// limit.
//
// # Bearer errors
//
// Protect answers, with WWW-Authenticate: Bearer realm="..." and the
// attributes of RFC 6750 section 3:
//
//	no route for the request                  404 (WithUnknownRoute changes it)
//	no bearer token (or another scheme)       401, no error attribute
//	two Authorization headers, empty token    400 error="invalid_request"
//	token malformed, expired, revoked, its
//	  app deleted or its secret rotated away  401 error="invalid_token"
//	scope or app policy lacks the permission  403 error="insufficient_scope", scope="<permission>"
//	token of another account or region        403 error="insufficient_scope"
//
// A token of another account (a parent or a subaccount included) or of
// another region is refused with 403 and no scope attribute: no scope would
// help, and the answer is the same whether that account exists or not,
// because it is never looked up.
//
// # What it trusts
//
// It trusts the Service it wraps and the mux that routes to it (when a
// request carries http.Request.Pattern, that pattern names the route). It
// trusts nothing in a request: bodies are size-limited and parsed strictly,
// headers are checked for repetition, and credentials and tokens go to the
// service, which verifies them. Secrets and tokens are never logged and
// never put in a response other than the one that issues a token.
package oauthhttp
