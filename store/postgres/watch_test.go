package postgres

import (
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// nextChange waits for the next change on ch.
func nextChange(t *testing.T, ch <-chan store.Change, within time.Duration) store.Change {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(within):
		t.Fatalf("no change within %v", within)
		return store.Change{}
	}
}
