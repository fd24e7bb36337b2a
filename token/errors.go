package token

import "errors"

// Errors returned by this package. Every error it returns wraps exactly one of
// these, so callers tell cases apart with errors.Is; the wrapping message adds
// detail (a claim name, a size) but never key material or a whole token. Every
// error of Validate or VerifyAssertion means the token or the client
// assertion must not be accepted. First those of the form of a JWT, an
// access token or a client assertion alike.
var (
	// ErrTooLarge: the raw token is longer than the validator's limit (an
	// assertion, than DefaultMaxSize); it was rejected before any parsing.
	ErrTooLarge = errors.New("token: too large")
	// ErrMalformed: the token is not a compact JWS of three base64url parts
	// holding a JSON header and JSON claims of the expected types, read
	// strictly: no member given twice, no crit, times from 0 to year 9999.
	ErrMalformed = errors.New("token: malformed")
	// ErrType: the header's typ is not "at+jwt" (RFC 9068 section 4), or
	// for a client assertion not one VerifyAssertion accepts.
	ErrType = errors.New("token: wrong type")
	// ErrAlgorithm: the header's alg is not a supported algorithm (this
	// covers "none", checked before kid; for a client assertion HS256
	// too), or is not the algorithm of the key named by kid (algorithm
	// confusion).
	ErrAlgorithm = errors.New("token: algorithm not allowed")
)

// The key and the signature.
var (
	// ErrUnknownKey: under a supported alg, the header names no kid, or a
	// kid the key set does not hold.
	ErrUnknownKey = errors.New("token: unknown key")
	// ErrSignature: the signature does not verify under the named key.
	ErrSignature = errors.New("token: signature invalid")
)

// The claims.
var (
	// ErrMissingClaim: a claim RFC 9068 section 2.2 (for an assertion,
	// RFC 7523 section 3) requires is absent.
	ErrMissingClaim = errors.New("token: missing claim")
	// ErrIssuer: iss is not the validator's issuer.
	ErrIssuer = errors.New("token: wrong issuer")
	// ErrAudience: aud does not contain the validator's audience, or a
	// client assertion's aud is not exactly one accepted string.
	ErrAudience = errors.New("token: wrong audience")
)

// The times.
var (
	// ErrExpired: the token's exp is at or before the validation time.
	ErrExpired = errors.New("token: expired")
	// ErrNotYetValid: nbf or iat lies in the future by more than the leeway.
	ErrNotYetValid = errors.New("token: not yet valid")
	// ErrLifetime: a client assertion's exp lies further ahead than
	// AssertionRules.MaxLifetime allows.
	ErrLifetime = errors.New("token: lives too long")
)

// DPoP proofs (RFC 9449): VerifyProof's checks of a proof against its
// request. The other checks of a proof fail with the errors above.
var (
	// ErrProofMethod: the proof's htm is not the request's method.
	ErrProofMethod = errors.New("token: proof is for another method")
	// ErrProofURL: the proof's htu is not the request's URL.
	ErrProofURL = errors.New("token: proof is for another URL")
	// ErrProofTokenHash: the proof's ath is absent or not the hash of the
	// access token it comes with.
	ErrProofTokenHash = errors.New("token: proof is for another access token")
)

// Keys and key sets.
var (
	// ErrInvalidKey: key material, a PEM block, a kid or an HMAC secret was
	// rejected when building a Key.
	ErrInvalidKey = errors.New("token: invalid key")
	// ErrDuplicateKey: a key set already holds a key with that kid.
	ErrDuplicateKey = errors.New("token: duplicate kid")
	// ErrNoSuchKey: a key set operation named a kid the set does not hold.
	ErrNoSuchKey = errors.New("token: no such key")
)

// ErrSigningKey: the operation is not allowed on (or requires) the
// signing key, for example removing the current signing key or making a
// verify-only key the signing key.
var ErrSigningKey = errors.New("token: signing key")

// Minting and configuration.
var (
	// ErrTTL: a mint request asked for a lifetime outside MinTTL..MaxTTL.
	ErrTTL = errors.New("token: ttl out of range")
	// ErrRequest: a mint request field is empty where required, is not
	// valid UTF-8, or (scope) breaks the RFC 6749 section 3.3 grammar.
	ErrRequest = errors.New("token: invalid mint request")
	// ErrInvalidOption: a Minter or Validator was built with an empty
	// issuer or audience, a nil key set, or an out-of-range option.
	ErrInvalidOption = errors.New("token: invalid option")
)
