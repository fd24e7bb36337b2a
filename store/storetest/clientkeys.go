package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// touchKey calls TouchClientKey, failing the test on error.
func touchKey(t *testing.T, s store.Store, appSID, keyID string, at time.Time) {
	t.Helper()
	if err := s.TouchClientKey(context.Background(), appSID, keyID, at); err != nil {
		t.Fatalf("TouchClientKey(%s, %s, %v): %v", appSID, keyID, at, err)
	}
}

var clientKeyChecks = []check{
	{"an app without keys or resources comes back without them", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.Keys, app.Resources = nil, nil
		app.Secrets = store.Secrets{}
		created := create(t, s, app)
		checkApp(t, "CreateApp", created, withVersion(app, 1))
		checkApp(t, "GetApp", get(t, s, app.SID), withVersion(app, 1))
	}},
	{"an update replaces the keys and resources", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		app.Keys = []store.ClientKey{app.Keys[1], {ID: "key-new", Algorithm: "RS256", PublicKey: "pem", Created: base.Add(time.Hour)}}
		app.Resources = []string{"https://other.example/"}
		want := withVersion(app, 2)
		checkApp(t, "UpdateApp", update(t, s, app), want)
		checkApp(t, "GetApp", get(t, s, app.SID), want)
	}},
	{"touch sets that key's LastUsed and changes nothing else", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		at := base.Add(time.Hour + 1*us)
		touchKey(t, s, app.SID, app.Keys[1].ID, at)
		want := app
		want.Keys = append([]store.ClientKey(nil), app.Keys...)
		want.Keys[1].LastUsed = at
		checkApp(t, "GetApp after touch", get(t, s, app.SID), want)
	}},
	{"touch moves a key's LastUsed forward only", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		id := app.Keys[0].ID
		later := base.Add(time.Hour)
		touchKey(t, s, app.SID, id, later)
		touchKey(t, s, app.SID, id, later.Add(-1*us))
		if got := get(t, s, app.SID).Keys[0].LastUsed; !got.Equal(later) {
			t.Errorf("LastUsed after an earlier touch = %v, want %v", got, later)
		}
	}},
	{"touch of a missing app or key is not an error and writes nothing", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		at := base.Add(time.Hour)
		for _, tc := range []struct{ name, app, key string }{
			{"unknown app", appSID(2), app.Keys[0].ID},
			{"unknown key id", app.SID, "key-unknown"},
			{"empty key id", app.SID, ""},
			{"secret id", app.SID, app.Secrets.Current.ID},
		} {
			if err := s.TouchClientKey(context.Background(), tc.app, tc.key, at); err != nil {
				t.Errorf("TouchClientKey with an %s: %v, want no error", tc.name, err)
			}
		}
		checkApp(t, "GetApp", get(t, s, app.SID), app)
		wantMissing(t, s, appSID(2))
	}},
	{"a key touch keeps Version, and an update from the read before keeps the later LastUsed", func(t *testing.T, s store.Store) {
		read := create(t, s, newApp(1, accountSID(1)))
		at := base.Add(time.Hour + 1*us)
		touchKey(t, s, read.SID, read.Keys[1].ID, at)
		if got := get(t, s, read.SID).Version; got != read.Version {
			t.Errorf("Version after touch = %d, want %d", got, read.Version)
		}
		read.FriendlyName = "renamed"
		got := update(t, s, read)
		if !got.Keys[1].LastUsed.Equal(at) {
			t.Errorf("key LastUsed after an update from a stale read = %v, want %v", got.Keys[1].LastUsed, at)
		}
		if !got.Keys[0].LastUsed.Equal(read.Keys[0].LastUsed) {
			t.Errorf("untouched key LastUsed = %v, want %v", got.Keys[0].LastUsed, read.Keys[0].LastUsed)
		}
	}},
}
