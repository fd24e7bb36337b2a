package oauthapptest

import "github.com/oauthapps/oauthapps/token"

// NewKeys returns a key set of one new signing key of the algorithm
// (token.EdDSA, token.ES256, token.RS256 or token.HS256): what a kit signs
// with unless WithKeys gives another, and what several services of one
// deployment share. A key that cannot be made fails t with t.Fatalf.
func NewKeys(t TB, alg token.Algorithm) *token.KeySet {
	t.Helper()
	key, err := token.GenerateKey(alg)
	if err != nil {
		t.Fatalf("oauthapptest: generating a %s signing key: %v", alg, err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatalf("oauthapptest: building the key set: %v", err)
	}
	return keys
}
