// Package token mints and validates the OAuth 2.0 access tokens of
// oauthapps: JSON Web Tokens in the profile of RFC 9068, signed as compact
// JWS (RFC 7515) with keys named by kid, and publishes the public keys as a
// JWK Set (RFC 7517).
//
// A KeySet holds one signing key and older verify-only keys; Rotate makes a
// new key the signer while the old one keeps verifying until RemovableAt.
// EdDSA (Ed25519, RFC 8037) is the default algorithm; ES256, RS256 and HS256
// (RFC 7518 section 3) are available. A Minter writes the header
// {"alg","kid","typ":"at+jwt"} (RFC 9068 section 2.1) and the claims of
// section 2.2 plus account_sid, region and secret_id; a Validator performs
// the checks of section 4.
//
// The package is pure: it does no I/O, keeps no clock (every time-dependent
// call takes now) and stores nothing but keys. EdDSA and ES256 sign and
// verify with crypto/ed25519 and crypto/ecdsa directly (an ES256 signature
// is converted between the JWS r || s form and ASN.1 here, so no big.Int is
// needed); RS256 uses the signing method of github.com/golang-jwt/jwt/v5,
// which the tests also use as an independent reference for every
// algorithm; HS256 is HMAC-SHA256 (RFC 2104) over crypto/sha256, computed
// here so it does not allocate. The header and claims are encoded and decoded here by
// a strict JSON codec for the fixed claim set, which accepts any JSON a
// conforming issuer writes for these claims (aud as a string or an array,
// fractional times, escapes, unknown members) and rejects duplicate members,
// invalid UTF-8, lone surrogates and trailing data.
//
// What it trusts: the keys it is given, and the now it is told. What it does
// not trust: every byte of a token. A token is checked for size before it is
// parsed; its alg must equal the algorithm of the key its kid names, so
// "none" and algorithm confusion (an HS256 token keyed with a public key)
// fail; its claims are read only after the signature verifies. Validation
// does not know about revocation or deleted clients: the caller checks the
// returned jti and client_id against its store.
//
// # Where to start
//
// GenerateKey (or ParsePrivateKeyPEM for a key you keep) and NewKeySet
// make the key set that oauthapp.New signs and verifies with; KeySet.JWKS
// is the document to publish. Minter and Validator are the service's
// tools, rarely called directly. ExampleGenerateKey and ExampleKeySet_JWKS
// show the first steps.
package token
