package postgres

import (
	"testing"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// TestConformance runs the store contract's suite against PostgreSQL, each
// subtest on a fresh schema of its own.
func TestConformance(t *testing.T) {
	pool := testPool(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return openStore(t, pool, testSchema(t, pool))
	})
}

// TestConformanceUnderStricterIsolation runs the suite on sessions whose
// default isolation is REPEATABLE READ or SERIALIZABLE, as a server or
// role setting (default_transaction_isolation) makes them: writes that
// race one another must still end in success or store.ErrConflict, never
// a serialization failure.
func TestConformanceUnderStricterIsolation(t *testing.T) {
	for _, level := range []string{"repeatable read", "serializable"} {
		t.Run(level, func(t *testing.T) {
			pool := poolWithIsolation(t, level)
			storetest.Run(t, func(t *testing.T) store.Store {
				return openStore(t, pool, testSchema(t, pool))
			})
		})
	}
}
