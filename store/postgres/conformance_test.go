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
