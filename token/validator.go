package token

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// Validator checks access tokens the way RFC 9068 section 4 asks of a
// resource server, through golang-jwt's parser and validator. It is safe
// for concurrent use and follows changes to its KeySet at once.
type Validator struct {
	keys   *KeySet
	cfg    config
	parser *jwt.Parser
	// who checks iss and aud; it is full, so append copies it.
	who []jwt.ParserOption
	// clocked holds *clockedValidator values: golang-jwt validators of
	// every claim, built once each, whose clock reads the time of the
	// call that took them.
	clocked sync.Pool
}

// clockedValidator is a golang-jwt validator of exp, iat, nbf, iss and
// aud, whose clock reads now.
type clockedValidator struct {
	now   time.Time
	check *jwt.Validator
}

// supported lists the algorithms golang-jwt may parse a token under; the
// key its kid names narrows that to one.
var supported = []string{string(EdDSA), string(ES256), string(RS256), string(PS256), string(HS256)}

// NewValidator returns a Validator that accepts tokens signed by keys, whose
// iss is issuer and whose aud contains audience (or one of WithAudiences).
// Both must be non-empty (ErrInvalidOption). Options: WithLeeway, WithMaxSize,
// WithAudiences.
func NewValidator(keys *KeySet, issuer, audience string, opts ...Option) (*Validator, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: nil key set", ErrInvalidOption)
	}
	if issuer == "" || audience == "" {
		return nil, fmt.Errorf("%w: empty issuer or audience", ErrInvalidOption)
	}
	cfg := config{leeway: DefaultLeeway, maxSize: DefaultMaxSize}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	v := &Validator{
		keys: keys,
		cfg:  cfg,
		// Claims are validated after parsing, on the time Validate is given.
		parser: jwt.NewParser(jwt.WithValidMethods(supported), jwt.WithStrictDecoding(), jwt.WithoutClaimsValidation()),
		who:    []jwt.ParserOption{jwt.WithIssuer(issuer), jwt.WithAudience(append([]string{audience}, cfg.audiences...)...)},
	}
	v.clocked.New = func() any {
		c := new(clockedValidator)
		c.check = jwt.NewValidator(append(v.who, jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
			jwt.WithLeeway(cfg.leeway), jwt.WithTimeFunc(func() time.Time { return c.now }))...)
		return c
	}
	return v, nil
}

// Validate checks raw at now and returns its claims. In order: length
// (ErrTooLarge); three dot-separated base64url parts (ErrMalformed); the
// header, a JSON object without crit or repeated members (ErrMalformed);
// its typ (ErrType); its alg, which must be a supported algorithm
// (ErrAlgorithm); its kid, which must be present and held by the key set
// (ErrUnknownKey); alg again, which must be the algorithm of the key kid
// names (ErrAlgorithm); the claims' JSON (ErrMalformed); the signature
// (ErrSignature); presence of iss, sub, aud, exp, iat, jti and client_id
// (ErrMissingClaim); iss (ErrIssuer); aud (ErrAudience); exp, which must be
// after now (ErrExpired); nbf and iat, which may be after now by the leeway
// at most (ErrNotYetValid).
func (v *Validator) Validate(now time.Time, raw string) (Claims, error) {
	w, err := v.parse(raw)
	if err != nil {
		return Claims{}, err
	}
	c := v.clocked.Get().(*clockedValidator)
	c.now = now
	err = c.check.Validate(w)
	v.clocked.Put(c)
	if err != nil {
		return Claims{}, claimError(err, w)
	}
	// golang-jwt grants exp the leeway too; here a token expires at its
	// exp exactly.
	if !now.Before(w.ExpiresAt.Time) {
		return Claims{}, claimError(jwt.ErrTokenExpired, w)
	}
	return w.claims(), nil
}

// Verify checks raw as Validate does, with the same errors, except for
// the time: it accepts a token that has expired or is not yet valid. It
// is for revoking a token (RFC 7009), which must reach a token minted by
// an issuer whose clock runs ahead before it becomes valid; it never
// decides access, which is Validate's.
func (v *Validator) Verify(raw string) (Claims, error) {
	w, err := v.parse(raw)
	if err != nil {
		return Claims{}, err
	}
	// golang-jwt's validator is shown the claims without their times;
	// claims reads them from w.dates.
	w.ExpiresAt, w.IssuedAt, w.NotBefore = nil, nil, nil
	if err := jwt.NewValidator(v.who...).Validate(w); err != nil {
		return Claims{}, claimError(err, w)
	}
	return w.claims(), nil
}

// parse checks the size, the parts and the header of raw, parses and
// verifies it with golang-jwt under the key its header names, and checks
// that the required claims are present.
func (v *Validator) parse(raw string) (*wireClaims, error) {
	if len(raw) > v.cfg.maxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), v.cfg.maxSize)
	}
	// base64 decoding skips line breaks, which a token never holds.
	if i := max(strings.IndexByte(raw, '\n'), strings.IndexByte(raw, '\r')); i >= 0 {
		if i > strings.LastIndexByte(raw, '.') {
			return nil, fmt.Errorf("%w: line break in the signature", ErrSignature)
		}
		return nil, fmt.Errorf("%w: line break in the token", ErrMalformed)
	}
	if strings.Count(raw, ".") != 2 {
		return nil, fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	hdr, rest, _ := strings.Cut(raw, ".")
	payload, _, _ := strings.Cut(rest, ".")
	key, err := v.keyFor(hdr)
	if err != nil {
		return nil, err
	}
	w := &wireClaims{key: key}
	t, err := v.parser.ParseWithClaims(raw, w, verifyingKey)
	if err != nil {
		return nil, parseError(t, err)
	}
	if err := w.finish(payload); err != nil {
		return nil, err
	}
	if name := w.missing(); name != "" {
		return nil, fmt.Errorf("%w: %s", ErrMissingClaim, name)
	}
	return w, nil
}

// verifyingKey is the golang-jwt Keyfunc of parse: what verifies the
// token is the key its header named, which parse put beside the claims.
func verifyingKey(t *jwt.Token) (any, error) {
	return t.Claims.(*wireClaims).key.secret().verify, nil
}

// keyFor returns the key that verifies a token with the header part part,
// after checking the header. A header byte for byte the one Mint writes for
// a key is that key's, with one lookup and no decoding.
func (v *Validator) keyFor(part string) (*Key, error) {
	if k, ok := v.keys.state.Load().headers[part]; ok {
		return k, nil
	}
	h, err := parseHeader(part)
	if err != nil {
		return nil, err
	}
	if !isType(h.typ, "at+jwt") {
		return nil, fmt.Errorf("%w: typ must be at+jwt", ErrType)
	}
	if !Algorithm(h.alg).Valid() {
		return nil, fmt.Errorf("%w: alg %s", ErrAlgorithm, quote.Q(h.alg))
	}
	if h.kid == "" {
		return nil, fmt.Errorf("%w: no kid", ErrUnknownKey)
	}
	k, ok := v.keys.Lookup(h.kid)
	if !ok {
		return nil, fmt.Errorf("%w: kid %s", ErrUnknownKey, quote.Q(h.kid))
	}
	if Algorithm(h.alg) != k.alg {
		return nil, fmt.Errorf("%w: alg %s for a %s key", ErrAlgorithm, h.alg, k.alg)
	}
	return k, nil
}

// parseError turns a golang-jwt parse error into this package's.
// golang-jwt's own errors are not wrapped, so callers rely on this
// package's sentinels alone.
func parseError(t *jwt.Token, err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return ErrSignature
	case errors.Is(err, jwt.ErrTokenMalformed) && t != nil && t.Method != nil:
		// Header and claims decoded: the signature part did not.
		return fmt.Errorf("%w: signature is not base64url", ErrSignature)
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// claimError turns a golang-jwt validation error into this package's,
// naming the first failed check in Validate's order.
func claimError(err error, w *wireClaims) error {
	switch {
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return fmt.Errorf("%w: %s", ErrIssuer, quote.Q(w.Issuer))
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return ErrAudience
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w: at %s", ErrExpired, w.ExpiresAt.UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return fmt.Errorf("%w: nbf or iat after now", ErrNotYetValid)
	}
	return fmt.Errorf("%w: %v", ErrMissingClaim, err)
}
