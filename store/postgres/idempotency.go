package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oauthapps/oauthapps/store"
)

// ClaimIdempotencyKey stores rec unless the account holds a live record of
// its key, in one statement: an insert that replaces a row only when that
// row's expiry is at or before now. When it writes nothing, the live
// record is read and returned with store.ErrAlreadyExists. Two instances
// claiming one key at once: the primary key lets exactly one of them
// write it.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, rec store.IdempotencyKey, now time.Time) (store.IdempotencyKey, error) {
	if rec.AccountSID == "" || rec.Key == "" || rec.Claim == "" || len(rec.Request) == 0 || rec.Answer != nil {
		return store.IdempotencyKey{}, fmt.Errorf("postgres: claim idempotency key: account, key, claim and request are required, an answer is not: %w", store.ErrInvalid)
	}
	for {
		var tag pgconn.CommandTag
		err := retry(ctx, func() (err error) {
			tag, err = s.pool.Exec(ctx, s.q.claimIdem, rec.AccountSID, rec.Key, rec.Request, rec.Claim, instant(rec.Expires), instant(now))
			return err
		})
		if err != nil {
			return store.IdempotencyKey{}, wrap("claim idempotency key", err)
		}
		if tag.RowsAffected() == 1 {
			rec.Expires = rec.Expires.Truncate(time.Microsecond).UTC()
			return rec, nil
		}
		held, err := s.readIdem(ctx, rec.AccountSID, rec.Key, now)
		if errors.Is(err, store.ErrNotFound) {
			continue // released or lapsed since: claim again
		}
		if err != nil {
			return store.IdempotencyKey{}, err
		}
		return held, fmt.Errorf("postgres: claim idempotency key: %w", store.ErrAlreadyExists)
	}
}

// readIdem reads the live record of a key.
func (s *Store) readIdem(ctx context.Context, account, key string, now time.Time) (store.IdempotencyKey, error) {
	r := store.IdempotencyKey{AccountSID: account, Key: key}
	var expires pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, s.q.readIdem, account, key, instant(now)).Scan(&r.Request, &r.Claim, &r.Answer, &expires)
	if err != nil {
		return store.IdempotencyKey{}, wrap("read idempotency key", err)
	}
	r.Expires = goTime(expires)
	return r, nil
}

// AnswerIdempotencyKey stores the answer in the unanswered record that
// rec.Claim holds, in one statement, or returns store.ErrNotFound.
func (s *Store) AnswerIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	if len(rec.Answer) == 0 {
		return fmt.Errorf("postgres: answer idempotency key: empty answer: %w", store.ErrInvalid)
	}
	return s.execOne(ctx, "answer idempotency key", s.q.answerIdem, rec.AccountSID, rec.Key, rec.Claim, rec.Answer, instant(rec.Expires))
}

// ReleaseIdempotencyKey removes the unanswered record that rec.Claim
// holds; anything else stays.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	err := s.execOne(ctx, "release idempotency key", s.q.releaseIdem, rec.AccountSID, rec.Key, rec.Claim)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// PurgeIdempotencyKeys removes the records whose expiry is at or before
// now, in batches as PurgeRevokedTokens does, and returns how many it
// removed. Nothing calls it on its own: schedule it
// (oauthapp.Service.Purge).
func (s *Store) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	return s.purgeBatches(ctx, s.q.purgeIdem, "purge idempotency keys", now)
}

// DeleteAppVersion removes the app if its version is the one given, in one
// statement. It returns store.ErrNotFound if there is no such app and
// store.ErrConflict, removing nothing, if the stored version differs (also
// when a concurrent transaction deleted the app while this one waited for
// it, as UpdateApp does).
func (s *Store) DeleteAppVersion(ctx context.Context, sid string, version int64) error {
	if version < 1 {
		return fmt.Errorf("postgres: delete app: version %d: %w", version, store.ErrInvalid)
	}
	var deleted, exists bool
	err := retry(ctx, func() error {
		return s.pool.QueryRow(ctx, s.q.deleteAppVersion, sid, version).Scan(&deleted, &exists)
	})
	switch {
	case err != nil:
		return wrap("delete app", err)
	case deleted:
		return nil
	case exists:
		return fmt.Errorf("postgres: delete app %s: stored version is not %d: %w", sid, version, store.ErrConflict)
	}
	return fmt.Errorf("postgres: delete app: %w", store.ErrNotFound)
}

// execOne runs a write that affects one row, or none: store.ErrNotFound.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	var tag pgconn.CommandTag
	err := retry(ctx, func() (err error) {
		tag, err = s.pool.Exec(ctx, query, args...)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	}
	return nil
}

// idempotencyQueries returns the statements of the idempotency keys and
// the conditional delete.
func idempotencyQueries(schema, apps string) (claim, read, answer, release, purge, deleteVersion string) {
	t := pgx.Identifier{schema, "idempotency_keys"}.Sanitize()
	claim = `INSERT INTO ` + t + ` AS i (account_sid, key, request, claim, answer, expires)
		VALUES ($1, $2, $3, $4, NULL, $5)
		ON CONFLICT (account_sid, key) DO UPDATE
			SET request = excluded.request, claim = excluded.claim, answer = NULL, expires = excluded.expires
			WHERE i.expires <= $6`
	read = `SELECT request, claim, answer, expires FROM ` + t + `
		WHERE account_sid = $1 AND key = $2 AND expires > $3`
	answer = `UPDATE ` + t + ` SET answer = $4, expires = $5
		WHERE account_sid = $1 AND key = $2 AND claim = $3 AND answer IS NULL`
	release = `DELETE FROM ` + t + ` WHERE account_sid = $1 AND key = $2 AND claim = $3 AND answer IS NULL`
	purge = `DELETE FROM ` + t + ` WHERE (account_sid, key) IN (
		SELECT account_sid, key FROM ` + t + ` WHERE expires <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`
	// One statement: the delete matches only the version named; the
	// second column reads the row from the statement's snapshot, so a
	// row that is there but was not deleted is a conflict.
	deleteVersion = `WITH deleted AS (DELETE FROM ` + apps + ` WHERE sid = $1 AND version = $2 RETURNING 1)
		SELECT EXISTS (SELECT FROM deleted), EXISTS (SELECT FROM ` + apps + ` WHERE sid = $1)`
	return
}
