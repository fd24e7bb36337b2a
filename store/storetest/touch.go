package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// touch calls TouchSecret, failing the test on error.
func touch(t *testing.T, s store.Store, appSID, secretID string, at time.Time) {
	t.Helper()
	if err := s.TouchSecret(context.Background(), appSID, secretID, at); err != nil {
		t.Fatalf("TouchSecret(%s, %s, %v): %v", appSID, secretID, at, err)
	}
}

var touchChecks = []check{
	{"touch sets that slot's LastUsed and changes nothing else", func(t *testing.T, s store.Store) {
		for i, slot := range []string{"current", "previous"} {
			t.Run(slot, func(t *testing.T) {
				app := create(t, s, newApp(i, accountSID(1)))
				at := base.Add(time.Hour + 1*us)
				want := app
				secret := &want.Secrets.Current
				if slot == "previous" {
					secret = &want.Secrets.Previous
				}
				secret.LastUsed = at
				touch(t, s, app.SID, secret.ID, at)
				checkApp(t, "GetApp after touch", get(t, s, app.SID), want)
			})
		}
	}},
	{"touch moves LastUsed forward only", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		id := app.Secrets.Current.ID
		later := base.Add(time.Hour)
		touch(t, s, app.SID, id, later)
		touch(t, s, app.SID, id, later.Add(-1*us))
		touch(t, s, app.SID, id, base.Add(-24*time.Hour))
		if got := get(t, s, app.SID).Secrets.Current.LastUsed; !got.Equal(later) {
			t.Errorf("LastUsed after earlier touches = %v, want %v", got, later)
		}
		touch(t, s, app.SID, id, later.Add(1*us))
		if got := get(t, s, app.SID).Secrets.Current.LastUsed; !got.Equal(later.Add(1 * us)) {
			t.Errorf("LastUsed after a touch one microsecond later = %v, want %v", got, later.Add(1*us))
		}
	}},
	{"touch of a missing app or secret is not an error and writes nothing", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.Secrets.Previous = store.Secret{} // an empty slot: its ID is ""
		app = create(t, s, app)
		at := base.Add(time.Hour)
		for _, tc := range []struct{ name, app, secret string }{
			{"unknown app", appSID(2), app.Secrets.Current.ID},
			{"unknown secret id", app.SID, "sk-unknown"},
			{"empty secret id, which names no slot", app.SID, ""},
		} {
			if err := s.TouchSecret(context.Background(), tc.app, tc.secret, at); err != nil {
				t.Errorf("TouchSecret with an %s: %v, want no error", tc.name, err)
			}
		}
		checkApp(t, "GetApp", get(t, s, app.SID), app)
		wantMissing(t, s, appSID(2))
	}},
	{"an update from a read before a touch keeps the later LastUsed", func(t *testing.T, s store.Store) {
		read := create(t, s, newApp(1, accountSID(1)))
		cur, prev := read.Secrets.Current, read.Secrets.Previous
		at := base.Add(time.Hour + 1*us)
		touch(t, s, read.SID, cur.ID, at)
		touch(t, s, read.SID, prev.ID, at.Add(1*us))
		read.FriendlyName = "renamed"
		got := update(t, s, read)
		if !got.Secrets.Current.LastUsed.Equal(at) || !got.Secrets.Previous.LastUsed.Equal(at.Add(1*us)) {
			t.Errorf("LastUsed after an update from a stale read = %v and %v, want %v and %v",
				got.Secrets.Current.LastUsed, got.Secrets.Previous.LastUsed, at, at.Add(1*us))
		}

		// A rotation from a read before a touch: the current secret moves
		// to the previous slot with the stale LastUsed of the read.
		touch(t, s, read.SID, cur.ID, at.Add(time.Hour))
		rotated := got
		rotated.Secrets.Previous = got.Secrets.Current
		rotated.Secrets.Previous.Expires = base.Add(24 * time.Hour)
		rotated.Secrets.Current = store.Secret{ID: "sk-rotated", Hash: "sha256$rotated", Created: base.Add(2 * time.Hour)}
		got = update(t, s, rotated)
		if !got.Secrets.Previous.LastUsed.Equal(at.Add(time.Hour)) {
			t.Errorf("LastUsed of the secret rotated into the previous slot = %v, want %v", got.Secrets.Previous.LastUsed, at.Add(time.Hour))
		}
		if !got.Secrets.Current.LastUsed.IsZero() {
			t.Errorf("LastUsed of the new secret = %v, want zero", got.Secrets.Current.LastUsed)
		}

		// Asking for an earlier time does not move it back either.
		earlier := got
		earlier.Secrets.Previous.LastUsed = time.Time{}
		if got := update(t, s, earlier); !got.Secrets.Previous.LastUsed.Equal(at.Add(time.Hour)) {
			t.Errorf("LastUsed after an update that names no time = %v, want %v", got.Secrets.Previous.LastUsed, at.Add(time.Hour))
		}
	}},
	{"touch keeps Version, so an update from the read before succeeds", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		touch(t, s, app.SID, app.Secrets.Current.ID, base.Add(time.Hour))
		if got := get(t, s, app.SID).Version; got != app.Version {
			t.Errorf("Version after touch = %d, want %d", got, app.Version)
		}
		app.FriendlyName = "renamed"
		if got := update(t, s, app); got.Version != 2 {
			t.Errorf("Version after update = %d, want 2", got.Version)
		}
	}},
}
