package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// TestReadCounterKeepsTheContract runs the suite through a ReadCounter,
// its optional parts (notifications, signing keys, assertion ids, the
// live revocation list) included: the wrapper hides nothing it promises
// to pass on.
func TestReadCounterKeepsTheContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return storetest.NewReadCounter(store.NewMemory())
	})
}

func TestReadCounterCountsTheReadsOfAuthorization(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	c := storetest.NewReadCounter(store.NewMemory())
	if err := c.RevokeToken(ctx, "jti", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := c.Reads(); n != 0 {
		t.Fatalf("a write counted as %d reads", n)
	}
	_, _ = c.GetApp(ctx, "OQ00000000000000000000000000000000")
	if _, err := c.IsTokenRevoked(ctx, "jti", now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.LiveRevocations(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := c.Reads(); n != 3 {
		t.Errorf("GetApp, IsTokenRevoked and LiveRevocations counted as %d reads, want 3", n)
	}
}
