package postgres

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/store"
)

// Store is a store.Store and a store.Watcher on PostgreSQL. Its methods are
// safe for concurrent use. It uses the pool it was given for every query
// and, once Watch or Listen is called, one more connection of its own for
// notifications, served by one goroutine that Close stops.
//
// Every method stops when its context ends. A unique violation (SQLSTATE
// 23505) is store.ErrAlreadyExists. The store does not depend on READ
// COMMITTED being the default: where the database, role or connection
// defaults to REPEATABLE READ or SERIALIZABLE, a write statement (each is
// a transaction of its own) that PostgreSQL aborts for racing another
// (SQLSTATE 40001, or a deadlock, 40P01) has changed nothing and is run
// again, ten attempts at most, so that the race ends in success or
// store.ErrConflict as it would under READ COMMITTED. Times keep
// microsecond precision and come back in UTC; text holding a NUL byte or
// invalid UTF-8 is store.ErrInvalid.
type Store struct {
	pool *pgxpool.Pool
	cfg  config
	q    queries

	// mu guards the listener's state and the subscribers.
	mu      sync.Mutex
	closed  bool
	running bool            // the listener goroutine was started
	stopCtx context.Context // canceled by Close
	stop    context.CancelFunc
	done    chan struct{} // closed when the listener goroutine ends
	lis     listenState
	subs    map[*subscriber]struct{}

	pings atomic.Uint64 // health-check pings answered
}

var (
	_ store.Store   = (*Store)(nil)
	_ store.Watcher = (*Store)(nil)
)

// New returns a Store on the schema (WithSchema; default "oauthapps") in
// the pool's database. The schema must have been brought to this code's
// version by Migrate, else New returns ErrNotMigrated (or ErrSchemaTooNew).
// New starts no goroutine. The caller keeps owning the pool and closes it
// after Close.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	applied, err := readApplied(ctx, pool, cfg.schema)
	if err != nil {
		return nil, fmt.Errorf("postgres: read schema version of %s: %w", cfg.schema, err)
	}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	if v := unknownVersion(applied, ms); v != 0 {
		return nil, fmt.Errorf("%w: schema %s has version %d applied, which this code does not know", ErrSchemaTooNew, cfg.schema, v)
	}
	if v := missingVersion(applied, ms); v != 0 {
		return nil, fmt.Errorf("%w: schema %s lacks version %d, which this code needs", ErrNotMigrated, cfg.schema, v)
	}
	if cfg.listenConfig == nil {
		cfg.listenConfig = pool.Config().ConnConfig
	}
	cfg.listenConfig = cfg.listenConfig.Copy()
	if cfg.listenConfig.RuntimeParams["application_name"] == "" {
		cfg.listenConfig.RuntimeParams["application_name"] = "oauthapps-listener"
	}
	stopCtx, stop := context.WithCancel(context.Background())
	return &Store{
		pool:    pool,
		cfg:     cfg,
		q:       newQueries(cfg.schema),
		stopCtx: stopCtx,
		stop:    stop,
		done:    make(chan struct{}),
		lis:     listenState{ready: make(chan struct{})},
		subs:    make(map[*subscriber]struct{}),
	}, nil
}

// Close stops the listener, if it runs, closes its connection and waits
// for its goroutine to end. It does not close the pool. Watch after Close
// delivers nothing; the other methods keep working while the pool is open.
// Close is idempotent.
func (s *Store) Close() {
	s.mu.Lock()
	s.closed = true
	running := s.running
	s.mu.Unlock()
	s.stop()
	if running {
		<-s.done
	}
}

// channel is the notification channel of the schema, as the migration's
// trigger names it.
func (s *Store) channel() string { return s.cfg.schema + ".changes" }

// queries holds the store's SQL, with the schema's tables filled in.
type queries struct {
	apps, revoked                                                  string // quoted table names
	createApp, getApp, listApps, updateApp, deleteApp, touchSecret string
	revoke, isRevoked, purge                                       string
	touchClientKey, useAssertion, purgeAssertions                  string
	claimIdem, readIdem, answerIdem, releaseIdem, purgeIdem        string
	deleteAppVersion                                               string
}

// appColumns are the columns of an app in the order scanApp reads them.
const appColumns = `sid, account_sid, region, friendly_name, description, created_by,
	created_at, updated_at, policy_allow, policy_deny, token_ttl_ns,
	cur_id, cur_hash, cur_created, cur_expires, cur_last_used,
	prev_id, prev_hash, prev_created, prev_expires, prev_last_used, default_grace_ns,
	resources, client_keys, client_keys_used, federated_credentials, dpop_bound_access_tokens, version`

// keysUsedMerge is the client_keys_used an update stores: for each key it
// is given ($23, an object from key id to time or null), the later of
// that time and the stored one, so that an update made from a read before
// a TouchClientKey does not undo it; keys the update drops are dropped.
const keysUsedMerge = `SELECT coalesce(jsonb_object_agg(n.k, to_jsonb(greatest(
		(n.v #>> '{}')::timestamptz, (o.v #>> '{}')::timestamptz))) FILTER (WHERE n.v <> 'null' OR o.v IS NOT NULL), '{}')
	FROM jsonb_each($23::jsonb) AS n(k, v) LEFT JOIN jsonb_each(client_keys_used) AS o(k, v) ON o.k = n.k`

// newQueries builds the store's SQL for schema, once per Store. Its
// length is one statement per store call.
func newQueries(schema string) queries {
	apps := pgx.Identifier{schema, "apps"}.Sanitize()
	revoked := pgx.Identifier{schema, "revoked_tokens"}.Sanitize()
	assertions := pgx.Identifier{schema, "assertion_ids"}.Sanitize()
	q := queries{
		apps:    apps,
		revoked: revoked,
		createApp: `INSERT INTO ` + apps + ` (` + appColumns + `)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, 1)
			RETURNING ` + appColumns,
		getApp: `SELECT ` + appColumns + ` FROM ` + apps + ` WHERE sid = $1`,
		listApps: `SELECT ` + appColumns + ` FROM ` + apps + `
			WHERE account_sid = $1 AND sid > $2 ORDER BY sid LIMIT $3`,
		// One statement: the update matches only the version the caller
		// read. A slot that keeps an id keeps the later last-used time
		// (greatest ignores NULL, the zero time), since TouchSecret does
		// not change the version. When it matches nothing, the second branch reads the row
		// from the statement's snapshot: a row means a version conflict,
		// none means not found. No read-then-write window exists.
		updateApp: `WITH updated AS (
			UPDATE ` + apps + ` SET
				region = $3, friendly_name = $4, description = $5,
				updated_at = $6, policy_allow = $7, policy_deny = $8, token_ttl_ns = $9,
				cur_id = $10, cur_hash = $11, cur_created = $12, cur_expires = $13,
				cur_last_used = CASE
					WHEN $10 <> '' AND $10 = cur_id THEN greatest($14, cur_last_used)
					WHEN $10 <> '' AND $10 = prev_id THEN greatest($14, prev_last_used)
					ELSE $14 END,
				prev_id = $15, prev_hash = $16, prev_created = $17, prev_expires = $18,
				prev_last_used = CASE
					WHEN $15 <> '' AND $15 = cur_id THEN greatest($19, cur_last_used)
					WHEN $15 <> '' AND $15 = prev_id THEN greatest($19, prev_last_used)
					ELSE $19 END,
				default_grace_ns = $20,
				resources = $21, client_keys = $22,
				client_keys_used = (` + keysUsedMerge + `),
				federated_credentials = $24,
				dpop_bound_access_tokens = $25,
				version = version + 1
			WHERE sid = $1 AND version = $2
			RETURNING ` + appColumns + `)
			SELECT true, ` + appColumns + ` FROM updated
			UNION ALL
			SELECT false, ` + appColumns + ` FROM ` + apps + `
			WHERE sid = $1 AND NOT EXISTS (SELECT FROM updated)`,
		deleteApp: `DELETE FROM ` + apps + ` WHERE sid = $1`,
		// Moves one slot's last-used time forward; the other columns,
		// version included, stay, so the change trigger stays quiet.
		touchSecret: `UPDATE ` + apps + ` SET
				cur_last_used = CASE WHEN cur_id = $2 AND (cur_last_used IS NULL OR cur_last_used < $3)
					THEN $3 ELSE cur_last_used END,
				prev_last_used = CASE WHEN prev_id = $2 AND (prev_last_used IS NULL OR prev_last_used < $3)
					THEN $3 ELSE prev_last_used END
			WHERE sid = $1 AND (
				(cur_id = $2 AND (cur_last_used IS NULL OR cur_last_used < $3)) OR
				(prev_id = $2 AND (prev_last_used IS NULL OR prev_last_used < $3)))`,
		touchClientKey: `UPDATE ` + apps + ` SET
				client_keys_used = jsonb_set(client_keys_used, ARRAY[$2::text], to_jsonb($3::timestamptz))
			WHERE sid = $1
				AND client_keys @> jsonb_build_array(jsonb_build_object('id', $2::text))
				AND (client_keys_used->>$2::text IS NULL OR (client_keys_used->>$2::text)::timestamptz < $3)`,
		useAssertion: `INSERT INTO ` + assertions + ` AS a (client_id, jti, expires) VALUES ($1, $2, $3)
			ON CONFLICT (client_id, jti) DO UPDATE SET expires = excluded.expires WHERE a.expires <= $4`,
		purgeAssertions: `DELETE FROM ` + assertions + ` WHERE (client_id, jti) IN (
			SELECT client_id, jti FROM ` + assertions + ` WHERE expires <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
		revoke: `INSERT INTO ` + revoked + ` AS r (token_id, expires) VALUES ($1, $2)
			ON CONFLICT (token_id) DO UPDATE SET expires = greatest(r.expires, excluded.expires)`,
		isRevoked: `SELECT EXISTS (SELECT FROM ` + revoked + ` WHERE token_id = $1 AND expires > $2)`,
		// Purges in batches so that one call never holds a huge
		// transaction; PurgeRevokedTokens repeats it until a short batch.
		purge: `DELETE FROM ` + revoked + ` WHERE token_id IN (
			SELECT token_id FROM ` + revoked + ` WHERE expires <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	}
	q.claimIdem, q.readIdem, q.answerIdem, q.releaseIdem, q.purgeIdem, q.deleteAppVersion = idempotencyQueries(schema, apps)
	return q
}
