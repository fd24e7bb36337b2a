package storetest

import (
	"testing"

	"github.com/oauthapps/oauthapps/store"
)

// A check is one behaviour of the contract, run on a fresh store.
type check struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// Run runs the conformance suite against the stores newStore returns. It
// calls newStore once per subtest and expects an empty store each time,
// isolated from the others (a fresh database schema, say, released with
// t.Cleanup). Subtests are grouped by method and named after the
// behaviour they check, so a failure reads as the rule that was broken.
//
// Run checks exactly what the documentation of package store promises:
// every method and every sentinel error (ErrNotFound, ErrAlreadyExists,
// ErrConflict with nothing written, ErrInvalid), copies in both
// directions, the Version rules, the fields UpdateApp never changes,
// TouchSecret and a LastUsed that updates never move back, keyset paging,
// the revoked-token set, idempotency keys, used assertion ids, and
// concurrent compare-and-swap updates that lose nothing. When the store implements store.Watcher, it checks that
// updates, deletions and revocations are notified (waiting up to five
// seconds for each); when it implements store.SigningKeys, it checks
// create, list, optimistic update and delete of signing keys, one winner
// among concurrent creates of one generation, copies and, with a Watcher,
// SigningKeyChanged notifications.
//
// Beyond package store, Run asks that times keep at least microsecond
// precision (it uses UTC times truncated to the microsecond and compares
// them with time.Time.Equal, so another location, no monotonic reading or
// a nil slice for an empty one are fine), and that a store accepts the
// well-formed records Run writes: app SIDs "OQ" + 32 hex, and account and
// user ids of every shape the service accepts (a UUID, an integer, an
// e-mail address, 64 bytes), returned exactly, case included. It does not
// test cancellation of the context, nor what a store leaves to its own
// documentation, such as whether an empty SID passed to GetApp is
// ErrInvalid or ErrNotFound (either is accepted). The subtests run one
// after another; goroutines they start end before they do.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name   string
		checks []check
	}{
		{"CreateApp and GetApp", createChecks},
		{"UpdateApp", updateChecks},
		{"DeleteApp", deleteChecks},
		{"TouchSecret", touchChecks},
		{"client keys and resources", clientKeyChecks},
		{"federated credentials", federatedChecks},
		{"copies", copyChecks},
		{"ListApps", listChecks},
		{"revoked tokens", revokedChecks},
		{"idempotency keys", idempotencyChecks},
		{"AssertionIDs", assertionChecks},
		{"concurrency", concurrencyChecks},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.checks {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, fresh(t, newStore))
				})
			}
		})
	}
	t.Run("SigningKeys", func(t *testing.T) { runKeys(t, newStore) })
	t.Run("Watcher", func(t *testing.T) {
		if _, ok := fresh(t, newStore).(store.Watcher); !ok {
			t.Skip("the store does not implement the optional store.Watcher")
		}
		for _, c := range watchChecks {
			t.Run(c.name, func(t *testing.T) {
				c.run(t, fresh(t, newStore))
			})
		}
	})
	t.Run("RevocationLister", func(t *testing.T) {
		if _, ok := fresh(t, newStore).(store.RevocationLister); !ok {
			t.Skip("the store does not implement the optional store.RevocationLister")
		}
		for _, c := range liveChecks {
			t.Run(c.name, func(t *testing.T) {
				c.run(t, fresh(t, newStore))
			})
		}
	})
}

// fresh returns a new store from newStore, failing the test if it is nil.
func fresh(t *testing.T, newStore func(t *testing.T) store.Store) store.Store {
	t.Helper()
	s := newStore(t)
	if s == nil {
		t.Fatal("newStore returned a nil store")
	}
	return s
}
