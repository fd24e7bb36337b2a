package storetest_test

import (
	"testing"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// TestCountingStore is the test ExampleRun shows: the adapter of the
// example passes the suite.
func TestCountingStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return newCountingStore(store.NewMemory())
	})
}
