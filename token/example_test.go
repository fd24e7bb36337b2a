package token_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/token"
)

// Generate a signing key (EdDSA by default) and keep it as PEM; load it
// back with the same kid.
func ExampleGenerateKey() {
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		panic(err)
	}
	pemBytes, err := key.MarshalPrivateKeyPEM()
	if err != nil {
		panic(err)
	}
	loaded, err := token.ParsePrivateKeyPEM(key.ID(), pemBytes)
	if err != nil {
		panic(err)
	}
	fmt.Println(loaded.Algorithm(), loaded.CanSign(), loaded.ID() == key.ID(), len(key.ID()))
	// Output: EdDSA true true 22
}

// Mint a one-hour access token for a client.
func ExampleMinter_Mint() {
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	minter, _ := token.NewMinter(keys, "https://auth.example.com", "https://api.example.com")

	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	raw, claims, err := minter.Mint(now, token.MintRequest{
		ClientID:   "OQ0123456789abcdef0123456789abcdef",
		Scope:      "/acme/messaging/messages/read",
		AccountSID: "AC0123456789abcdef0123456789abcdef",
		Region:     "us1",
		SecretID:   "SK0123456789abcdef0123456789abcdef",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(raw) > 0, claims.Subject, claims.ExpiresAt.Sub(claims.IssuedAt), claims.Scopes())
	// Output: true OQ0123456789abcdef0123456789abcdef 1h0m0s [/acme/messaging/messages/read]
}

// Validate a token, and tell the failures apart with errors.Is.
func ExampleValidator_Validate() {
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	minter, _ := token.NewMinter(keys, "https://auth.example.com", "https://api.example.com")
	validator, _ := token.NewValidator(keys, "https://auth.example.com", "https://api.example.com")

	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	raw, _, _ := minter.Mint(now, token.MintRequest{ClientID: "OQ0123456789abcdef0123456789abcdef", Region: "us1"})

	claims, err := validator.Validate(now.Add(30*time.Minute), raw)
	fmt.Println(claims.ClientID, claims.Region, err)

	for _, attempt := range []struct {
		at  time.Time
		raw string
	}{
		{now.Add(time.Hour), raw}, // at exp exactly
		{now, raw + "x"},          // signature changed
		{now, "not a token"},
	} {
		_, err := validator.Validate(attempt.at, attempt.raw)
		switch {
		case errors.Is(err, token.ErrExpired):
			fmt.Println("expired")
		case errors.Is(err, token.ErrSignature):
			fmt.Println("bad signature")
		case errors.Is(err, token.ErrMalformed):
			fmt.Println("malformed")
		case err != nil:
			fmt.Println("invalid:", err)
		}
	}
	// Output:
	// OQ0123456789abcdef0123456789abcdef us1 <nil>
	// expired
	// bad signature
	// malformed
}

// Publish the public keys. The HS256 key is left out; after a rotation the
// old key stays listed, and verifying, until it is removed: once the last
// token it signed has expired, token.MaxTTL after the rotation at most
// (keyring does this on its own for keys shared through the store).
func ExampleKeySet_JWKS() {
	oldKey, _ := token.GenerateKey(token.EdDSA)
	hmacKey, _ := token.NewHMACKey("internal", make([]byte, 32))
	keys, _ := token.NewKeySet(oldKey, hmacKey)

	newKey, _ := token.GenerateKey(token.ES256)
	_ = keys.Rotate(newKey)
	printJWKS(keys, newKey)

	_ = keys.Remove(oldKey.ID())
	printJWKS(keys, newKey)
	// Output:
	// EC ES256 sig true
	// OKP EdDSA sig false
	// EC ES256 sig true
}

// printJWKS prints the key type, algorithm and use of each key the JWKS
// document of keys lists, and whether it is signing.
func printJWKS(keys *token.KeySet, signing *token.Key) {
	doc, _ := keys.JWKS()
	var parsed token.JWKS
	_ = json.Unmarshal(doc, &parsed)
	for _, k := range parsed.Keys {
		fmt.Println(k.KeyType, k.Algorithm, k.Use, k.KeyID == signing.ID())
	}
}
