package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// liveList calls LiveRevocations and returns the ids with their expiries
// as "id@unix", sorted.
func liveList(t *testing.T, s store.RevocationLister, now time.Time) []string {
	t.Helper()
	revs, err := s.LiveRevocations(context.Background(), now)
	if err != nil {
		t.Fatalf("LiveRevocations(%v): %v", now, err)
	}
	out := make([]string, len(revs))
	for i, r := range revs {
		out[i] = r.TokenID + "@" + r.Expires.UTC().Format(time.RFC3339Nano)
	}
	slices.Sort(out)
	return out
}

var liveChecks = []check{
	{"an empty set lists nothing", func(t *testing.T, s store.Store) {
		if got := liveList(t, s.(store.RevocationLister), base); len(got) != 0 {
			t.Errorf("LiveRevocations of an empty set = %v", got)
		}
	}},
	{"lists the entries whose expiry is after now, with that expiry", func(t *testing.T, s store.Store) {
		revoke(t, s, "jti-past", base.Add(-time.Second))
		revoke(t, s, "jti-now", base)
		revoke(t, s, "jti-live", base.Add(time.Hour))
		revoke(t, s, "jti-twice", base.Add(time.Hour))
		revoke(t, s, "jti-twice", base.Add(2*time.Hour))
		got := liveList(t, s.(store.RevocationLister), base)
		want := []string{
			"jti-live@" + base.Add(time.Hour).UTC().Format(time.RFC3339Nano),
			"jti-twice@" + base.Add(2*time.Hour).UTC().Format(time.RFC3339Nano),
		}
		if !slices.Equal(got, want) {
			t.Errorf("LiveRevocations(base):\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
		}
	}},
	{"a purged entry is not listed", func(t *testing.T, s store.Store) {
		revoke(t, s, "jti-short", base.Add(time.Minute))
		revoke(t, s, "jti-long", base.Add(time.Hour))
		purge(t, s, base.Add(time.Minute), 1)
		got := liveList(t, s.(store.RevocationLister), base)
		if len(got) != 1 || !strings.HasPrefix(got[0], "jti-long@") {
			t.Errorf("after a purge LiveRevocations(base) = %v, want jti-long alone", got)
		}
	}},
}
