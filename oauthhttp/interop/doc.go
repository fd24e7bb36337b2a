// Package interop holds the interoperability tests of package oauthhttp,
// in a module of its own so that their dependencies stay out of the core
// module's import graph: golang.org/x/oauth2/clientcredentials obtains
// tokens from the token endpoint with both client authentication styles
// and calls a protected API with them, and github.com/go-jose/go-jose/v4,
// a JOSE implementation independent of the one that signs, verifies each
// token from the JWKS document alone. The server is oauthapptest.NewServer,
// and its runnable example is the client test a user of the kit writes
// with clientcredentials.
//
// Run them from this directory: go test ./...
package interop
