// Package token mints and validates the OAuth 2.0 access tokens of
// oauthapps: JSON Web Tokens in the profile of RFC 9068, signed as compact
// JWS (RFC 7515) with keys named by kid, and publishes the public keys as a
// JWK Set (RFC 7517).
//
// A KeySet holds one signing key and older verify-only keys; Rotate makes a
// new key the signer while the old one keeps verifying until RemovableAt.
// EdDSA (Ed25519, RFC 8037) is the default algorithm; ES256, RS256 and HS256
// (RFC 7518 section 3) are available, PS256 for an RSA key through
// Key.WithAlgorithm, and NewSignerKey signs with any crypto.Signer (a KMS,
// an HSM) whose private half never enters the process. A Minter writes the
// header {"alg","kid","typ":"at+jwt"} (RFC 9068 section 2.1) and the
// claims of section 2.2 plus account_sid, region and secret_id; a
// Validator performs the checks of section 4. VerifyAssertion reads a JWT
// client assertion (RFC 7523) under the same strict rules, and
// Key.Thumbprint names a public key by its JWK thumbprint (RFC 7638).
//
// The package is pure: it does no I/O, keeps no clock (every time-dependent
// call takes now) and stores nothing but keys. Tokens are signed, parsed
// and validated with github.com/golang-jwt/jwt/v5 (its signing methods, its
// Parser with the algorithm allow-list and strict base64url, its Validator
// for exp, iss, aud, iat and nbf with the leeway on the caller's time), and
// the JSON is encoding/json's. This package adds what golang-jwt leaves to
// its callers: the key comes from the kid and fixes the algorithm, typ must
// be at+jwt, a header with crit is refused, a member given twice (which
// encoding/json would let the last one win) is refused in the header and
// the claims, times must be JSON numbers from 0 to year 9999, and a token
// expires at its exp exactly (golang-jwt grants exp the leeway too).
//
// What it trusts: the keys it is given, and the now it is told. What it does
// not trust: every byte of a token. A token is checked for size before it is
// parsed; its alg must equal the algorithm of the key its kid names, so
// "none" and algorithm confusion (an HS256 token keyed with a public key)
// fail; its claims are checked only after the signature verifies (an
// assertion's before, so that a bad one costs no verification). Validation
// does not know about revocation or deleted clients: the caller checks the
// returned jti and client_id against its store.
//
// # Where to start
//
// GenerateKey (or ParsePrivateKeyPEM for a key you keep) and NewKeySet make
// the key set that oauthapp.New signs and verifies with; KeySet.JWKS is the
// document to publish. Minter and Validator are the service's tools, rarely
// called directly. ExampleGenerateKey and ExampleKeySet_JWKS show the first
// steps.
package token
