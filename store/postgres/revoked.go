package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/oauthapps/oauthapps/store"
)

// purgeBatch is how many revoked-token rows one purge statement removes.
const purgeBatch = 10000

// RevokeToken adds a token id to the revoked set, kept until expires
// (microsecond precision); revoking an id again keeps the later expiry.
// Every revocation is published to watchers. An empty id is
// store.ErrInvalid.
func (s *Store) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	if tokenID == "" {
		return fmt.Errorf("postgres: revoke token: empty token id: %w", store.ErrInvalid)
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, s.q.revoke, tokenID, instant(expires))
		return err
	})
	if err != nil {
		return wrap("revoke token", err)
	}
	return nil
}

// IsTokenRevoked reports whether the id is in the revoked set with an
// expiry after now.
func (s *Store) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	var revoked bool
	if err := s.pool.QueryRow(ctx, s.q.isRevoked, tokenID, instant(now)).Scan(&revoked); err != nil {
		return false, wrap("is token revoked", err)
	}
	return revoked, nil
}

// PurgeRevokedTokens removes the entries whose expiry is at or before now
// and returns how many it removed. Nothing calls it on its own: schedule it
// (hourly is plenty; an entry past its expiry no longer matters to
// IsTokenRevoked, it only takes space). It deletes in batches of 10000 rows,
// each its own transaction, so it never holds many locks for long; when ctx
// ends between batches it returns the count so far with the context's
// error. Purges publish nothing.
func (s *Store) PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error) {
	return s.purgeBatches(ctx, s.q.purge, "purge revoked tokens", now)
}

// purgeBatches runs query, a delete of at most purgeBatch rows expired at
// or before now, until a batch deletes fewer, and returns how many rows it
// deleted in all; op names the purge in an error, which comes with the
// count so far.
func (s *Store) purgeBatches(ctx context.Context, query, op string, now time.Time) (int, error) {
	total := 0
	for {
		var tag pgconn.CommandTag
		err := retry(ctx, func() (err error) {
			tag, err = s.pool.Exec(ctx, query, instant(now), purgeBatch)
			return err
		})
		if err != nil {
			return total, wrap(op, err)
		}
		total += int(tag.RowsAffected())
		if tag.RowsAffected() < purgeBatch {
			return total, nil
		}
	}
}
