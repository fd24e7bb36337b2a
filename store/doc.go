// Package store defines how oauthapps persists OAuth apps and revoked
// tokens: plain records with no behaviour, a small role-based Store
// interface, sentinel errors, and an in-memory implementation. Records are
// data only: the store never hashes, verifies, signs or authorizes
// anything, and it trusts the service above it to hand it valid records.
// Store states the semantics every implementation shares, which package
// storetest checks. What a feature of the service needs is part of Store
// itself: conditional deletes (DeleteAppVersion), idempotency keys
// (IdempotencyKeys) and used assertion ids (AssertionIDs). Optional
// capabilities, which make the service faster or share its signing keys
// but which it works without (Watcher, RevocationLister, SigningKeys),
// are separate interfaces found with a type assertion.
//
// # Where to start
//
// NewMemory is the store of a single process and of tests; pass it to
// oauthapp.New. For several instances on one database, use the nested
// module github.com/oauthapps/oauthapps/store/postgres. To write a store
// of your own, implement Store and prove it with storetest.Run.
package store
