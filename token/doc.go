// Package token mints and validates the OAuth 2.0 access tokens of
// oauthapps: JSON Web Tokens in the profile of RFC 9068, signed as compact
// JWS (RFC 7515) with keys named by kid, and publishes the public keys as a
// JWK Set (RFC 7517). EdDSA (Ed25519, RFC 8037) is the default algorithm;
// ES256, RS256, HS256 and (for RSA keys, Key.WithAlgorithm) PS256 are
// available, and NewSignerKey signs with any
// crypto.Signer (a KMS, an HSM). The package is pure: no I/O, no clock
// (every time-dependent call takes now), nothing stored but keys.
//
// # Where to start
//
// GenerateKey (or ParsePrivateKeyPEM for a key you keep) and NewKeySet make
// the key set that oauthapp.New signs and verifies with; KeySet.JWKS is the
// document to publish. Minter and Validator are the service's tools, rarely
// called directly; VerifyAssertion reads a JWT client assertion (RFC 7523)
// under the same strict rules, for a host that writes its own token
// endpoint, VerifyProof reads a DPoP proof (RFC 9449) as strictly, and
// Key.Thumbprint names a public key by its RFC 7638 thumbprint, which a
// DPoP-bound token carries as cnf.jkt. For workload identity federation,
// PeekAssertion reads an external token's iss and sub before anything is
// trusted, ParseJWKS reads its issuer's keys, and AssertionRules.Federated
// verifies it. ExampleGenerateKey and ExampleKeySet_JWKS show the first
// steps.
//
// # What it trusts
//
// It trusts the keys it is given and the now it is told, and no byte of a
// token. Tokens are signed, parsed and validated by
// github.com/golang-jwt/jwt/v5 (its Parser with the algorithm allow-list
// and strict base64url, its Validator for exp, iss, aud, iat and nbf) over
// encoding/json. On top, the key comes from the kid and fixes the
// algorithm, so "none" and algorithm confusion fail; typ must be at+jwt;
// crit, a member given twice and times that are not numbers from 0 to year
// 9999 are refused; and a token expires at its exp exactly. Validation
// does not know about revocation or deleted clients: the caller checks the
// returned jti and client_id against its store.
package token
