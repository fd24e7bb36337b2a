package oauthapp

import (
	"context"
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/token"
)

// Purged counts the records Purge removed, by kind.
type Purged struct {
	// Revocations are revoked token ids whose tokens expired more than
	// token.DefaultLeeway ago.
	Revocations int
	// Assertions are used client assertion ids (private_key_jwt) that
	// expired more than token.DefaultLeeway ago.
	Assertions int
	// IdempotencyKeys are idempotency keys whose answers are older than
	// IdempotencyKeyTTL, and claims whose call died with its instance.
	IdempotencyKeys int
}

// Purge removes from the store the records that no longer do anything:
// revocations of expired tokens, the ids of expired client assertions and
// idempotency keys past IdempotencyKeyTTL; and from this instance's
// verified-token cache (WithTokenCache) the tokens that have expired.
// Schedule it, hourly say, on each instance; the memory store also sweeps
// on its own. The
// margin of token.DefaultLeeway is for instances sharing the store whose
// clocks run behind this one's: by their clock a token or assertion may
// not have expired yet, and its record must still be there.
//
// Each kind is purged even when another fails; the error joins the
// failures, and Purged counts what the others removed.
func (s *Service) Purge(ctx context.Context) (Purged, error) {
	var p Purged
	var errs []error
	now := s.now()
	var err error
	if p.Revocations, err = s.store.PurgeRevokedTokens(ctx, now.Add(-token.DefaultLeeway)); err != nil {
		errs = append(errs, fmt.Errorf("oauthapp: purging revocations: %w", err))
	}
	if p.Assertions, err = s.store.PurgeAssertionIDs(ctx, now.Add(-token.DefaultLeeway)); err != nil {
		errs = append(errs, fmt.Errorf("oauthapp: purging assertion ids: %w", err))
	}
	if p.IdempotencyKeys, err = s.store.PurgeIdempotencyKeys(ctx, now); err != nil {
		errs = append(errs, fmt.Errorf("oauthapp: purging idempotency keys: %w", err))
	}
	if s.tokens != nil {
		s.tokens.sweep(now)
	}
	return p, errors.Join(errs...)
}
