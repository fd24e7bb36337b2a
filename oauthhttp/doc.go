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
// Token, the endpoint of the client credentials grant (RFC 6749 section
// 4.4), authenticates the client with HTTP Basic (client_secret_basic, id
// and secret each form-encoded as section 2.3.1 says), with client_id and
// client_secret in the body (client_secret_post), or with a JWT signed by
// one of its app's client keys (private_key_jwt, RFC 7523 section 2.2; see
// oauthapp.Service.AuthenticateAssertion), never two of them; a resource
// parameter (RFC 8707) asks for a token for that resource. Introspection
// (RFC 7662) and Revocation (RFC 7009) authenticate the client the same
// way and act on its own tokens only. Metadata (RFC 8414) and JWKS (RFC
// 7517) publish the server's description and public keys.
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
// A 401 always carries WWW-Authenticate: Basic realm="..." (RFC 9110
// section 15.5.2). A parameter sent without a value counts as omitted (RFC
// 6749 section 3.2), unknown ones are ignored, and the URL's query is not
// read at all: the parameters travel in the body. An invalid_scope
// description names the refused permission, only when it is well-formed,
// so it can never repeat a secret; no other description repeats anything
// from the request.
//
// # Failed authentications
//
// The token, introspection and revocation endpoints ask a Limiter before
// the service verifies credentials, and answer 429 temporarily_unavailable
// with Retry-After, before any hash work, once a client has failed too
// often (by default a MemoryLimiter: 10 failures a minute per client id
// and address, 30 per address). Only failures count.
//
// A client id is public (the sub of every token), so no failure counts
// against an id alone: failures under an id from one address hold back
// that id at that address, and that address, never the id's owner
// elsewhere. What the limiter protects is the server and its logs: it
// bounds the hash work, audit events and log lines that guessing a
// secret (hopeless at 280 bits) or spraying made-up ids from one address
// can cause. Behind a reverse proxy every request comes from the proxy,
// so the proxy's address would be everyone's: WithTrustedProxies names
// the proxies whose X-Forwarded-For or Forwarded header tells the real
// client address (by default nothing is believed).
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
