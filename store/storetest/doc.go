// Package storetest is the conformance suite for implementations of
// store.Store: the in-memory store, the PostgreSQL one, and any a user
// writes. An implementation proves itself by calling Run from one of its
// tests, in the spirit of testing/fstest.TestFS:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			return mystore.New(...)
//		})
//	}
//
// Run checks exactly what the documentation of package store promises, and
// nothing more: every method and every sentinel error (ErrNotFound,
// ErrAlreadyExists, ErrConflict with nothing written, ErrInvalid), copies
// in both directions, the Version rules, the fields UpdateApp never
// changes, TouchSecret and a LastUsed that updates never move back,
// keyset paging, the revoked-token set, concurrent
// compare-and-swap updates that lose nothing, and, when the store also
// implements store.Watcher, that updates, deletions and revocations are
// notified. When the store implements the optional store.SigningKeys, Run
// checks it too: create, list, optimistic update and delete of signing
// keys, one winner among concurrent creates of one generation, copies, and
// (with a Watcher) SigningKeyChanged notifications. Notifications may arrive asynchronously: Run waits up to five
// seconds for each.
//
// What Run asks of an implementation beyond the package store documentation:
//
//   - Each call of newStore returns an empty store isolated from every other
//     one: a fresh database schema, say. Release it with t.Cleanup.
//   - Times keep at least microsecond precision. Run uses times in UTC
//     truncated to the microsecond and compares them with time.Time.Equal,
//     so an implementation may return them in another location, without a
//     monotonic clock reading, or with a nil slice for an empty one (Policy
//     says the two mean the same).
//   - The records Run writes are well formed (app SIDs "OQ" + 32 hex), so a
//     store that checks formats accepts them. Account and user ids are the
//     host's own: Run stores some of every shape the service accepts (a
//     UUID, an integer, an e-mail address, 64 bytes) and expects them back
//     exactly, case included.
//
// Run does not test cancellation of the context, nor anything a store
// leaves to its own documentation, such as whether an empty SID passed to
// GetApp is ErrInvalid or ErrNotFound (either is accepted). The subtests
// run one after another; some start goroutines of their own, which end
// before the subtest does.
//
// Besides the suite, two wrappers serve tests of a service on a store:
// ReadCounter counts the reads a service makes to authorize a token, so a
// test can prove that a warm cache makes none, and Lagged stamps each
// notification with a change time some lag in the past.
//
// The package uses only the standard library testing package, so that
// importing it into a test pulls in nothing else.
package storetest
