// Package store defines how oauthapps persists OAuth apps and revoked
// tokens: plain records with no behaviour, a small role-based Store
// interface, sentinel errors, and an in-memory implementation.
//
// Records are data only. The store never hashes, verifies, signs or
// authorizes anything: it does not import the secret, token or oauthapp
// packages, and it trusts the service above it to hand it valid records.
// What it guarantees is storage semantics that every implementation shares
// and that package storetest checks:
//
//   - Create, get, list (keyset-paged by app SID, a stable order), update
//     and delete of apps. Update is optimistic: the caller passes the
//     version it read, a stale version gets ErrConflict and writes nothing;
//     DeleteAppVersion deletes on the same terms.
//   - Idempotency keys of the management API, claimed by one request at a
//     time across every instance, with the first answer as the caller
//     sealed it, kept until their expiry, then purged.
//   - Records go in and come out as copies: a caller that mutates a record
//     it passed in or got back never changes what is stored.
//   - A set of revoked token ids, each kept until the token would have
//     expired anyway, then purged. It is what lets a self-contained JWT
//     access token (RFC 9068) be revoked (RFC 7009) before its exp.
//   - Times come back Equal (time.Time.Equal) to what went in, to the
//     microsecond: an implementation may drop the monotonic clock reading,
//     the location and anything finer, as a database column does.
//
// NewMemory returns the in-memory store: safe for concurrent use, with no
// goroutines of its own, and gone when the process ends. oauthapp.New has
// no default store and must be given one; the in-memory store is the one
// package oauthapptest and the examples use, for tests and single-process
// services. Package store/postgres holds the one for production.
//
// Optional capabilities, such as change notifications for caches in front
// of the store (Watcher), the list of live revocations that lets a cache
// hold the whole revoked set (RevocationLister), the token signing keys
// every instance shares (SigningKeys, whose private keys arrive sealed by
// package keyring: the store keeps bytes and never reads them), and the
// used client assertion ids that let private_key_jwt refuse a replay on
// any instance (AssertionIDs), are separate interfaces that a caller finds
// with a type assertion.
//
// # Where to start
//
// NewMemory is the store of a single process and of tests; pass it to
// oauthapp.New. For several instances on one database, use the nested
// module github.com/oauthapps/oauthapps/store/postgres. To write a store
// of your own, implement Store and prove it with storetest.Run.
package store
