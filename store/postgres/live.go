package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oauthapps/oauthapps/store"
)

var _ store.RevocationLister = (*Store)(nil)

// LiveRevocations returns every revoked token id whose expiry is after now,
// with that expiry, in one query (the expiry index serves it). It
// implements store.RevocationLister, so that a service holds the revoked
// set in memory and authorizes without a database read.
func (s *Store) LiveRevocations(ctx context.Context, now time.Time) ([]store.Revocation, error) {
	q := `SELECT token_id, expires FROM ` + s.q.revoked + ` WHERE expires > $1`
	var out []store.Revocation
	err := retry(ctx, func() error {
		rows, err := s.pool.Query(ctx, q, instant(now))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Revocation, error) {
			var r store.Revocation
			err := row.Scan(&r.TokenID, &r.Expires)
			return r, err
		})
		return err
	})
	if err != nil {
		return nil, wrap("live revocations", err)
	}
	return out, nil
}
