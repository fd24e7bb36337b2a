package oauthapp

import (
	"context"
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
	// Authorization is called as Authorize (or AuthorizeDPoP) starts.
	// It returns the context the check carries on with (nil keeps the
	// caller's) and a function called once with the outcome, just before
	// Authorize returns; the function may be nil.
	Authorization func(ctx context.Context) (context.Context, func(AuthorizationOutcome))
	// AuthenticationFailed is called for each failed client
	// authentication (IssueToken, AuthenticateClient and
	// AuthenticateAssertion, which the introspection and revocation
	// endpoints call) with its cause: ReasonMalformedSecret,
	// ReasonMalformedClientID, ReasonUnknownClient, ReasonWrongSecret,
	// ReasonWrongRegion, ReasonGraceEnding or ReasonBadAssertion.
	AuthenticationFailed func(ctx context.Context, reason Reason)
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
	// call returns. Every method of store.Store is reported, and
	// LiveRevocations; a store.Watcher's Watch is not.
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
	// Reason is "" when a token was issued, else the reason of the
	// error IssueToken returned (ReasonOf): ReasonInvalidClient,
	// ReasonInvalidScope, ReasonInvalidTarget, ReasonUnsupportedRegion,
	// ReasonInvalidDPoPProof, ReasonUseDPoPNonce or ReasonError.
	Reason Reason
	// AppSID is the app that authenticated ("" when the client did not):
	// set when a token was issued and for ReasonInvalidScope,
	// ReasonInvalidTarget, ReasonInvalidDPoPProof and ReasonUseDPoPNonce.
	AppSID string
}

// GrantClientCredentials is the grant type of the client credentials grant
// (RFC 6749 section 4.4.2).
const GrantClientCredentials = "client_credentials"

// AuthorizationOutcome is how an authorization ended.
type AuthorizationOutcome struct {
	// Reason is "" when the token was good for the resource, else the
	// reason of the error Authorize returned (ReasonOf).
	Reason Reason
	// Permission is the permission the resource asked for. With a route
	// catalog it is one of the catalog's; a caller of Authorize may pass
	// any.
	Permission string
	// AppSID is the token's app when allowed, else "".
	AppSID string
}

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
		o := TokenOutcome{Grant: GrantClientCredentials, Reason: ReasonOf(err)}
		switch o.Reason {
		case "", ReasonInvalidScope, ReasonInvalidTarget, ReasonInvalidDPoPProof, ReasonUseDPoPNonce:
			o.AppSID = req.ClientID
		}
		done(o)
	}
	return tok, err
}

// observeAuthorize is Authorize with the Authorization hook around it.
func (s *Service) observeAuthorize(ctx context.Context, bearer string, proof *DPoPProof, res Resource) (Identity, error) {
	hctx, done := s.cfg.observer.Authorization(ctx)
	if hctx != nil {
		ctx = hctx
	}
	id, err := s.authorize(ctx, bearer, proof, res)
	if done != nil {
		done(AuthorizationOutcome{Reason: ReasonOf(err), Permission: res.Permission, AppSID: id.AppSID})
	}
	return id, err
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
