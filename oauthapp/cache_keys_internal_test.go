package oauthapp

import (
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// TestCacheKeepsItsEntriesWhenASigningKeyChanges: signing keys are not
// cached here, so a rotation (on every instance, every month) must not
// empty every instance's cache at once and send all its reads to the store.
func TestCacheKeepsItsEntriesWhenASigningKeyChanges(t *testing.T) {
	c := newAppCache(time.Minute, 8)
	c.putRevoked("jti-1", false, time.Unix(0, 0), c.generation())
	c.onChange(store.Change{Kind: store.SigningKeyChanged, KID: "k1"})
	if _, ok := c.revokedFresh("jti-1", time.Unix(1, 0)); !ok {
		t.Fatal("a signing key change emptied the cache")
	}
	c.onChange(store.Change{Kind: store.Resync})
	if _, ok := c.revokedFresh("jti-1", time.Unix(1, 0)); ok {
		t.Fatal("a resync kept the cache: the test cannot tell the two apart")
	}
}
