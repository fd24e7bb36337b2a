// Package customstore shows a Store of one's own: a small map-backed
// implementation of store.Store, checked by the storetest conformance
// suite (see store_test.go). A real one would talk to a database; the
// contract it has to keep is the same, and storetest.Run is how it proves
// that it does.
package customstore
