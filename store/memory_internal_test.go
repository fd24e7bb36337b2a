package store

import (
	"context"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestRevokedSetKeepsItsOwnCopyOfTokenIDs: the revoked set stores a copy of
// each id, so an id sliced from a larger string (a token's claims text)
// does not keep that string alive for the weeks the entry may live.
func TestRevokedSetKeepsItsOwnCopyOfTokenIDs(t *testing.T) {
	m := NewMemory()
	claims := `{"jti":"` + strings.Repeat("x", 22) + `","scope":"` + strings.Repeat("s", 400) + `"}`
	jti := claims[8:30]
	if err := m.RevokeToken(context.Background(), jti, time.Unix(3600, 0)); err != nil {
		t.Fatal(err)
	}
	n := 0
	m.revoked.Range(func(key, _ any) bool {
		n++
		if key.(string) != jti {
			t.Errorf("stored under %q, want %q", key, jti)
		}
		if unsafe.StringData(key.(string)) == unsafe.StringData(jti) {
			t.Error("the set holds the caller's string, and with it the whole claims text")
		}
		return true
	})
	if n != 1 {
		t.Fatalf("%d entries, want 1", n)
	}
}
