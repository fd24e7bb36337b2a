package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// Assertion is a JWT client assertion (RFC 7523 sections 2.2 and 3) as
// VerifyAssertion reads it: the kid and alg of its header and its claims.
// Times are UTC; nbf and iat are zero when absent.
type Assertion struct {
	KeyID     string    // kid; "" when the header names none
	Algorithm Algorithm // alg
	Issuer    string    // iss
	Subject   string    // sub
	Audience  string    // aud, which must be one string, never an array
	ExpiresAt time.Time // exp
	NotBefore time.Time // nbf
	IssuedAt  time.Time // iat
	ID        string    // jti
}

// AssertionRules are what VerifyAssertion holds an assertion to besides
// the rules of every JWT it reads.
type AssertionRules struct {
	// Audiences are the values aud may be: the assertion's aud must be
	// exactly one of them, as a single JSON string. An array is refused
	// even when it holds one of them, so that an assertion signed for
	// another server with ours beside it is worth nothing here (the
	// audience injection of draft-ietf-oauth-rfc7523bis).
	Audiences []string
	// MaxLifetime bounds how far after now exp may lie (after iat, when
	// the client's clock runs ahead): whoever verifies must remember the
	// jti until exp to refuse a replay. Under Federated, zero bounds
	// nothing.
	MaxLifetime time.Duration
	// Federated holds the JWT to the rules of a token an external issuer
	// signed for a workload (workload identity federation: a Kubernetes
	// service account token, a CI system's OIDC token) instead of those
	// of a client's own assertion: aud may also be an array, which must
	// hold one of Audiences (Kubernetes writes one), and jti is optional,
	// since such a token is meant to be presented more than once while it
	// lives. Everything else is checked the same way.
	Federated bool
}

// assertionTypes are the typ values an assertion may carry, besides none:
// the generic one most clients write, and the explicit type of
// draft-ietf-oauth-rfc7523bis. An access token (at+jwt), or any other
// typed JWT, is not a client assertion.
var assertionTypes = []string{"JWT", "client-authentication+jwt"}

// assertionClaimNames are the claims VerifyAssertion reads.
var assertionClaimNames = []string{"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

// VerifyAssertion checks the client assertion raw at now and returns it.
// It applies the same strict reading as Validate, then rules, before it
// calls key, and verifies the signature only after key returns, so that a
// bad assertion costs no signature verification and at most one store
// read, and a good one exactly one verification. In order: length, at
// most DefaultMaxSize (ErrTooLarge); three base64url parts (ErrMalformed);
// the header, a JSON object with no crit and no member given twice
// (ErrMalformed); its typ, absent, JWT or client-authentication+jwt
// (ErrType); its alg, one of EdDSA, ES256, RS256 and PS256 (ErrAlgorithm:
// never HS256 or none); the claims, a JSON object of valid UTF-8 with no
// member given twice or named like a claim in another case, string iss,
// sub, aud and jti and numeric times from 0 to year 9999 (ErrMalformed);
// iss, sub, aud, exp and jti present (ErrMissingClaim); aud, one string of
// rules.Audiences (ErrAudience); exp after now less DefaultLeeway
// (ErrExpired); nbf and iat at most DefaultLeeway after now
// (ErrNotYetValid); exp at most rules.MaxLifetime after now, or after iat
// when that is later (ErrLifetime). Then key is called with the assertion: it returns the
// key to verify with, or an error VerifyAssertion returns as it is. The
// key must be of the header's alg (ErrAlgorithm), and the signature must
// verify under it (ErrSignature).
//
// Under rules.Federated the same checks hold a token an external issuer
// signed for a workload, with the two differences that field names (an
// aud array, no jti); the key then comes from the issuer's JWK Set
// (ParseJWKS).
//
// VerifyAssertion knows nothing of clients: key checks that iss and sub
// name the client and that the kid (or, without one, the algorithm)
// names one of its keys, and the caller records the jti until ExpiresAt
// plus DefaultLeeway to refuse a replay.
func VerifyAssertion(now time.Time, raw string, rules AssertionRules, key func(*Assertion) (*Key, error)) (Assertion, error) {
	a, aud, err := readAssertion(raw)
	if err != nil {
		return Assertion{}, err
	}
	if err := a.check(now, rules, aud); err != nil {
		return Assertion{}, err
	}
	k, err := key(&a)
	if err != nil {
		return Assertion{}, err
	}
	if k == nil || k.alg != a.Algorithm {
		return Assertion{}, fmt.Errorf("%w: alg %s for another key", ErrAlgorithm, a.Algorithm)
	}
	// golang-jwt verifies the signature under exactly the key's
	// algorithm; the claims were checked above, on the caller's time.
	p := jwt.NewParser(jwt.WithValidMethods([]string{string(k.alg)}), jwt.WithStrictDecoding(), jwt.WithoutClaimsValidation())
	t, err := p.Parse(raw, func(*jwt.Token) (any, error) { return k.secret().verify, nil })
	if err != nil {
		return Assertion{}, parseError(t, err)
	}
	return a, nil
}

// PeekAssertion decodes the header and the claims of raw as strictly as
// VerifyAssertion does, and checks nothing else: not a claim, not the
// signature. It is for choosing how to verify a JWT (whose key, under
// which rules) before VerifyAssertion does; nothing it returns may be
// trusted. Audience is "" when aud is an array.
func PeekAssertion(raw string) (Assertion, error) {
	a, _, err := readAssertion(raw)
	return a, err
}

// audience is the aud claim as read: its values, and whether it was an
// array.
type audience struct {
	values []string
	array  bool
}

// readAssertion decodes the header and the claims of raw without
// verifying anything but their form.
func readAssertion(raw string) (Assertion, audience, error) {
	if len(raw) > DefaultMaxSize {
		return Assertion{}, audience{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), DefaultMaxSize)
	}
	// base64 decoding skips line breaks, which a JWT never holds.
	if strings.ContainsAny(raw, "\r\n") {
		return Assertion{}, audience{}, fmt.Errorf("%w: line break in the assertion", ErrMalformed)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Assertion{}, audience{}, fmt.Errorf("%w: not three dot-separated parts", ErrMalformed)
	}
	h, err := parseHeader(parts[0])
	if err != nil {
		return Assertion{}, audience{}, err
	}
	if h.typ != "" && !slices.ContainsFunc(assertionTypes, func(t string) bool { return isType(h.typ, t) }) {
		return Assertion{}, audience{}, fmt.Errorf("%w: typ %s is not a client assertion's", ErrType, quote.Q(h.typ))
	}
	alg := Algorithm(h.alg)
	if !alg.Valid() || alg == HS256 {
		return Assertion{}, audience{}, fmt.Errorf("%w: alg %s", ErrAlgorithm, quote.Q(h.alg))
	}
	a := Assertion{KeyID: h.kid, Algorithm: alg}
	auds, err := a.readClaims(parts[1])
	if err != nil {
		return Assertion{}, audience{}, err
	}
	return a, auds, nil
}

// readClaims decodes the base64url claims part of an assertion into a:
// string iss, sub, jti and aud, numeric times, under the strict reading
// of strictObject, and returns aud as read. It fails with ErrMalformed.
func (a *Assertion) readClaims(part string) (audience, error) {
	data, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return audience{}, fmt.Errorf("%w: payload is not base64url", ErrMalformed)
	}
	var (
		iss, sub, jti headerString
		aud           json.RawMessage
		times         [3]*numericValue // exp, nbf, iat
	)
	fields := map[string]any{"iss": &iss, "sub": &sub, "jti": &jti, "aud": &aud, "exp": &times[0], "nbf": &times[1], "iat": &times[2]}
	if err := strictObject(data, assertionClaimNames, func(name string) any { return fields[name] }); err != nil {
		return audience{}, err
	}
	a.Issuer, a.Subject, a.ID = string(iss), string(sub), string(jti)
	if !validText(a.Issuer) || !validText(a.Subject) || !validText(a.ID) {
		return audience{}, fmt.Errorf("%w: a claim holds U+FFFD", ErrMalformed)
	}
	for i, dst := range []*time.Time{&a.ExpiresAt, &a.NotBefore, &a.IssuedAt} {
		if times[i] == nil {
			continue
		}
		at, err := numericTime(float64(*times[i]))
		if err != nil {
			return audience{}, err
		}
		*dst = at.UTC()
	}
	var auds audience
	switch {
	case len(aud) == 0:
	case aud[0] == '"':
		if err := json.Unmarshal(aud, &a.Audience); err != nil || !validText(a.Audience) {
			return audience{}, fmt.Errorf("%w: aud is not a string", ErrMalformed)
		}
		auds.values = []string{a.Audience}
	case aud[0] == '[':
		var vs []headerString
		if err := json.Unmarshal(aud, &vs); err != nil || slices.ContainsFunc(vs, func(v headerString) bool { return !validText(string(v)) }) {
			return audience{}, fmt.Errorf("%w: aud is not an array of strings", ErrMalformed)
		}
		auds.array = true
		for _, v := range vs {
			auds.values = append(auds.values, string(v))
		}
	default:
		return audience{}, fmt.Errorf("%w: aud is not a string", ErrMalformed)
	}
	return auds, nil
}

// check applies the claim rules of VerifyAssertion at now to a and its
// aud; under rules.Federated, a.Audience becomes the value of aud that
// rules.Audiences holds.
func (a *Assertion) check(now time.Time, rules AssertionRules, aud audience) error {
	if aud.array && !rules.Federated {
		return fmt.Errorf("%w: aud must be one string, not an array", ErrAudience)
	}
	for _, c := range [...]struct {
		name    string
		missing bool
	}{{"iss", a.Issuer == ""}, {"sub", a.Subject == ""}, {"aud", len(aud.values) == 0 || slices.Contains(aud.values, "")}, {"exp", a.ExpiresAt.IsZero()}, {"jti", a.ID == "" && !rules.Federated}} {
		if c.missing {
			return fmt.Errorf("%w: %s", ErrMissingClaim, c.name)
		}
	}
	if i := slices.IndexFunc(aud.values, func(v string) bool { return slices.Contains(rules.Audiences, v) }); i >= 0 {
		a.Audience = aud.values[i]
	} else {
		return fmt.Errorf("%w: %s", ErrAudience, quote.Q(aud.values[0]))
	}
	switch {
	case !now.Before(a.ExpiresAt.Add(DefaultLeeway)):
		return fmt.Errorf("%w: at %s", ErrExpired, a.ExpiresAt.Format(time.RFC3339))
	case a.NotBefore.After(now.Add(DefaultLeeway)), a.IssuedAt.After(now.Add(DefaultLeeway)):
		return fmt.Errorf("%w: nbf or iat after now", ErrNotYetValid)
	}
	// The lifetime counts from now, or from iat when the client's clock
	// runs ahead (by the leeway at most, checked above), so that a
	// client signing exactly the longest lifetime is not refused for
	// its clock.
	start := now
	if a.IssuedAt.After(now) {
		start = a.IssuedAt
	}
	if (!rules.Federated || rules.MaxLifetime > 0) && a.ExpiresAt.After(start.Add(rules.MaxLifetime)) {
		return fmt.Errorf("%w: exp more than %v ahead", ErrLifetime, rules.MaxLifetime)
	}
	return nil
}

// numericValue is a time claim as it must be written: a JSON number, not
// a string or null.
type numericValue float64

func (n *numericValue) UnmarshalJSON(b []byte) error {
	if b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		return errors.New("not a number")
	}
	return json.Unmarshal(b, (*float64)(n))
}

// isType reports whether typ is want, with or without the application/
// prefix, in any case (RFC 7515 section 4.1.9).
func isType(typ, want string) bool {
	return strings.EqualFold(typ, want) || strings.EqualFold(typ, "application/"+want)
}
