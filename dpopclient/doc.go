// Package dpopclient is the HTTP client side of DPoP (RFC 9449) for Go
// callers of an API whose tokens are bound to a key: an http.RoundTripper
// that gets access tokens with the client credentials grant (RFC 6749
// section 4.4, client_secret_basic) bound to a key it holds (RFC 9449
// section 5), and sends each request with a fresh DPoP proof of that key
// for the request's method and URL and the token's hash (sections 4 and
// 7). When the server asks for a nonce (use_dpop_nonce, sections 8 and
// 9) it retries once with it, and it keeps the latest nonce of each
// server for the next proofs.
//
// # Where to start
//
// New makes a Transport from a Config; put it in an http.Client. Example
// runs one against a test server of package oauthapptest.
//
// # What it trusts
//
// It trusts the token endpoint it is given (TLS is the base transport's
// business) with the client secret, and sends the token to whatever
// server the requests go to: give a Transport only to requests for the
// API the token is for. It keeps the key in memory and never sends it;
// a proof only proves that whoever sent it held the key when it was made.
// It refuses a token whose token_type is not DPoP, rather than send a
// bearer token that anyone who sees it can use.
package dpopclient
