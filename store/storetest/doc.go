// Package storetest is the conformance suite for implementations of
// store.Store, in the spirit of testing/fstest.TestFS: the in-memory
// store, the PostgreSQL one, and any a user writes prove themselves by
// calling Run from one of their tests. It uses only the standard library's
// testing package, so importing it into a test pulls in nothing else.
//
// # Where to start
//
// Call Run with a function that returns a new, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			return mystore.New(...)
//		})
//	}
//
// For tests of what sits in front of a store, ReadCounter counts the reads
// a service makes (so a test can prove that a warm cache makes none) and
// Lagged stamps each notification with a change time some lag in the past.
package storetest
