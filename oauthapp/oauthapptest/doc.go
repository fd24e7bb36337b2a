// Package oauthapptest is a kit for testing code that uses oauthapp, in the
// spirit of net/http/httptest: a Service on the in-memory store with a fake
// clock in one line, apps with given permissions, bearer tokens for them,
// and requests that carry those tokens.
//
// The kit is for tests only. Its methods do not return errors: a setup
// failure (such as asking for a token with a scope the app lacks) panics
// with a message that says what went wrong, as httptest.NewServer does. A
// panic ends the whole test binary, naming the test that called it; tests
// running in parallel with it are not reported.
package oauthapptest
