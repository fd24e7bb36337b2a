package oauthapp

import (
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestCacheKeepsItsOwnCopyOfTokenIDs: a revocation answer is cached under a
// copy of the jti, not the caller's string, which for a validated token is
// a slice of its whole claims text and would keep that alive.
func TestCacheKeepsItsOwnCopyOfTokenIDs(t *testing.T) {
	c := newAppCache(time.Minute, 8)
	claims := `{"jti":"` + strings.Repeat("x", 22) + `","scope":"` + strings.Repeat("s", 400) + `"}`
	jti := claims[8:30]
	c.putRevoked(jti, false, time.Unix(0, 0), c.generation())
	for key := range c.revoked {
		if key != jti {
			t.Fatalf("cached under %q, want %q", key, jti)
		}
		if unsafe.StringData(key) == unsafe.StringData(jti) {
			t.Fatal("the cache holds the caller's string, and with it the whole claims text")
		}
	}
	if revoked, ok := c.revokedFresh(jti, time.Unix(1, 0)); !ok || revoked {
		t.Fatalf("revokedFresh = %v, %v; want a fresh not-revoked answer", revoked, ok)
	}
}
