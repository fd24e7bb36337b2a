package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/token"
)

// TokenRequest is a client credentials token request (RFC 6749 section
// 4.4.2) after the HTTP layer has taken it apart.
type TokenRequest struct {
	// ClientID is the client id as presented: the app's SID.
	ClientID string
	// ClientSecret is the client secret as presented. It is a credential:
	// nothing the service returns or logs contains it.
	ClientSecret string
	// Scope is the requested scope, space-separated permissions. Empty
	// asks for everything the app's policy allows. It narrows the grant,
	// never widens it.
	Scope string
	// Region is the region the request arrived in; "" is the service's
	// default region.
	Region string
	// ClientAssertion, when set, authenticates the client by
	// private_key_jwt (RFC 7523 section 2.2) instead of ClientSecret,
	// which must then be empty; see AuthenticateAssertion. ClientID may
	// then be empty: the assertion names the client.
	ClientAssertion string
	// Endpoint is the URL of the token endpoint the request arrived at,
	// which an assertion's aud may name instead of the issuer.
	Endpoint string
	// Resource is the resource parameter (RFC 8707): the URI of the API
	// the token is for, which becomes its aud. It must be one of the
	// app's resources (NewApp.Resources), else ErrInvalidTarget; ""
	// gives the service's audience.
	Resource string
	// DPoP is the request's DPoP header (RFC 9449 section 5): a proof
	// whose htm is POST and whose htu is Endpoint. With a good one the
	// token is bound to the proof's key; without one, an app that
	// requires DPoP (NewApp.DPoPBoundAccessTokens) gets no token.
	DPoP string
}

// Token is an issued access token (RFC 6749 section 5.1).
type Token struct {
	// AccessToken is the signed JWT. It is a credential: do not log it.
	AccessToken string
	// TokenType is TokenTypeDPoP for a token bound to a DPoP key,
	// TokenTypeBearer for any other.
	TokenType string
	// ExpiresIn is the lifetime in whole seconds: the token TTL, 3600 by
	// default, or less for a token obtained with a previous secret in its
	// grace, which expires when that grace ends if that is sooner. It is
	// never less than 60.
	ExpiresIn int64
	// Scope is the granted scope, space-separated.
	Scope string
	// ID is the token's jti, safe to log.
	ID string
	// ExpiresAt is the token's exp: issue time plus ExpiresIn, in whole
	// seconds, UTC.
	ExpiresAt time.Time
}

// Client is proof that an OAuth client authenticated: only
// AuthenticateClient makes one, so Introspect and Revoke act only for a
// client that presented its credentials. Its fields cannot be set from
// outside; the zero Client is no client, and Introspect and Revoke refuse
// it with ErrInvalidClient.
type Client struct {
	appSID, accountSID, region, secretID, keyID string
	keyThumbprint                               string // of the client key keyID names
	credentialID                                string // of the federated credential that authenticated
}

// credential is the id a token carries of the credential that obtained
// it: a secret id, or keyCredential and the JWK thumbprint of a client
// key.
func (c Client) credential() string {
	if c.credentialID != "" {
		return federatedCredential + c.credentialID
	}
	if c.keyID != "" {
		return keyCredential + c.keyThumbprint
	}
	return c.secretID
}

// AppSID returns the app's SID, its client id.
func (c Client) AppSID() string { return c.appSID }

// AccountSID returns the account that owns the app.
func (c Client) AccountSID() string { return c.accountSID }

// Region returns the region the app lives in.
func (c Client) Region() string { return c.region }

// SecretID returns the public id of the secret that authenticated the
// client; "" when a client key did.
func (c Client) SecretID() string { return c.secretID }

// KeyID returns the kid of the client key whose assertion authenticated
// the client; "" when a secret did.
func (c Client) KeyID() string { return c.keyID }

// AuthenticateClient checks a client id and secret (presented in the given
// region, "" for the default one). A region the service does not serve is
// ErrUnsupportedRegion, before any hash work; every other failure is
// ErrInvalidClient, the same to the caller whether the client is unknown,
// the secret wrong or expired, the app deleted or of another region; the
// audit hook is told which.
//
// An unknown client costs one hash comparison of the service's hasher
// (WithHasher), as a wrong secret of an app does, so timing does not tell
// the two apart, with one exception. After the hasher changes, an app
// whose secret has been neither used nor rotated since still has its old
// hash, and until then a wrong secret for it costs the old algorithm's
// time, not the unknown client's. Each successful use upgrades the hash of
// the secret used to the service's hasher, once (an update of the app,
// with an EventSecretRehashed); a failure to store it is logged and does
// not fail the authentication.
func (s *Service) AuthenticateClient(ctx context.Context, clientID, clientSecret, region string) (Client, error) {
	c, _, err := s.authenticate(ctx, s.now(), clientID, clientSecret, region, nil)
	return c, err
}

// The refusals of a client's credentials.
var (
	refusedMalformedSecret    = refuse(ReasonMalformedSecret, nil)
	refusedMalformedClientID  = refuse(ReasonMalformedClientID, nil)
	refusedUnknownClient      = refuse(ReasonUnknownClient, nil)
	refusedWrongSecret        = refuse(ReasonWrongSecret, nil)
	refusedGraceEnding        = refuseWith(ReasonGraceEnding, "previous secret has less than a minute of grace left, too little for a token")
	refusedSecretAndAssertion = refuseWith(ReasonBadAssertion, "a secret and an assertion together")
)

// refusedRegion refuses a client of another region than the request's.
func refusedRegion(region string) *refusal {
	return refuseWith(ReasonWrongRegion, "client of region "+region)
}

// authenticate checks the client at now, the request's one clock reading.
// A non-nil ttl says the client wants a token, and receives its lifetime
// (see tokenTTL): a secret too close to the end of its grace to give one
// fails as if its grace were over.
func (s *Service) authenticate(ctx context.Context, now time.Time, clientID, clientSecret, region string, ttl *time.Duration) (Client, *liveApp, error) {
	fail := func(why *refusal) (Client, *liveApp, error) {
		return Client{}, nil, s.refuseClient(ctx, clientID, why)
	}
	region, err := s.region(region)
	if err != nil {
		return Client{}, nil, err
	}
	presented, err := secret.Parse(clientSecret)
	if err != nil {
		return fail(refusedMalformedSecret)
	}
	if !isSID(appSIDPrefix, clientID) {
		_, _ = s.decoy.VerifyWith(now, presented, s.cfg.hasher)
		return fail(refusedMalformedClientID)
	}
	a, err := s.lookupApp(ctx, clientID, now)
	if errors.Is(err, ErrNotFound) {
		_, _ = s.decoy.VerifyWith(now, presented, s.cfg.hasher)
		return fail(refusedUnknownClient)
	}
	if err != nil {
		return Client{}, nil, err
	}
	secretID, err := a.creds.VerifyWith(now, presented, s.cfg.hasher)
	if err != nil {
		if cur, _ := a.creds.Records(); cur.ID == "" {
			// An app with keys only: cost a hash all the same.
			_, _ = s.decoy.VerifyWith(now, presented, s.cfg.hasher)
		}
		return fail(refusedWrongSecret)
	}
	if a.region != region {
		return fail(refusedRegion(a.region))
	}
	if ttl != nil {
		var ok bool
		if *ttl, ok = s.tokenTTL(a, secretID, now); !ok {
			return fail(refusedGraceEnding)
		}
	}
	s.touch(ctx, a, secretID, now)
	if s.rehash && a.creds.NeedsRehash(secretID, s.cfg.hasher) {
		s.upgrade(ctx, a, presented, secretID, now)
	}
	return Client{appSID: a.sid, accountSID: a.account, region: a.region, secretID: secretID}, a, nil
}

// IssueToken authenticates the client and issues an access token whose
// scope is the requested one narrowed by the app's policy: every
// permission requested must be allowed, at most scope.MaxPolicyEntries of
// them. A request that names none gets the policy's full grant
// (scope.Policy.FullGrant): its allow list, where a wildcard that a deny
// entry carves exceptions out of is replaced by the catalog's permissions
// under it that the policy allows, so that the token's scope never covers
// a denied permission. Without a catalog (WithCatalog) such a wildcard
// stays in the scope, and only Authorize, which also checks the app's
// policy, knows its exceptions. Issuing never touches earlier tokens: each
// stays valid until its own expiry.
//
// The token lives the app's TTL, except one obtained with the previous
// secret during its grace: Authorize refuses the tokens of a secret once it
// stops working, so such a token expires when the grace ends, if that is
// sooner, and ExpiresIn says so. A token cannot live less than
// token.MinTTL (one minute), so in the last minute of its grace the
// previous secret gets no token: IssueToken refuses it with
// ErrInvalidClient as if the grace were over (the audit reason says why),
// while AuthenticateClient still accepts it until the grace ends. The
// current secret gets a token the whole time.
//
// Errors: ErrInvalidClient, ErrInvalidScope (a *ScopeError names the
// permission when one is not allowed), ErrUnsupportedRegion.
func (s *Service) IssueToken(ctx context.Context, req TokenRequest) (Token, error) {
	if s.cfg.observer.TokenRequest != nil {
		return s.observeIssue(ctx, req)
	}
	return s.issueToken(ctx, req)
}

func (s *Service) issueToken(ctx context.Context, req TokenRequest) (Token, error) {
	now := s.now()
	var ttl time.Duration
	client, a, err := s.authenticateRequest(ctx, now, req, &ttl)
	if err != nil {
		return Token{}, err
	}
	aud, err := s.audienceFor(a, req.Resource)
	if err != nil {
		return Token{}, err
	}
	jkt, err := s.tokenBinding(ctx, now, req, a)
	if err != nil {
		return Token{}, err
	}
	granted, err := s.grant(a, req.Scope)
	if err != nil {
		return Token{}, err
	}
	raw, claims, err := s.minter.Mint(now, token.MintRequest{
		ClientID:   client.appSID,
		Scope:      granted,
		AccountSID: client.accountSID,
		Region:     client.region,
		SecretID:   client.credential(),
		Audience:   audience(aud, s.cfg.audience),
		TTL:        ttl,

		DPoPThumbprint: jkt,
	})
	if err != nil {
		return Token{}, fmt.Errorf("oauthapp: minting token: %w", err)
	}
	s.emit(ctx, Event{Kind: EventTokenIssued, Time: now, AccountSID: client.accountSID, AppSID: client.appSID, SecretID: client.secretID, KeyID: client.keyID, CredentialID: client.credentialID, TokenID: claims.ID, Scope: claims.Scope})
	tokenType := TokenTypeBearer
	if jkt != "" {
		tokenType = TokenTypeDPoP
	}
	return Token{
		AccessToken: raw,
		TokenType:   tokenType,
		ExpiresIn:   int64(ttl / time.Second),
		Scope:       claims.Scope,
		ID:          claims.ID,
		ExpiresAt:   claims.ExpiresAt,
	}, nil
}

// authenticateRequest authenticates the client of a token request by its
// assertion or its secret, never both; ttl receives the lifetime of its
// token.
func (s *Service) authenticateRequest(ctx context.Context, now time.Time, req TokenRequest, ttl *time.Duration) (Client, *liveApp, error) {
	if req.ClientAssertion == "" {
		return s.authenticate(ctx, now, req.ClientID, req.ClientSecret, req.Region, ttl)
	}
	if req.ClientSecret != "" {
		return Client{}, nil, s.refuseClient(ctx, req.ClientID, refusedSecretAndAssertion)
	}
	return s.authenticateAssertion(ctx, now, Assertion{ClientID: req.ClientID, JWT: req.ClientAssertion, Endpoint: req.Endpoint, Region: req.Region}, ttl)
}

// grant is the scope a token request gets: the requested scope narrowed
// by the app's policy, or the policy's full grant when it names none.
func (s *Service) grant(a *liveApp, requestedScope string) (string, error) {
	requested, err := scope.ParseScope(requestedScope)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidScope, err)
	}
	if len(requested) == 0 {
		return a.fullGrant(s.cfg.catalog), nil
	}
	narrowed, err := a.policy.Narrow(requested)
	if err != nil {
		var denied *scope.NotAllowedError
		if errors.As(err, &denied) {
			return "", &ScopeError{Permission: denied.Permission, why: ReasonInvalidScope}
		}
		return "", fmt.Errorf("%w: %w", ErrInvalidScope, err)
	}
	return scope.FormatScope(narrowed), nil
}
