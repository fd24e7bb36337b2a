// Package oauthapptest is a kit for testing code that uses oauthapp, in the
// spirit of net/http/httptest: a Service with a fake clock, apps with given
// permissions, bearer tokens and requests that carry them, and the tokens a
// resource server must refuse (expired, of a deleted app, signed by another
// service's key, of another account), each in one call. It is for tests
// only: it reads back the claims of tokens its service has just issued
// without verifying them, and nothing in it is fit to guard a real API.
//
// # Where to start
//
// New makes a kit on a test's t (the memory store by default; options
// choose the store, the algorithm, the route catalog, the clock and the
// service's options); NewServer puts it behind a real OAuth server on a
// loopback port, for tests of client code (Server.DPoPClient calls its
// routes with DPoP-bound tokens). A setup failure fails the test
// through t.Fatalf, never a panic; what the kit starts is stopped by
// t.Cleanup. NewKeys makes the key set several kits standing for the
// instances of one deployment share (WithKeys), and Run gives a test body
// a *T where go test gives no *testing.T, for runnable examples.
package oauthapptest
