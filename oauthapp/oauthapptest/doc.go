// Package oauthapptest is a kit for testing code that uses oauthapp, in the
// spirit of net/http/httptest: a Service with a fake clock in one line
// (New), the same behind a real OAuth server on a loopback port (NewServer),
// apps with given permissions, bearer tokens for them, requests that carry
// those tokens, and the tokens a resource server must refuse (expired, of a
// deleted app, signed by another service's key, of another account), each
// in one call.
//
// A kit belongs to the testing.TB it was made with: a setup failure (a bad option, asking for a token with a scope the
// app lacks) fails that test through t.Fatalf with a message that says what
// went wrong, never a panic that would end the whole test binary; what the
// kit starts is stopped by t.Cleanup; its helpers call t.Helper, so a
// failure names the caller's line. Options choose the store (the memory
// store by default, so a kit can also run on PostgreSQL or a store of one's
// own), the signing algorithm, the route catalog, the clock and the
// service's and server's own options.
//
// NewKeys makes a key set of one new key, for services or kits that
// stand for the instances of one deployment and share it (WithKeys).
//
// Run gives a test body a testing.TB where go test gives none, for runnable
// examples and for tests of test helpers.
//
// The kit trusts the service it builds: it reads back the claims of tokens
// that service has just issued, with their times unchecked. It is for
// tests only; nothing in it is fit to guard a real API.
package oauthapptest
