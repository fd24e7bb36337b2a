package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
)

// AccountParam is the name of the route parameter that holds the account
// SID of the resource a request acts on, as in
// "GET /v1/Accounts/{AccountSid}/Messages".
const AccountParam = "AccountSid"

// Resource is what a request wants to do: the permission its route maps
// to, and the account and region that own the resource.
type Resource struct {
	// Permission is required, a permission such as
	// "/demo/messaging/messages/read".
	Permission string
	// AccountSID owns the resource. "" means the token's own account: a
	// route that takes no account in its path acts on the caller's
	// account, and its handler must use Identity.AccountSID.
	AccountSID string
	// Region is where the resource lives; "" is any region this service
	// serves.
	Region string
	// Audience is the audience of the API the resource belongs to, which
	// the token's aud must hold: the service's audience (WithAudience)
	// or one of its resources (WithResources). "" is the service's
	// audience, so a token issued for a resource URI (RFC 8707) works
	// only where that URI is asked for.
	Audience string
}

// Identity is who an authorized request comes from.
type Identity struct {
	// AppSID is the app the token was issued to: its client_id.
	AppSID string
	// AccountSID is the account that owns the app (the token's
	// account_sid).
	AccountSID string
	// Region is the region the token was issued for.
	Region string
	// Scope is the token's scope, space-separated.
	Scope string
	// TokenID is the token's jti, safe to log.
	TokenID string
	// SecretID is the public id of the secret that obtained the token;
	// "" when a client key did.
	SecretID string
	// KeyID is the kid under which the app holds the client key whose
	// assertion obtained the token; "" when a secret did.
	KeyID string
	// Audience is the token's aud, every value in the token's order: the
	// service's audience, or the resource URI the token was issued for
	// (a token minted elsewhere with the service's keys may hold more).
	// A request is authorized for one of them (Resource.Audience), at
	// whatever place it stands.
	Audience []string
	// IssuedAt is the token's iat, in UTC.
	IssuedAt time.Time
	// ExpiresAt is the token's exp, in UTC.
	ExpiresAt time.Time
	// DPoPThumbprint is the RFC 7638 thumbprint of the DPoP key the
	// token is bound to (its cnf.jkt, RFC 9449 section 6.1); "" for a
	// bearer token.
	DPoPThumbprint string
}

// Authorize checks a bearer token for a resource: it is well-formed, signed
// by a known key, not expired and not revoked; its app still exists and the
// secret that obtained it is still active; it belongs to the resource's
// account exactly (never a subaccount's or a parent's) and region; and both
// its scope and its app's current policy cover the permission.
//
// Errors: ErrInvalidToken (wrapping ErrTokenRevoked, ErrAppDeleted,
// ErrSecretInactive or the token package's cause), ErrWrongAccount,
// ErrWrongRegion, ErrInsufficientScope (a *ScopeError names the
// permission), ErrInvalidArgument for a malformed Resource.
func (s *Service) Authorize(ctx context.Context, bearer string, res Resource) (Identity, error) {
	if s.cfg.observer.Authorization != nil {
		return s.observeAuthorize(ctx, bearer, nil, res)
	}
	return s.authorize(ctx, bearer, nil, res)
}

// authorize checks a token presented with proof (AuthorizeDPoP) or
// without (nil: Authorize).
func (s *Service) authorize(ctx context.Context, bearer string, proof *DPoPProof, res Resource) (Identity, error) {
	if _, err := scope.ParsePermission(res.Permission); err != nil {
		return Identity{}, refuse(ReasonInvalidArgument, fmt.Errorf("resource permission: %w", err))
	}
	id, a, err := s.check(ctx, bearer)
	var p *token.Proof
	if err == nil {
		p, err = s.checkBinding(id, a, bearer, proof)
	}
	if err != nil {
		s.deny(ctx, id, res.Permission, err)
		return Identity{}, err
	}
	audience := res.Audience
	if audience == "" {
		audience = s.cfg.audience
	}
	switch {
	case !slices.Contains(id.Audience, audience) || !s.serves(a, audience):
		err = refusedWrongAudience
	case res.AccountSID != "" && res.AccountSID != id.AccountSID:
		err = refusedWrongAccount
	case res.Region != "" && res.Region != id.Region:
		err = refusedWrongRegion
	case !scope.Covers(id.Scope, res.Permission) || !a.policy.Allows(res.Permission):
		err = &ScopeError{Permission: res.Permission, why: ReasonInsufficientScope}
	case p != nil:
		err = s.useProof(p)
	}
	if err != nil {
		s.deny(ctx, id, res.Permission, err)
		return Identity{}, err
	}
	return id, nil
}

// The refusals of a token that verifies.
var (
	refusedRevoked        = refuse(ReasonTokenRevoked, nil)
	refusedAppDeleted     = refuse(ReasonAppDeleted, nil)
	refusedSecretInactive = refuse(ReasonSecretInactive, nil)
	refusedKeyRemoved     = refuse(ReasonClientKeyRemoved, nil)
	// refusedCredentialRemoved: the federated credential that obtained
	// the token was removed from its app.
	refusedCredentialRemoved = refuse(ReasonInvalidToken, errFederatedCredentialRemoved)
	refusedWrongAudience     = refuse(ReasonWrongAudience, nil)
	refusedWrongAccount      = refuse(ReasonWrongAccount, nil)
	refusedWrongRegion       = refuse(ReasonWrongRegion, nil)
	// refusedClaimsMismatch: signed by us, yet not matching its app.
	refusedClaimsMismatch = refuseWith(ReasonInvalidToken, "claims do not match the app")
)

// check validates a token and that it is still live: not revoked, its app
// present and in this service's regions, its secret active.
func (s *Service) check(ctx context.Context, bearer string) (Identity, *liveApp, error) {
	now := s.now()
	claims, err := s.validate(ctx, now, bearer)
	if err != nil {
		return Identity{}, nil, refuse(ReasonInvalidToken, err)
	}
	id := Identity{
		AppSID:     claims.ClientID,
		AccountSID: claims.AccountSID,
		Region:     claims.Region,
		Scope:      claims.Scope,
		TokenID:    claims.ID,
		SecretID:   claims.SecretID,
		Audience:   claims.Audience,
		IssuedAt:   claims.IssuedAt,
		ExpiresAt:  claims.ExpiresAt,

		DPoPThumbprint: claims.DPoPThumbprint,
	}
	if !s.servesRegion(id.Region) {
		return id, nil, refusedWrongRegion
	}
	revoked, err := s.isRevoked(ctx, id.TokenID, now)
	if err != nil {
		return id, nil, err
	}
	if revoked {
		return id, nil, refusedRevoked
	}
	a, err := s.lookupApp(ctx, id.AppSID, now)
	if errors.Is(err, ErrNotFound) {
		return id, nil, refusedAppDeleted
	}
	if err != nil {
		return id, nil, err
	}
	if a.account != id.AccountSID || a.region != id.Region {
		// Signed by us, yet not matching its app: never honour it.
		return id, nil, refusedClaimsMismatch
	}
	if err := credentialHeld(a, &id, now); err != nil {
		return id, nil, err
	}
	if !slices.ContainsFunc(id.Audience, func(aud string) bool { return s.serves(a, aud) }) {
		// Issued only for resources the app has been granted no longer.
		return id, nil, refusedWrongAudience
	}
	return id, a, nil
}

// credentialHeld checks that app a still holds the credential that
// obtained the token of id, whose SecretID names it: a secret's id, a
// client key's thumbprint (key:) or a federated credential's id (fed:).
// For a key or a federated credential it clears id.SecretID, and for a
// key it sets id.KeyID to the key's kid now.
func credentialHeld(a *liveApp, id *Identity, now time.Time) error {
	if thumbprint, ok := strings.CutPrefix(id.SecretID, keyCredential); ok {
		id.SecretID = ""
		// The app must hold the very key, whatever its kid now.
		k := a.keyByThumbprint(thumbprint)
		if k == nil {
			return refusedKeyRemoved
		}
		id.KeyID = k.id
		return nil
	}
	if credentialID, ok := strings.CutPrefix(id.SecretID, federatedCredential); ok {
		id.SecretID = ""
		if !a.hasFederated(credentialID) {
			return refusedCredentialRemoved
		}
		return nil
	}
	if !a.creds.Active(now, id.SecretID) {
		return refusedSecretInactive
	}
	return nil
}

// serves reports whether a token of the app may be used at aud: the
// service's audience, or a resource the app is granted.
func (s *Service) serves(a *liveApp, aud string) bool {
	return aud == s.cfg.audience || slices.Contains(a.resources, aud)
}

func (s *Service) deny(ctx context.Context, id Identity, permission string, err error) {
	if s.cfg.audit == nil {
		return
	}
	s.emit(ctx, Event{Kind: EventAuthorizationDenied, AccountSID: id.AccountSID, AppSID: id.AppSID, TokenID: id.TokenID, Scope: permission, Reason: ReasonOf(err), Detail: detailOf(err)})
}
