package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Client assertions (private_key_jwt, RFC 7523 section 2.2).
const (
	// AssertionType is the client_assertion_type of a JWT client
	// assertion (RFC 7523 section 2.2).
	AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// MaxAssertionSize is the longest client assertion accepted, in
	// bytes: room for an RS256 signature of a 4096-bit key and far more
	// claims than an assertion needs.
	MaxAssertionSize = 8 << 10
	// DefaultAssertionLifetime is how far ahead an assertion's exp may
	// lie unless WithAssertionLifetime says otherwise.
	DefaultAssertionLifetime = 5 * time.Minute
	// MinAssertionLifetime and MaxAssertionLifetime bound
	// WithAssertionLifetime.
	MinAssertionLifetime = 10 * time.Second
	MaxAssertionLifetime = time.Hour
	// assertionLeeway absorbs clock skew between client and server in
	// exp, nbf and iat.
	assertionLeeway = token.DefaultLeeway
	// maxAssertionIDLen bounds the jti kept for replay detection.
	maxAssertionIDLen = 256
)

// Assertion is a client's private_key_jwt authentication as the HTTP layer
// took it apart: a JWT signed with one of the app's client keys.
type Assertion struct {
	// ClientID is the client_id parameter, when the request has one
	// ("" otherwise); the assertion's iss and sub must equal it.
	ClientID string
	// JWT is the client_assertion parameter: a signed JWT whose iss and
	// sub are the client id, whose aud names the issuer or Endpoint,
	// whose exp lies at most the assertion lifetime ahead, and whose jti
	// is used once. It is a credential: nothing logs it.
	JWT string
	// Endpoint is the URL of the endpoint the request arrived at (the
	// token endpoint), which the aud may name instead of the issuer.
	Endpoint string
	// Region is the region the request arrived in; "" is the default.
	Region string
}

// AuthenticateAssertion checks a client assertion (RFC 7523 section 3):
// its size and structure, its kid, which must name a key of the app its
// sub names, the algorithm, which must be that key's, iss = sub = the
// client id, aud (the issuer or the endpoint), exp (required, not past,
// at most WithAssertionLifetime ahead), nbf and iat (not in the future),
// jti (required); then its signature, through golang-jwt; then that its
// jti was never used before, across every instance sharing the store,
// recording it until the assertion expires. A region the service does not
// serve is ErrUnsupportedRegion; every other failure is ErrInvalidClient,
// the same as a wrong secret, with the reason in the audit event only.
//
// A bad assertion costs at most one signature verification: everything
// the claims can be checked for is checked before it, and nothing is
// written before it succeeds.
func (s *Service) AuthenticateAssertion(ctx context.Context, as Assertion) (Client, error) {
	c, _, err := s.authenticateAssertion(ctx, s.now(), as, nil)
	return c, err
}

// errRefused aborts golang-jwt's parse from the key function, before the
// signature is verified.
var errRefused = errors.New("oauthapp: assertion refused")

// authenticateAssertion checks an assertion at now; a non-nil ttl receives
// the lifetime of the token the client gets.
//
// The assertion is parsed once, by golang-jwt's Parser, whose key
// function runs after the header and claims are decoded and before the
// signature is verified: it is where every cheap check happens, so that
// a bad assertion is refused without a verification. The Parser then
// verifies the signature with the key found, under exactly that key's
// algorithm, and applies its claim rules again.
func (s *Service) authenticateAssertion(ctx context.Context, now time.Time, as Assertion, ttl *time.Duration) (Client, *liveApp, error) {
	clientID := as.ClientID
	fail := func(reason string) (Client, *liveApp, error) {
		return Client{}, nil, s.refuseClient(ctx, clientID, reason)
	}
	region, err := s.region(as.Region)
	if err != nil {
		return Client{}, nil, err
	}
	if s.assertions == nil {
		s.cfg.logger.ErrorContext(ctx, "oauthapp: a client assertion was refused: the store does not keep assertion ids (store.AssertionIDs)")
		return fail("the store cannot refuse replayed assertions")
	}
	if len(as.JWT) > MaxAssertionSize {
		return fail("assertion too large")
	}
	var (
		claims assertionClaims
		rules  = s.assertionRules(as.Endpoint, now)
		reason string // why the key function refused
		failed error  // a store failure met in the key function
		a      *liveApp
		key    *liveKey
	)
	refuse := func(why string) (any, error) {
		reason = why
		return nil, errRefused
	}
	keyFunc := func(t *jwt.Token) (any, error) {
		if clientID == "" {
			clientID = claims.Subject
		}
		if claims.Subject != clientID || claims.Issuer != clientID {
			return refuse("assertion iss and sub must both be the client id")
		}
		if !isSID(AppSIDPrefix, clientID) {
			return refuse("malformed client id")
		}
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return refuse("assertion names no kid")
		}
		if why := s.checkAssertion(&claims, now, rules); why != "" {
			return refuse(why)
		}
		var err error
		a, err = s.lookupApp(ctx, clientID, now)
		if errors.Is(err, ErrNotFound) {
			return refuse("unknown client")
		}
		if err != nil {
			failed = err
			return nil, err
		}
		if key = a.key(kid); key == nil {
			return refuse("unknown client key")
		}
		if t.Method.Alg() != key.alg {
			return refuse("assertion algorithm is not its key's")
		}
		if a.region != region {
			return refuse("client of region " + a.region)
		}
		s.sigChecks.Add(1)
		return key.pub, nil
	}
	_, err = jwt.NewParser(rules...).ParseWithClaims(as.JWT, &claims, keyFunc)
	switch {
	case failed != nil:
		return Client{}, nil, failed
	case reason != "":
		return fail(reason)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid) && key != nil:
		return fail("assertion signature does not verify")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return fail("assertion algorithm is not one a client key may have")
	case err != nil && key == nil:
		return fail("malformed assertion")
	case err != nil:
		return fail("assertion claims are invalid")
	}
	if ttl != nil {
		*ttl = s.ttl(a.ttl)
	}
	// The record outlives the assertion by the leeway its exp was read
	// with, so that no instance accepts it again.
	err = s.assertions.UseAssertionID(ctx, clientID, claims.ID, claims.expires().Add(assertionLeeway), now)
	if errors.Is(err, store.ErrAlreadyExists) {
		return fail("assertion replayed: its jti was used before")
	}
	if err != nil {
		return Client{}, nil, fmt.Errorf("oauthapp: recording assertion id: %w", err)
	}
	s.touchKey(ctx, a, key.id, now)
	return Client{appSID: a.sid, accountSID: a.account, region: a.region, keyID: key.id}, a, nil
}

// assertionRules are the golang-jwt rules of an assertion checked at now:
// an algorithm a client key may have (the key function then holds it to
// exactly its key's), aud the issuer or the endpoint, exp required, iat
// not in the future, the leeway for clock skew. iss and sub, which must be
// the client id that only the assertion may name, are checked by the key
// function.
func (s *Service) assertionRules(endpoint string, now time.Time) []jwt.ParserOption {
	aud := s.assertionAudience
	if endpoint != "" {
		aud = jwt.WithAudience(s.cfg.issuer, endpoint)
	}
	return append(staticAssertionRules[:len(staticAssertionRules):len(staticAssertionRules)],
		aud, jwt.WithTimeFunc(func() time.Time { return now }))
}

// staticAssertionRules are the rules of every assertion that depend on
// nothing the request brings.
var staticAssertionRules = []jwt.ParserOption{
	jwt.WithValidMethods(clientKeyAlgs),
	jwt.WithExpirationRequired(),
	jwt.WithIssuedAt(),
	jwt.WithLeeway(assertionLeeway),
}

// checkAssertion applies the rules to claims not yet verified, and the
// ones golang-jwt has no option for (a bounded exp, a jti). It returns
// why they fail, or "".
func (s *Service) checkAssertion(c *assertionClaims, now time.Time, opts []jwt.ParserOption) string {
	if exp := c.expires(); exp.After(now.Add(s.cfg.assertionLife)) {
		return "assertion lives too long: exp beyond the assertion lifetime"
	}
	if c.ID == "" || len(c.ID) > maxAssertionIDLen {
		return "assertion has no jti, or one too long"
	}
	err := jwt.NewValidator(opts...).Validate(c)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "assertion expired or has no exp"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "assertion not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "assertion is for another audience"
	}
	return "assertion claims are invalid"
}

// touchKey records, at most once a minute per app and key, that a client
// key authenticated a client. A failure is logged and otherwise ignored.
func (s *Service) touchKey(ctx context.Context, a *liveApp, kid string, now time.Time) {
	if !claimTouch(a.keyTouched, kid, now) {
		return
	}
	if err := s.store.TouchClientKey(ctx, a.sid, kid, now); err != nil {
		s.cfg.logger.WarnContext(ctx, "oauthapp: recording client key use", "app", a.sid, "key_id", kid, "error", err)
	}
}

// PurgeAssertions removes the records of used client assertions that
// expired more than token.DefaultLeeway ago, as PurgeRevoked does for
// revocations. Call it now and then; the memory store also sweeps on its
// own. With a store that keeps no assertion ids it does nothing.
func (s *Service) PurgeAssertions(ctx context.Context) (int, error) {
	if s.assertions == nil {
		return 0, nil
	}
	return s.assertions.PurgeAssertionIDs(ctx, s.now().Add(-token.DefaultLeeway))
}

// AcceptsClientAssertions reports whether the service authenticates
// clients by private_key_jwt: its store keeps the used assertion ids
// (store.AssertionIDs) that refusing a replay needs.
func (s *Service) AcceptsClientAssertions() bool { return s.assertions != nil }
