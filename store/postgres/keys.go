package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oauthapps/oauthapps/store"
)

var _ store.SigningKeys = (*Store)(nil)

// keyColumns are the columns of a signing key in the order scanKey reads
// them.
const keyColumns = `kid, generation, algorithm, public_key, private_key, sign_from, created_at, version`

// keyTable is the quoted name of the schema's signing-key table.
func (s *Store) keyTable() string { return pgx.Identifier{s.cfg.schema, "signing_keys"}.Sanitize() }

// CreateSigningKey stores a new signing key and returns it as stored:
// Version 1, times cut to microseconds and in UTC. It returns
// store.ErrAlreadyExists if the kid or the generation is taken (so of
// several instances that create the successor of one key at once, exactly
// one succeeds), store.ErrInvalid for an empty kid, a generation below 1
// or an empty public key. The change is published to watchers.
func (s *Store) CreateSigningKey(ctx context.Context, key store.SigningKey) (store.SigningKey, error) {
	switch {
	case key.KID == "", key.Generation < 1, len(key.PublicKey) == 0:
		return store.SigningKey{}, fmt.Errorf("postgres: create signing key: kid, generation of 1 or more and public key are required: %w", store.ErrInvalid)
	}
	q := `INSERT INTO ` + s.keyTable() + ` (` + keyColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING ` + keyColumns
	var got store.SigningKey
	err := retry(ctx, func() (err error) {
		got, err = scanKey(s.pool.QueryRow(ctx, q, key.KID, key.Generation, key.Algorithm,
			key.PublicKey, privateBytes(key.PrivateKey), timestamp(key.SignFrom), timestamp(key.CreatedAt)))
		return err
	})
	if err != nil {
		return store.SigningKey{}, wrap("create signing key", err)
	}
	return got, nil
}

// ListSigningKeys returns every signing key in ascending generation.
func (s *Store) ListSigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM `+s.keyTable()+` ORDER BY generation`)
	if err != nil {
		return nil, wrap("list signing keys", err)
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.SigningKey, error) { return scanKey(row) })
	if err != nil {
		return nil, wrap("list signing keys", err)
	}
	return keys, nil
}

// UpdateSigningKey replaces the private key and sign-from time of the key
// whose kid and version match, in one statement, and returns it as stored
// with Version one higher. It returns store.ErrNotFound if there is no such
// key and store.ErrConflict, writing nothing, if the stored version
// differs. The change is published to watchers.
func (s *Store) UpdateSigningKey(ctx context.Context, key store.SigningKey) (store.SigningKey, error) {
	// As in UpdateApp: when the update matches nothing, the second branch
	// reads the row from the statement's snapshot, telling a conflict
	// from a missing key without a read-then-write window.
	q := `WITH updated AS (
		UPDATE ` + s.keyTable() + ` SET private_key = $3, sign_from = $4, version = version + 1
		WHERE kid = $1 AND version = $2
		RETURNING ` + keyColumns + `)
		SELECT true, ` + keyColumns + ` FROM updated
		UNION ALL
		SELECT false, ` + keyColumns + ` FROM ` + s.keyTable() + `
		WHERE kid = $1 AND NOT EXISTS (SELECT FROM updated)`
	var (
		got store.SigningKey
		ok  bool
	)
	err := retry(ctx, func() (err error) {
		got, err = scanKey(s.pool.QueryRow(ctx, q, key.KID, key.Version,
			privateBytes(key.PrivateKey), timestamp(key.SignFrom)), &ok)
		return err
	})
	if err != nil {
		return store.SigningKey{}, wrap("update signing key", err)
	}
	if !ok {
		return store.SigningKey{}, fmt.Errorf("postgres: update signing key %s: version %d, not %d: %w", key.KID, got.Version, key.Version, store.ErrConflict)
	}
	return got, nil
}

// DeleteSigningKey removes the signing key, or returns store.ErrNotFound.
// The change is published to watchers.
func (s *Store) DeleteSigningKey(ctx context.Context, kid string) error {
	var tag pgconn.CommandTag
	err := retry(ctx, func() (err error) {
		tag, err = s.pool.Exec(ctx, `DELETE FROM `+s.keyTable()+` WHERE kid = $1`, kid)
		return err
	})
	if err != nil {
		return wrap("delete signing key", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete signing key: %w", store.ErrNotFound)
	}
	return nil
}

// scanKey reads one row of keyColumns, after the given leading
// destinations.
func scanKey(row pgx.Row, lead ...any) (store.SigningKey, error) {
	var (
		k                   store.SigningKey
		signFrom, createdAt pgtype.Timestamptz
	)
	dest := append(lead, &k.KID, &k.Generation, &k.Algorithm, &k.PublicKey, &k.PrivateKey, &signFrom, &createdAt, &k.Version)
	if err := row.Scan(dest...); err != nil {
		return store.SigningKey{}, err
	}
	k.SignFrom, k.CreatedAt = goTime(signFrom), goTime(createdAt)
	if len(k.PrivateKey) == 0 {
		k.PrivateKey = nil
	}
	return k, nil
}

// privateBytes stores an empty private key as NULL: the key's private part
// lives outside the store.
func privateBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
