// Package oauthhttp is the net/http face of package oauthapp: the OAuth 2.0
// endpoints of an authorization server that issues client credentials
// tokens (RFC 6749 section 4.4, with RFC 8414 metadata, a JWK Set, RFC 7662
// introspection and RFC 7009 revocation), and a middleware that protects an
// API with them (RFC 6750), bearer or bound to a key by DPoP (RFC 9449).
//
// # Where to start
//
// New wraps an *oauthapp.Service whose issuer is an http or https URL
// (oauthapp.WithIssuer; else give WithBaseURL). Register puts every
// endpoint at its standard path on an http.ServeMux (or register each
// handler yourself), and Protect (ProtectFunc for a handler function) puts
// each API route behind bearer tokens. ExampleServer_Register and
// ExampleServer_Protect show both; the command examples/tokenserver is a
// whole server. Server.Token and Server.Protect list their answers.
//
// # What it trusts
//
// It trusts the Service it wraps and the mux that routes to it (when a
// request carries http.Request.Pattern, that pattern names the route). It
// trusts nothing in a request: bodies are size-limited and read by
// net/http, headers are checked for repetition, and credentials and tokens
// go to the service, which verifies them. The token, introspection and
// revocation endpoints ask a Limiter before any credential is verified.
// Secrets and tokens are never logged and never put in a response other
// than the one that issues a token. Behind a reverse proxy every request
// comes from the proxy: WithTrustedProxies names the proxies whose
// X-Forwarded-For or Forwarded header tells the real client address (by
// default nothing is believed).
package oauthhttp
