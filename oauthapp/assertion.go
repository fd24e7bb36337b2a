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
// An assertion sent with a client id whose iss is not that client id, but
// an issuer one of the app's federated credentials names, is a
// workload's federated token instead, checked as FederatedCredential
// says; it fails with ErrInvalidClient the same way.
//
// A bad assertion costs at most one signature verification: everything
// the claims can be checked for is checked before it, and nothing is
// written before it succeeds.
func (s *Service) AuthenticateAssertion(ctx context.Context, as Assertion) (Client, error) {
	c, _, err := s.authenticateAssertion(ctx, s.now(), as, nil)
	return c, err
}

// authenticateAssertion checks an assertion at now; a non-nil ttl receives
// the lifetime of the token the client gets. The assertion is verified,
// then its jti recorded, and only then is the client's key marked used.
func (s *Service) authenticateAssertion(ctx context.Context, now time.Time, as Assertion, ttl *time.Duration) (Client, *liveApp, error) {
	region, err := s.region(as.Region)
	if err != nil {
		return Client{}, nil, err
	}
	if fa, peek, err := s.federatedFor(ctx, now, as); err != nil || fa != nil {
		if err != nil {
			return Client{}, nil, err
		}
		return s.authenticateFederated(ctx, now, as, fa, peek, ttl)
	}
	found := assertionClient{id: as.ClientID}
	claims, err := s.verifyAssertion(ctx, now, as, region, &found)
	if err == nil {
		err = s.useAssertionID(ctx, found.id, claims, now)
	}
	if err != nil {
		return Client{}, nil, s.refuseAssertion(ctx, found.id, err)
	}
	if ttl != nil {
		*ttl = s.ttl(found.app.ttl)
	}
	s.touchKey(ctx, found.app, found.key.id, now)
	a, key := found.app, found.key
	return Client{appSID: a.sid, accountSID: a.account, region: a.region, keyID: key.id, keyThumbprint: key.thumbprint}, a, nil
}

// assertionClient is what the key function learns of the client an
// assertion names: its id (the client_id parameter, else the assertion's
// sub), and once the assertion passes the client's own rules, its app and
// the key that signs it.
type assertionClient struct {
	id  string
	app *liveApp
	key *liveKey
}

// verifyAssertion checks an assertion with token.VerifyAssertion, which
// reads the assertion and checks its form, times and audience, then calls
// assertionKey, where the client's own rules are checked and its key
// found, and last verifies the signature under that key alone.
func (s *Service) verifyAssertion(ctx context.Context, now time.Time, as Assertion, region string, found *assertionClient) (token.Assertion, error) {
	keyFunc := func(c *token.Assertion) (*token.Key, error) {
		return s.assertionKey(ctx, now, region, c, found)
	}
	return token.VerifyAssertion(now, as.JWT, s.assertionRules(as.Endpoint), keyFunc)
}

// The refusals of an assertion that its client's own rules find.
var (
	refusedIssuerSubject = refuseWith(ReasonBadAssertion, "assertion iss and sub must both be the client id")
	refusedLongJTI       = refuseWith(ReasonBadAssertion, "assertion jti longer than "+strconv.Itoa(maxAssertionIDLen)+" bytes")
	refusedNoKID         = refuseWith(ReasonBadAssertion, "assertion names no kid, and the app has not exactly one key of its alg")
	refusedUnknownKey    = refuseWith(ReasonBadAssertion, "unknown client key")
	refusedKeyAlgorithm  = refuseWith(ReasonBadAssertion, "assertion algorithm is not its key's")
	refusedReplayed      = refuseWith(ReasonBadAssertion, "assertion replayed: its jti was used before")
	refusedAssertion     = refuseWith(ReasonBadAssertion, "assertion refused")
)

// assertionKey is the key function of an assertion presented in region:
// it checks the client's own rules on the claims, finds the app and the
// key, and records them in found. A failure to read the app is returned
// as a storeFailure, every other failure as a *refusal.
func (s *Service) assertionKey(ctx context.Context, now time.Time, region string, c *token.Assertion, found *assertionClient) (*token.Key, error) {
	if found.id == "" {
		found.id = c.Subject
	}
	switch id := found.id; {
	case c.Subject != id || c.Issuer != id:
		return nil, refusedIssuerSubject
	case !isSID(appSIDPrefix, id):
		return nil, refusedMalformedClientID
	case len(c.ID) > maxAssertionIDLen:
		return nil, refusedLongJTI
	}
	a, err := s.lookupApp(ctx, found.id, now)
	if errors.Is(err, ErrNotFound) {
		return nil, refusedUnknownClient
	}
	if err != nil {
		return nil, storeFailure{err}
	}
	key := a.clientKey(c.KeyID, c.Algorithm)
	switch {
	case key == nil && c.KeyID == "":
		return nil, refusedNoKID
	case key == nil:
		return nil, refusedUnknownKey
	case key.key.Algorithm() != c.Algorithm:
		return nil, refusedKeyAlgorithm
	case a.region != region:
		return nil, refusedRegion(a.region)
	}
	found.app, found.key = a, key
	return key.key, nil
}

// useAssertionID records a verified assertion's jti, refusing one used
// before. The record outlives the assertion by the leeway its exp was read
// with, so that no instance accepts it again.
func (s *Service) useAssertionID(ctx context.Context, clientID string, claims token.Assertion, now time.Time) error {
	err := s.store.UseAssertionID(ctx, clientID, claims.ID, claims.ExpiresAt.Add(token.DefaultLeeway), now)
	if errors.Is(err, store.ErrAlreadyExists) {
		return refusedReplayed
	}
	if err != nil {
		return storeFailure{fmt.Errorf("oauthapp: recording assertion id: %w", err)}
	}
	return nil
}

// storeFailure is a store error met while checking an assertion: the
// service's failure, not the client's.
type storeFailure struct{ err error }

func (e storeFailure) Error() string { return e.err.Error() }
func (e storeFailure) Unwrap() error { return e.err }

// refuseAssertion answers an assertion that failed: a store failure is
// returned as it is; a refusal, or an error of token.VerifyAssertion, goes
// to the audit hook and the observer, and the caller gets ErrInvalidClient.
func (s *Service) refuseAssertion(ctx context.Context, clientID string, err error) error {
	var failed storeFailure
	if errors.As(err, &failed) {
		return failed.err
	}
	var why *refusal
	if !errors.As(err, &why) {
		why = assertionRefusal(err)
	}
	return s.refuseClient(ctx, clientID, why)
}

// tokenRefusal is the refusal a table gives an error of the token
// package.
type tokenRefusal struct {
	err error
	why *refusal
}

// refusalFor is the refusal of the first entry of table that err wraps,
// else other.
func refusalFor(err error, table []tokenRefusal, other *refusal) *refusal {
	for _, r := range table {
		if errors.Is(err, r.err) {
			return r.why
		}
	}
	return other
}

// assertionRefusals are the refusals of the assertions
// token.VerifyAssertion refuses, by its error.
var assertionRefusals = []tokenRefusal{
	{token.ErrTooLarge, refuseWith(ReasonBadAssertion, "assertion too large")},
	{token.ErrMalformed, refuseWith(ReasonBadAssertion, "malformed assertion")},
	{token.ErrType, refuseWith(ReasonBadAssertion, "assertion typ is not a client assertion's")},
	{token.ErrAlgorithm, refuseWith(ReasonBadAssertion, "assertion algorithm is not one a client key may have")},
	{token.ErrMissingClaim, refuseWith(ReasonBadAssertion, "assertion lacks iss, sub, aud, exp or jti")},
	{token.ErrAudience, refuseWith(ReasonBadAssertion, "assertion is for another audience, or names several")},
	{token.ErrExpired, refuseWith(ReasonBadAssertion, "assertion expired")},
	{token.ErrLifetime, refuseWith(ReasonBadAssertion, "assertion lives too long: exp beyond the assertion lifetime")},
	{token.ErrNotYetValid, refuseWith(ReasonBadAssertion, "assertion not valid yet")},
	{token.ErrSignature, refuseWith(ReasonBadAssertion, "assertion signature does not verify")},
}

// assertionRefusal is the refusal of an error of token.VerifyAssertion.
func assertionRefusal(err error) *refusal {
	return refusalFor(err, assertionRefusals, refusedAssertion)
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
