package oauthapp

import (
	"context"
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
)

// Introspect reports whether a token is active (RFC 7662): validly signed,
// unexpired, not revoked, its app present, its secret active, and bound
// to a DPoP key if its app requires that (Identity.DPoPThumbprint names
// the key of a bound token). A client
// may introspect only its own tokens; another client's token is reported
// inactive. An inactive token is not an error: active is false. client
// comes from AuthenticateClient; the zero Client is ErrInvalidClient.
//
// The Identity's Scope is what the token grants today: its scope read
// against the app's current policy (scope.Policy.Grant), so a permission
// the policy has dropped or denied since the token was issued is not in
// it. One exception needs a catalog (WithCatalog) to close: without one, a
// wildcard of the token that a deny entry now carves an exception out of
// cannot be spelled out and stays whole; Authorize still refuses the
// denied permission.
func (s *Service) Introspect(ctx context.Context, client Client, bearer string) (id Identity, active bool, err error) {
	if client.appSID == "" {
		return Identity{}, false, ErrInvalidClient
	}
	id, a, err := s.check(ctx, bearer)
	if err != nil {
		if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrWrongRegion) {
			return Identity{}, false, nil
		}
		return Identity{}, false, err
	}
	if id.AppSID != client.appSID || bearerOfBoundApp(id, a) {
		return Identity{}, false, nil
	}
	if grants, err := scope.ParseGrantScope(id.Scope); err == nil {
		id.Scope = scope.FormatScope(a.policy.Grant(grants, s.cfg.catalog))
	} else {
		id.Scope = "" // signed by us, so never; grant nothing if it were
	}
	return id, true, nil
}

// Revoke revokes one of the client's tokens (RFC 7009): it fails
// authorization from now on, and the revocation is kept only until the
// token would have expired anyway (and a margin beyond, see Purge). A
// token that is not valid yet (minted by an instance whose clock runs
// ahead) is revoked too, since it would become valid later. A token that is already invalid needs no revocation and is not
// an error; another client's token is ErrForeignToken. client comes from
// AuthenticateClient; the zero Client is ErrInvalidClient.
func (s *Service) Revoke(ctx context.Context, client Client, bearer string) error {
	if client.appSID == "" {
		return ErrInvalidClient
	}
	claims, err := s.validator.Validate(s.now(), bearer)
	if errors.Is(err, token.ErrNotYetValid) {
		claims, err = s.validator.Verify(bearer)
	}
	if err != nil {
		return nil
	}
	if claims.ClientID != client.appSID {
		return ErrForeignToken
	}
	if err := s.store.RevokeToken(ctx, claims.ID, claims.ExpiresAt); err != nil {
		return fmt.Errorf("oauthapp: revoking token: %w", err)
	}
	s.apps.evictToken(claims.ID)
	if s.revs != nil {
		s.revs.add(claims.ID, claims.ExpiresAt)
	}
	s.emit(ctx, Event{Kind: EventTokenRevoked, AccountSID: claims.AccountSID, AppSID: claims.ClientID, TokenID: claims.ID})
	return nil
}
