// Package postgres is the production store.Store of oauthapps: OAuth apps
// and revoked access-token ids in PostgreSQL, shared by every instance of a
// service, with change notifications (store.Watcher) so that the caches of
// all instances learn of an updated or deleted app, or a revoked token,
// within milliseconds. It is a module of its own, so that importing the
// core library never pulls in a database driver; it uses pgx v5 and a
// pgxpool.Pool the caller owns.
//
// # Setup
//
// Call Migrate at startup, then New:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db:5432/prod")
//	err = postgres.Migrate(ctx, pool)        // idempotent; safe from many instances at once
//	s, err := postgres.New(ctx, pool)        // ErrNotMigrated if Migrate was not run
//	defer s.Close()                          // before pool.Close
//
// Migrate applies the SQL files embedded in the package to one schema
// (WithSchema, default "oauthapps") and records each in the schema's
// oauthapps_migrations table. Instances that start together serialize on a
// transaction-scoped advisory lock; all pending migrations apply in one
// READ COMMITTED transaction, whatever the database's default isolation.
// It needs no superuser: CREATE on the database, or a schema created for
// the role. Tenants and tests isolate by schema; a schema name starting
// with pg_, which PostgreSQL reserves, is ErrSchemaName.
//
// # Schema
//
// Table apps holds one row per app (the two secret slots as columns,
// policy lists as text arrays), keyed by sid, with an index on
// (account_sid, sid) for ListApps; SIDs sort in byte order (COLLATE "C"),
// as in the memory store. Table revoked_tokens holds token ids with their
// expiry, indexed by expiry for PurgeRevokedTokens. Table signing_keys
// (migration 2) holds the token signing keys every instance shares
// (store.SigningKeys, kept in step by package keyring): the kid as primary
// key, a unique generation, the public key and the private key sealed by
// the key ring (NULL for a key held by a KMS or HSM); the store never sees
// a private key unsealed. An app's resource URIs
// are a text array; its client keys a JSON array (client_keys), their
// last-used times a JSON object beside it (client_keys_used), so that
// TouchClientKey writes that column alone. Table assertion_ids holds the
// used client assertion ids, keyed by (client_id, jti): one INSERT ... ON
// CONFLICT decides, for every instance at once, which use of an
// assertion is the first (store.AssertionIDs). Times are timestamptz:
// they keep microsecond precision (finer parts are cut) and come back in
// UTC; a zero time is stored as NULL and comes back zero. TokenTTL is a
// bigint of nanoseconds, exact. Text holding a NUL byte or invalid UTF-8
// is store.ErrInvalid.
//
// # Semantics
//
// Every method follows the contract of package store and passes
// store/storetest. UpdateApp is a single statement that writes only if the
// stored version is the one passed in and tells a conflict from a missing
// app within the same snapshot, so no read-then-write race exists; a
// unique violation (SQLSTATE 23505) is store.ErrAlreadyExists; every
// method stops when its context ends. The store does not depend on READ
// COMMITTED being the default: where the database, role or connection
// defaults to REPEATABLE READ or SERIALIZABLE, a write statement (each is
// a transaction of its own) that PostgreSQL aborts for racing another
// write (SQLSTATE 40001, or a deadlock, 40P01) has changed nothing and is
// run again, ten attempts at most, so that the race ends in success or
// store.ErrConflict as it would under READ COMMITTED. PurgeRevokedTokens
// runs only when called: schedule it.
//
// # Notifications and staleness
//
// Triggers in the schema publish every change with pg_notify on the
// channel "<schema>.changes", inside the writing transaction: apps
// created (from migration 6), updated and deleted (an app's id), revocations (a token id), signing keys
// created, updated or deleted (a kid, store.SigningKeyChanged),
// truncations (a resync). Changes made by other code through SQL are published too.
// Each notification carries the time its trigger ran by the database
// server's clock (store.Change.At), so that a subscriber can measure how
// late it arrived (oauthapp.Notice.Lag; package oauthotel records it as
// oauthapps.store.notification.lag). Instances running code from before
// migration 5 read the new payloads as resyncs: correct, but their caches
// start over at every change, so upgrade the code with the schema.
// TouchSecret, which runs on every client authentication, changes only
// last-used times and publishes nothing.
//
// Watch serves subscribers from one listening connection per Store,
// outside the pool, read by one goroutine that the first Watch (or Listen)
// starts and Close stops; New starts nothing. A change reaches subscribers
// of every instance once its transaction commits: on loopback, p50 well
// under a millisecond and p99 in the tens of milliseconds, far under the
// 1 s bound the tests hold (TestNotifyLatency; BENCHMARKS.md has figures).
// Through the whole service (oauthapp.Service with oauthapp.WithCache), an
// instance refuses a secret rotated out with no grace, a deleted app's
// tokens or a revoked token within a few milliseconds of the write
// returning on another instance (TestOtherInstanceRefusesWithinBound).
//
// If the listening connection drops (server restart, network loss,
// pg_terminate_backend), subscribers receive store.Resync at once, the
// listener reconnects by itself with backoff, and once it listens again
// subscribers receive a second Resync: changes made while it was away were
// not heard. Between the two, a cache must rely on its own staleness bound
// (its TTL), which is therefore the worst case while the database is
// unreachable. A connection that dies silently is noticed by a ping after
// WithHealthCheck of silence (default 15 s).
//
// # Trust
//
// The store trusts the service above it to hand it valid records; it
// checks only what the contract names (required SIDs, list limits). It
// never logs, and its errors carry SIDs and SQLSTATE codes but never a
// secret hash or a server message that could quote a value.
package postgres
