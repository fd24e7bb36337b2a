// Package postgres is the production store.Store of oauthapps: OAuth apps,
// revoked token ids, signing keys and used client assertion ids in
// PostgreSQL, shared by every instance of a service, with change
// notifications (store.Watcher, over LISTEN/NOTIFY) so that the caches of
// all instances learn of an updated or deleted app, or a revoked token,
// within milliseconds. It is a module of its own, so that importing the
// core library never pulls in a database driver; it uses pgx v5 and a
// pgxpool.Pool the caller owns.
//
// # Where to start
//
// Call Migrate at startup, then New:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db:5432/prod")
//	err = postgres.Migrate(ctx, pool)        // idempotent; safe from many instances at once
//	s, err := postgres.New(ctx, pool)        // ErrNotMigrated if Migrate was not run
//	defer s.Close()                          // before pool.Close
//
// Every method follows the contract of package store and passes
// store/storetest; Store.Watch says how changes arrive and what happens
// while the listening connection is down. Schedule oauthapp.Service.Purge,
// which calls PurgeRevokedTokens, PurgeAssertionIDs and
// PurgeIdempotencyKeys. The schema, its notifications and running several
// instances are described in docs/operations.md of the repository.
//
// # What it trusts
//
// The store trusts the service above it to hand it valid records; it
// checks only what the contract names (required SIDs, list limits). It
// never logs, and its errors carry SIDs and SQLSTATE codes but never a
// secret hash or a server message that could quote a value.
package postgres
