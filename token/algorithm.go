package token

import "github.com/golang-jwt/jwt/v5"

// Algorithm is a JWS signing algorithm (RFC 7518 section 3.1) this package
// signs and verifies with. Each Key has exactly one; a token is verified only
// with the algorithm of the key its kid names.
type Algorithm string

// The supported algorithms. EdDSA is the default for new keys.
const (
	// EdDSA is Ed25519 (RFC 8037). The default.
	EdDSA Algorithm = "EdDSA"
	// ES256 is ECDSA on P-256 with SHA-256.
	ES256 Algorithm = "ES256"
	// RS256 is RSASSA-PKCS1-v1_5 with SHA-256; keys have at least 2048 bits.
	RS256 Algorithm = "RS256"
	// PS256 is RSASSA-PSS with SHA-256, for the same RSA keys as RS256;
	// Key.WithAlgorithm makes an RSA key use it.
	PS256 Algorithm = "PS256"
	// HS256 is HMAC with SHA-256 and a secret of at least 32 bytes. Its keys
	// are symmetric: they are never published in a JWKS document.
	HS256 Algorithm = "HS256"
)

// methods are the golang-jwt signing methods of the supported algorithms.
var methods = map[Algorithm]jwt.SigningMethod{
	EdDSA: jwt.SigningMethodEdDSA,
	ES256: jwt.SigningMethodES256,
	RS256: jwt.SigningMethodRS256,
	PS256: jwt.SigningMethodPS256,
	HS256: jwt.SigningMethodHS256,
}

// method returns the golang-jwt signing method for a, or nil when a is not
// one of the supported algorithms.
func (a Algorithm) method() jwt.SigningMethod { return methods[a] }

// Valid reports whether a is one of the supported algorithms.
func (a Algorithm) Valid() bool { return a.method() != nil }

// String returns the algorithm's JWS name.
func (a Algorithm) String() string { return string(a) }
