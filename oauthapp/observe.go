package oauthapp

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// Observer receives what the metrics and traces of a running Service need:
// how token requests and authorizations end, why clients fail to
// authenticate, how its cache and its store behave, and how late store
// notifications arrive. Set it with WithObserver; package oauthotel (module
// github.com/oauthapps/oauthapps/oauthotel) makes one that reports to
// OpenTelemetry.
//
// Every field is optional, and a nil field costs the Service one nil check.
// The hooks run synchronously on the caller's goroutine (Notification on
// the store's), so they must be quick and must not block. Hooks that
// measure time read their own clock: the Service passes outcomes, not
// durations, so that a fake clock (WithClock) does not distort them.
//
// No hook receives a secret or a token. The app SIDs they receive are
// public, but there is one per app: an observer that puts them in metric
// attributes makes one series per app.
type Observer struct {
	// TokenRequest is called as IssueToken starts. It returns the context
	// the request carries on with (a tracer puts its span there; nil
	// keeps the caller's) and a function IssueToken calls once with the
	// outcome, just before it returns; the function may be nil.
	TokenRequest func(ctx context.Context) (context.Context, func(TokenOutcome))
	// Authorization is called as Authorize (and so AuthorizeRoute, once
	// the route is found) starts. It returns the context the check
	// carries on with (nil keeps the caller's) and a function called once
	// with the outcome, just before Authorize returns; the function may
	// be nil.
	Authorization func(ctx context.Context) (context.Context, func(AuthorizationOutcome))
	// AuthenticationFailed is called for each failed client
	// authentication (IssueToken and AuthenticateClient, which the
	// introspection and revocation endpoints call) with its reason.
	AuthenticationFailed func(ctx context.Context, reason AuthFailure)
	// CacheLookup is called for each lookup in the cache WithCache sets
	// up: of an app (CacheApps) or of a revocation answer
	// (CacheRevocations), with whether the entry was fresh; without that
	// cache it is not called for them. It is also called for each lookup
	// of a token in the verified-token cache (CacheTokens), which is on
	// unless WithTokenCache turns it off.
	CacheLookup func(ctx context.Context, cache CacheName, hit bool)
	// StoreCall is called as the Service starts a call to its Store, with
	// the name of the method ("GetApp", "IsTokenRevoked", ...; with a
	// cache, "LiveRevocations" of a store.RevocationLister); the function
	// it returns, which may be nil, is called with the call's error as the
	// call returns. Store methods the Service does not call through this
	// wrapping are not reported: a store.Watcher's Watch, and calls on
	// other capabilities found by type assertion.
	StoreCall func(ctx context.Context, method string) func(error)
	// Notification is called for each change a store.Watcher reports,
	// before the cache acts on it (only with WithCache, when the store is
	// a Watcher).
	Notification func(Notice)
}

// TokenOutcome is how a token request ended.
type TokenOutcome struct {
	// Grant is the grant type of the request: GrantClientCredentials.
	Grant string
	// Result is TokenIssued, or why no token was issued.
	Result TokenResult
	// AppSID is the app that authenticated ("" when the client did not):
	// set for TokenIssued and TokenInvalidScope.
	AppSID string
}

// GrantClientCredentials is the grant type of the client credentials grant
// (RFC 6749 section 4.4.2).
const GrantClientCredentials = "client_credentials"

// TokenResult says how a token request ended. The values are stable, fit
// for metric attributes.
type TokenResult string

// Token results.
const (
	TokenIssued            TokenResult = "issued"
	TokenInvalidClient     TokenResult = "invalid_client"
	TokenInvalidScope      TokenResult = "invalid_scope"
	TokenUnsupportedRegion TokenResult = "unsupported_region"
	// TokenError: the store or the signer failed.
	TokenError TokenResult = "error"
)

// AuthorizationOutcome is how an authorization ended.
type AuthorizationOutcome struct {
	// Allowed is whether the token was good for the resource.
	Allowed bool
	// Reason is "" when allowed, else why not.
	Reason DenyReason
	// Permission is the permission the resource asked for. With a route
	// catalog it is one of the catalog's; a caller of Authorize may pass
	// any.
	Permission string
	// AppSID is the token's app when allowed, else "".
	AppSID string
}

// DenyReason says why an authorization failed. The values are stable, fit
// for metric attributes.
type DenyReason string

// Reasons of a denied authorization.
const (
	DenyInvalidArgument DenyReason = "invalid_argument"
	DenyInvalidToken    DenyReason = "invalid_token" // malformed, badly signed, expired
	DenyTokenRevoked    DenyReason = "token_revoked"
	DenyAppDeleted      DenyReason = "app_deleted"
	DenySecretInactive  DenyReason = "secret_inactive"
	// DenyClientKeyRemoved: the client key that obtained the token was
	// removed from its app.
	DenyClientKeyRemoved DenyReason = "client_key_removed"
	// DenyWrongAudience: the token is for another API (its aud), or for
	// a resource its app no longer has.
	DenyWrongAudience     DenyReason = "wrong_audience"
	DenyWrongAccount      DenyReason = "wrong_account"
	DenyWrongRegion       DenyReason = "wrong_region"
	DenyInsufficientScope DenyReason = "insufficient_scope"
	// DenyError: the store failed.
	DenyError DenyReason = "error"
)

// AuthFailure says why a client failed to authenticate: the cause the
// caller is never told (it gets ErrInvalidClient), in a stable word fit
// for metric attributes. The audit event's Reason says the same in prose.
type AuthFailure string

// Reasons of a failed client authentication.
const (
	AuthMalformedSecret   AuthFailure = "malformed_secret"
	AuthMalformedClientID AuthFailure = "malformed_client_id"
	AuthUnknownClient     AuthFailure = "unknown_client"
	// AuthWrongSecret: the secret is not one of the app's, or its grace
	// is over.
	AuthWrongSecret AuthFailure = "wrong_secret"
	AuthWrongRegion AuthFailure = "wrong_region"
	// AuthGraceEnding: the previous secret has less than a token's
	// shortest lifetime of grace left (IssueToken only).
	AuthGraceEnding AuthFailure = "grace_ending"
	// AuthBadAssertion: a client assertion (private_key_jwt) was refused:
	// malformed, expired, for another audience, under an unknown key,
	// badly signed, replayed, and so on.
	AuthBadAssertion AuthFailure = "bad_assertion"
	// AuthOther: a cause this version does not name.
	AuthOther AuthFailure = "other"
)

// CacheName names one of the Service's caches.
type CacheName string

// The Service's caches.
const (
	CacheApps        CacheName = "apps"
	CacheRevocations CacheName = "revocations"
	// CacheTokens is the verified-token cache (WithTokenCache): a hit
	// skips decoding the token and verifying its signature.
	CacheTokens CacheName = "tokens"
)

// Notice is one store notification as it reached the Service.
type Notice struct {
	// Kind is the change's kind.
	Kind store.ChangeKind
	// Lag is how long after the change (store.Change.At) it arrived, by
	// the Service's clock, never negative; valid when LagKnown.
	Lag time.Duration
	// LagKnown is false when the store does not say when the change was
	// made.
	LagKnown bool
}

// observeIssue is IssueToken with the TokenRequest hook around it.
func (s *Service) observeIssue(ctx context.Context, req TokenRequest) (Token, error) {
	hctx, done := s.cfg.observer.TokenRequest(ctx)
	if hctx != nil {
		ctx = hctx
	}
	tok, err := s.issueToken(ctx, req)
	if done != nil {
		o := TokenOutcome{Grant: GrantClientCredentials, Result: tokenResult(err)}
		if o.Result == TokenIssued || o.Result == TokenInvalidScope {
			o.AppSID = req.ClientID
		}
		done(o)
	}
	return tok, err
}

func tokenResult(err error) TokenResult {
	switch {
	case err == nil:
		return TokenIssued
	case errors.Is(err, ErrInvalidClient):
		return TokenInvalidClient
	case errors.Is(err, ErrInvalidScope):
		return TokenInvalidScope
	case errors.Is(err, ErrUnsupportedRegion):
		return TokenUnsupportedRegion
	}
	return TokenError
}

// observeAuthorize is Authorize with the Authorization hook around it.
func (s *Service) observeAuthorize(ctx context.Context, bearer string, res Resource) (Identity, error) {
	hctx, done := s.cfg.observer.Authorization(ctx)
	if hctx != nil {
		ctx = hctx
	}
	id, err := s.authorize(ctx, bearer, res)
	if done != nil {
		o := AuthorizationOutcome{Allowed: err == nil, Permission: res.Permission, AppSID: id.AppSID}
		if err != nil {
			o.Reason = denyReason(err)
		}
		done(o)
	}
	return id, err
}

func denyReason(err error) DenyReason {
	switch {
	case errors.Is(err, ErrInvalidArgument):
		return DenyInvalidArgument
	case errors.Is(err, ErrTokenRevoked):
		return DenyTokenRevoked
	case errors.Is(err, ErrAppDeleted):
		return DenyAppDeleted
	case errors.Is(err, ErrSecretInactive):
		return DenySecretInactive
	case errors.Is(err, ErrClientKeyRemoved):
		return DenyClientKeyRemoved
	case errors.Is(err, ErrWrongAudience):
		return DenyWrongAudience
	case errors.Is(err, ErrInvalidToken):
		return DenyInvalidToken
	case errors.Is(err, ErrWrongAccount):
		return DenyWrongAccount
	case errors.Is(err, ErrWrongRegion):
		return DenyWrongRegion
	case errors.Is(err, ErrInsufficientScope):
		return DenyInsufficientScope
	}
	return DenyError
}

// observeAuthFail tells the observer why a client failed to
// authenticate, from the audit reason authenticate gives.
func (s *Service) observeAuthFail(ctx context.Context, reason string) {
	if f := s.cfg.observer.AuthenticationFailed; f != nil {
		f(ctx, authFailure(reason))
	}
}

// authFailures maps authenticate's audit reasons onto their stable words.
var authFailures = map[string]AuthFailure{
	"malformed secret":        AuthMalformedSecret,
	"malformed client id":     AuthMalformedClientID,
	"unknown client":          AuthUnknownClient,
	"wrong or expired secret": AuthWrongSecret,
}

func authFailure(reason string) AuthFailure {
	if f, ok := authFailures[reason]; ok {
		return f
	}
	switch {
	case strings.HasPrefix(reason, "client of region "):
		return AuthWrongRegion
	case strings.HasPrefix(reason, "previous secret has less than"):
		return AuthGraceEnding
	case strings.Contains(reason, "assertion"), reason == "unknown client key":
		return AuthBadAssertion
	}
	return AuthOther
}

// observeCache reports a cache lookup, when there is a cache and an
// observer of it.
func (s *Service) observeCache(ctx context.Context, cache CacheName, hit bool) {
	if f := s.cfg.observer.CacheLookup; f != nil && s.apps.maxStale > 0 {
		f(ctx, cache, hit)
	}
}

// watcher returns the subscriber the Service gives its store.Watcher:
// the cache's, with the Notification hook in front when there is one.
func (s *Service) watcher() func(store.Change) {
	f := s.cfg.observer.Notification
	if f == nil {
		return s.onChange
	}
	return func(ch store.Change) {
		n := Notice{Kind: ch.Kind}
		if !ch.At.IsZero() {
			n.Lag, n.LagKnown = max(s.now().Sub(ch.At), 0), true
		}
		f(n)
		s.onChange(ch)
	}
}
