package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

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
	// lie unless WithAssertionLifetime says otherwise: an hour, the
	// lifetime common clients sign (Python authlib's default expires_in)
	// and that Okta accepts. The used jti is kept that long too.
	DefaultAssertionLifetime = time.Hour
	// MinAssertionLifetime and MaxAssertionLifetime bound
	// WithAssertionLifetime.
	MinAssertionLifetime = 10 * time.Second
	MaxAssertionLifetime = time.Hour
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
	// sub are the client id, whose aud is the issuer or Endpoint (one string),
	// whose exp lies at most the assertion lifetime ahead, and whose jti
	// is used once. It is a credential: nothing logs it.
	JWT string
	// Endpoint is the URL of the endpoint the request arrived at (the
	// token endpoint), which the aud may name instead of the issuer.
	Endpoint string
	// Region is the region the request arrived in; "" is the default.
	Region string
}

// AuthenticateAssertion checks a client assertion (RFC 7523 section 3)
// with token.VerifyAssertion: its size and form, read as strictly as an
// access token (no member given twice, no crit header); its alg, that of
// a client key (never HS256 or none); aud, exactly one string, the issuer
// or Endpoint (only the issuer under WithAssertionAudienceIssuerOnly);
// exp (required, not past, at most WithAssertionLifetime ahead), nbf and
// iat (not in the future); jti (required); iss = sub = the client id; its
// kid, which must name a key of the app its sub names (without a kid, the
// app's one key of the assertion's alg); then its signature; then that
// its jti was never used before, across every instance sharing the store,
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

// errRefused aborts token.VerifyAssertion from the key function, before
// the signature is verified.
var errRefused = errors.New("oauthapp: assertion refused")

// authenticateAssertion checks an assertion at now; a non-nil ttl receives
// the lifetime of the token the client gets. token.VerifyAssertion reads
// and checks the assertion, then calls the key function, where the
// client's own rules are checked and its key found, and then verifies the
// signature under that key alone.
func (s *Service) authenticateAssertion(ctx context.Context, now time.Time, as Assertion, ttl *time.Duration) (Client, *liveApp, error) {
	clientID := as.ClientID
	fail := func(reason string) (Client, *liveApp, error) {
		return Client{}, nil, s.refuseClient(ctx, clientID, reason)
	}
	region, err := s.region(as.Region)
	if err != nil {
		return Client{}, nil, err
	}
	var (
		reason string // why the key function refused
		failed error  // a store failure met in the key function
		a      *liveApp
		key    *liveKey
	)
	refuse := func(why string) (*token.Key, error) {
		reason = why
		return nil, errRefused
	}
	keyFunc := func(c *token.Assertion) (*token.Key, error) {
		if clientID == "" {
			clientID = c.Subject
		}
		if c.Subject != clientID || c.Issuer != clientID {
			return refuse("assertion iss and sub must both be the client id")
		}
		if !isSID(appSIDPrefix, clientID) {
			return refuse("malformed client id")
		}
		if len(c.ID) > maxAssertionIDLen {
			return refuse("assertion jti longer than " + strconv.Itoa(maxAssertionIDLen) + " bytes")
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
		switch key = a.clientKey(c.KeyID, c.Algorithm); {
		case key == nil && c.KeyID == "":
			return refuse("assertion names no kid, and the app has not exactly one key of its alg")
		case key == nil:
			return refuse("unknown client key")
		case key.key.Algorithm() != c.Algorithm:
			return refuse("assertion algorithm is not its key's")
		case a.region != region:
			return refuse("client of region " + a.region)
		}
		return key.key, nil
	}
	claims, err := token.VerifyAssertion(now, as.JWT, s.assertionRules(as.Endpoint), keyFunc)
	switch {
	case failed != nil:
		return Client{}, nil, failed
	case reason != "":
		return fail(reason)
	case err != nil:
		return fail(assertionReason(err))
	}
	if ttl != nil {
		*ttl = s.ttl(a.ttl)
	}
	// The record outlives the assertion by the leeway its exp was read
	// with, so that no instance accepts it again.
	err = s.store.UseAssertionID(ctx, clientID, claims.ID, claims.ExpiresAt.Add(token.DefaultLeeway), now)
	if errors.Is(err, store.ErrAlreadyExists) {
		return fail("assertion replayed: its jti was used before")
	}
	if err != nil {
		return Client{}, nil, fmt.Errorf("oauthapp: recording assertion id: %w", err)
	}
	s.touchKey(ctx, a, key.id, now)
	return Client{appSID: a.sid, accountSID: a.account, region: a.region, keyID: key.id, keyThumbprint: key.thumbprint}, a, nil
}

// assertionReasons are the audit reasons of the assertions
// token.VerifyAssertion refuses, by its error.
var assertionReasons = []struct {
	err    error
	reason string
}{
	{token.ErrTooLarge, "assertion too large"},
	{token.ErrMalformed, "malformed assertion"},
	{token.ErrType, "assertion typ is not a client assertion's"},
	{token.ErrAlgorithm, "assertion algorithm is not one a client key may have"},
	{token.ErrMissingClaim, "assertion lacks iss, sub, aud, exp or jti"},
	{token.ErrAudience, "assertion is for another audience, or names several"},
	{token.ErrExpired, "assertion expired"},
	{token.ErrLifetime, "assertion lives too long: exp beyond the assertion lifetime"},
	{token.ErrNotYetValid, "assertion not valid yet"},
	{token.ErrSignature, "assertion signature does not verify"},
}

// assertionReason is the audit reason of an error of
// token.VerifyAssertion.
func assertionReason(err error) string {
	for _, r := range assertionReasons {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return "assertion refused"
}

// assertionRules are the rules of an assertion sent to endpoint (the
// issuer alone when there is none, or under
// WithAssertionAudienceIssuerOnly).
func (s *Service) assertionRules(endpoint string) token.AssertionRules {
	aud := []string{s.cfg.issuer}
	if endpoint != "" && !s.cfg.assertionIssuerOnly {
		aud = append(aud, endpoint)
	}
	return token.AssertionRules{Audiences: aud, MaxLifetime: s.cfg.assertionLife}
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
