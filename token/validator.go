package token

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Validator checks access tokens the way RFC 9068 section 4 asks of a
// resource server. It is safe for concurrent use and follows changes to its
// KeySet at once.
type Validator struct {
	keys     *KeySet
	issuer   string
	audience string
	// audiences are accepted besides audience (WithAudiences).
	audiences []string
	leeway    time.Duration
	maxSize   int
}

// NewValidator returns a Validator that accepts tokens signed by keys, whose
// iss is issuer and whose aud contains audience. Both must be non-empty
// (ErrConfig). Options: WithLeeway, WithMaxSize.
func NewValidator(keys *KeySet, issuer, audience string, opts ...Option) (*Validator, error) {
	if keys == nil {
		return nil, fmt.Errorf("%w: nil key set", ErrConfig)
	}
	if issuer == "" || audience == "" {
		return nil, fmt.Errorf("%w: empty issuer or audience", ErrConfig)
	}
	v := &Validator{keys: keys, issuer: issuer, audience: audience, leeway: DefaultLeeway, maxSize: DefaultMaxSize}
	for _, o := range opts {
		if err := o(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Validate checks raw at now and returns its claims. In order: length
// (ErrTooLarge); three dot-separated parts (ErrMalformed); the header's
// base64url and JSON (ErrMalformed); its typ (ErrType); its alg, which must
// be a supported algorithm (ErrAlgorithm); its kid, which must be present
// and held by the key set (ErrUnknownKey); alg again, which must be the
// algorithm of the key kid names (ErrAlgorithm); the signature
// (ErrSignature); the claims' base64url and JSON (ErrMalformed) and
// presence of iss, sub, aud, exp, iat, jti and client_id
// (ErrMissingClaim); iss (ErrIssuer); aud (ErrAudience); exp, which must be
// after now (ErrExpired); nbf and iat, which may be after now by the leeway
// at most (ErrNotYetValid). Claims are read only once the signature
// verifies.
func (v *Validator) Validate(now time.Time, raw string) (Claims, error) {
	c, err := v.Verify(raw)
	if err != nil {
		return Claims{}, err
	}
	if err := v.checkTime(now, &c); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// Verify checks raw as Validate does, with the same errors, except for
// the time: it accepts a token that has expired or is not yet valid. It
// is for revoking a token (RFC 7009), which must reach a token minted by
// an issuer whose clock runs ahead before it becomes valid; it never
// decides access, which is Validate's.
func (v *Validator) Verify(raw string) (Claims, error) {
	if len(raw) > v.maxSize {
		return Claims{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), v.maxSize)
	}
	hdr, payload, sig, err := split(raw)
	if err != nil {
		return Claims{}, err
	}
	key, err := v.key(hdr)
	if err != nil {
		return Claims{}, err
	}
	if err := verify(key, raw[:len(hdr)+1+len(payload)], sig); err != nil {
		return Claims{}, err
	}
	c, err := decodePart(payload, decodeClaims)
	if err != nil {
		return Claims{}, err
	}
	if err := v.check(&c); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// split cuts a compact JWS into its three parts. The characters are left
// to the base64url decoding of each part, which rejects anything else; the
// signature may be empty (then it fails to verify).
func split(raw string) (hdr, payload, sig string, err error) {
	hdr, rest, ok1 := strings.Cut(raw, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.IndexByte(sig, '.') >= 0 {
		return "", "", "", fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	if hdr == "" || payload == "" {
		return "", "", "", fmt.Errorf("%w: empty header or payload", ErrMalformed)
	}
	return hdr, payload, sig, nil
}

// key returns the key the header names, after checking typ and alg. A
// header byte-identical to the one Mint writes for a key is that key's
// without decoding.
func (v *Validator) key(hdr string) (*Key, error) {
	if k, ok := v.keys.byHeader(hdr); ok {
		return k, nil
	}
	h, err := decodePart(hdr, decodeHeader)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(h.typ, "at+jwt") && !strings.EqualFold(h.typ, "application/at+jwt") {
		return nil, fmt.Errorf("%w: typ must be at+jwt", ErrType)
	}
	if !Algorithm(h.alg).Valid() {
		return nil, fmt.Errorf("%w: alg %q", ErrAlgorithm, truncate(h.alg))
	}
	if h.kid == "" {
		return nil, fmt.Errorf("%w: no kid", ErrUnknownKey)
	}
	k, ok := v.keys.Lookup(h.kid)
	if !ok {
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, truncate(h.kid))
	}
	if Algorithm(h.alg) != k.alg {
		return nil, fmt.Errorf("%w: alg %s for a %s key", ErrAlgorithm, h.alg, k.alg)
	}
	return k, nil
}

// truncate shortens attacker-chosen text before it goes into an error.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// verify checks the signature part against the signing input.
func verify(key *Key, signingInput, sig string) error {
	if !key.verifySignature(signingInput, sig) {
		return fmt.Errorf("%w: kid %q", ErrSignature, key.id)
	}
	return nil
}

// decodePart base64url-decodes part and hands the JSON text to decode.
func decodePart[T any](part string, decode func(string) (T, error)) (T, error) {
	var zero T
	var stack [1024]byte
	b := stack[:0]
	if n := len(part)*3/4 + 3; n > len(stack) {
		b = make([]byte, 0, n)
	}
	b, ok := appendDecodeB64(b, part)
	if !ok {
		return zero, fmt.Errorf("%w: part is not base64url", ErrMalformed)
	}
	return decode(string(b))
}

// check applies the claim rules but time to a token whose signature
// verified.
func (v *Validator) check(c *Claims) error {
	for _, m := range [...]struct {
		name    string
		missing bool
	}{
		{"iss", c.Issuer == ""},
		{"sub", c.Subject == ""},
		{"aud", len(c.Audience) == 0},
		{"exp", c.ExpiresAt.IsZero()},
		{"iat", c.IssuedAt.IsZero()},
		{"jti", c.ID == ""},
		{"client_id", c.ClientID == ""},
	} {
		if m.missing {
			return fmt.Errorf("%w: %s", ErrMissingClaim, m.name)
		}
	}
	if c.Issuer != v.issuer {
		return fmt.Errorf("%w: %q", ErrIssuer, truncate(c.Issuer))
	}
	if !c.HasAudience(v.audience) && !slices.ContainsFunc(v.audiences, c.HasAudience) {
		return ErrAudience
	}
	return nil
}

// checkTime applies the time rules at now: exp ahead, nbf and iat not
// beyond the leeway.
func (v *Validator) checkTime(now time.Time, c *Claims) error {
	if !now.Before(c.ExpiresAt) {
		return fmt.Errorf("%w: at %s", ErrExpired, c.ExpiresAt.Format(time.RFC3339))
	}
	limit := now.Add(v.leeway)
	if c.NotBefore.After(limit) {
		return fmt.Errorf("%w: nbf %s", ErrNotYetValid, c.NotBefore.Format(time.RFC3339))
	}
	if c.IssuedAt.After(limit) {
		return fmt.Errorf("%w: iat %s", ErrNotYetValid, c.IssuedAt.Format(time.RFC3339))
	}
	return nil
}
