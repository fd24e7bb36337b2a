package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// revoke calls RevokeToken, failing the test on error.
func revoke(t *testing.T, s store.RevokedTokens, id string, expires time.Time) {
	t.Helper()
	if err := s.RevokeToken(context.Background(), id, expires); err != nil {
		t.Fatalf("RevokeToken(%s, %v): %v", id, expires, err)
	}
}

// wantRevoked fails the test unless IsTokenRevoked(id, now) is want.
func wantRevoked(t *testing.T, s store.RevokedTokens, id string, now time.Time, want bool) {
	t.Helper()
	got, err := s.IsTokenRevoked(context.Background(), id, now)
	if err != nil {
		t.Fatalf("IsTokenRevoked(%s, %v): %v", id, now, err)
	}
	if got != want {
		t.Errorf("IsTokenRevoked(%s, %v) = %v, want %v", id, now, got, want)
	}
}

// purge calls PurgeRevokedTokens and fails the test unless it removed want.
func purge(t *testing.T, s store.RevokedTokens, now time.Time, want int) {
	t.Helper()
	n, err := s.PurgeRevokedTokens(context.Background(), now)
	if err != nil {
		t.Fatalf("PurgeRevokedTokens(%v): %v", now, err)
	}
	if n != want {
		t.Errorf("PurgeRevokedTokens(%v) removed %d, want %d", now, n, want)
	}
}

var revokedChecks = []check{
	{"an id never revoked is not revoked", func(t *testing.T, s store.Store) {
		revoke(t, s, "jti-other", base.Add(time.Hour))
		wantRevoked(t, s, "jti-unknown", base, false)
	}},
	{"a revoked id stays revoked until its expiry, which is exclusive", func(t *testing.T, s store.Store) {
		expires := base.Add(time.Hour)
		revoke(t, s, "jti-1", expires)
		// In this order: a store may drop an entry once it is read expired.
		wantRevoked(t, s, "jti-1", base.Add(-24*time.Hour), true)
		wantRevoked(t, s, "jti-1", expires.Add(-1*us), true)
		wantRevoked(t, s, "jti-1", expires, false)
		wantRevoked(t, s, "jti-1", expires.Add(1*us), false)
	}},
	{"revoking an id twice keeps the later expiry", func(t *testing.T, s store.Store) {
		early, late := base.Add(time.Hour), base.Add(2*time.Hour)
		revoke(t, s, "jti-later-first", late)
		revoke(t, s, "jti-later-first", early)
		revoke(t, s, "jti-later-second", early)
		revoke(t, s, "jti-later-second", late)
		for _, id := range []string{"jti-later-first", "jti-later-second"} {
			wantRevoked(t, s, id, early, true)
			wantRevoked(t, s, id, late.Add(-1*us), true)
			wantRevoked(t, s, id, late, false)
		}
	}},
	{"an id whose entry expired can be revoked again", func(t *testing.T, s store.Store) {
		revoke(t, s, "jti-1", base)
		purge(t, s, base, 1)
		revoke(t, s, "jti-1", base.Add(time.Hour))
		wantRevoked(t, s, "jti-1", base, true)
	}},
	{"purge removes the entries expired at or before now and counts them", func(t *testing.T, s store.Store) {
		now := base
		for id, expires := range map[string]time.Time{
			"jti-long-gone": now.Add(-time.Hour),
			"jti-just-gone": now.Add(-1 * us),
			"jti-at-now":    now,
			"jti-next-us":   now.Add(1 * us),
			"jti-in-hour":   now.Add(time.Hour),
		} {
			revoke(t, s, id, expires)
		}
		purge(t, s, now, 3)
		wantRevoked(t, s, "jti-next-us", now, true)
		wantRevoked(t, s, "jti-in-hour", now, true)
		purge(t, s, now, 0)
		purge(t, s, now.Add(time.Hour), 2)
		wantRevoked(t, s, "jti-in-hour", now, false)
	}},
	{"purge of an empty set removes nothing", func(t *testing.T, s store.Store) {
		purge(t, s, base, 0)
	}},
}
