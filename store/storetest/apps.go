package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

var createChecks = []check{
	{"created app reads back field for field at version 1", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.Version = 42 // the store owns Version and ignores what is passed
		got := create(t, s, app)
		checkApp(t, "CreateApp result", got, withVersion(app, 1))
		checkApp(t, "GetApp after create", get(t, s, app.SID), withVersion(app, 1))
	}},
	{"zero times, empty slots and empty policy read back as zero", func(t *testing.T, s store.Store) {
		app := store.App{SID: appSID(1), AccountSID: accountSID(1)}
		app.Policy = store.Policy{Allow: []string{}}
		app.Secrets.Current = store.Secret{ID: "sk1", Hash: "sha256$x", Created: base}
		create(t, s, app)
		got := get(t, s, app.SID)
		checkApp(t, "GetApp", got, withVersion(app, 1))
		for name, tm := range map[string]time.Time{
			"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt,
			"Secrets.Current.Expires":   got.Secrets.Current.Expires,
			"Secrets.Current.LastUsed":  got.Secrets.Current.LastUsed,
			"Secrets.Previous.Created":  got.Secrets.Previous.Created,
			"Secrets.Previous.Expires":  got.Secrets.Previous.Expires,
			"Secrets.Previous.LastUsed": got.Secrets.Previous.LastUsed,
		} {
			if !tm.IsZero() {
				t.Errorf("%s = %v, want the zero time", name, tm)
			}
		}
	}},
	{"times keep microsecond precision", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.CreatedAt = base.Add(1 * us)
		app.UpdatedAt = base.Add(999_999 * us)
		app.Secrets.Current.Created = base.Add(-1 * us)
		create(t, s, app)
		checkApp(t, "GetApp", get(t, s, app.SID), withVersion(app, 1))
	}},
	{"a taken SID is ErrAlreadyExists and the first app stays", func(t *testing.T, s store.Store) {
		first := create(t, s, newApp(1, accountSID(1)))
		second := newApp(1, accountSID(2))
		second.FriendlyName = "the second"
		_, err := s.CreateApp(context.Background(), second)
		wantErr(t, "CreateApp with a taken SID", err, store.ErrAlreadyExists)
		checkApp(t, "GetApp", get(t, s, first.SID), first)
		if got := list(t, s, accountSID(2), "", 10); len(got) != 0 {
			t.Errorf("account of the rejected app lists %d apps, want 0", len(got))
		}
	}},
	{"an empty SID or account SID is ErrInvalid and stores nothing", func(t *testing.T, s store.Store) {
		for _, tc := range []struct {
			name string
			edit func(*store.App)
		}{
			{"empty SID", func(a *store.App) { a.SID = "" }},
			{"empty account SID", func(a *store.App) { a.AccountSID = "" }},
		} {
			app := newApp(1, accountSID(1))
			tc.edit(&app)
			_, err := s.CreateApp(context.Background(), app)
			wantErr(t, "CreateApp with "+tc.name, err, store.ErrInvalid)
		}
		wantMissing(t, s, appSID(1))
		if got := list(t, s, accountSID(1), "", 10); len(got) != 0 {
			t.Errorf("ListApps returns %d apps, want 0", len(got))
		}
	}},
	{"an unknown SID is ErrNotFound", func(t *testing.T, s store.Store) {
		create(t, s, newApp(1, accountSID(1)))
		wantMissing(t, s, appSID(2))
	}},
	{"an empty SID is ErrInvalid or ErrNotFound for get, update and delete", func(t *testing.T, s store.Store) {
		create(t, s, newApp(1, accountSID(1)))
		ctx := context.Background()
		_, getErr := s.GetApp(ctx, "")
		_, updateErr := s.UpdateApp(ctx, store.App{AccountSID: accountSID(1), Version: 1})
		deleteErr := s.DeleteApp(ctx, "")
		for call, err := range map[string]error{"GetApp": getErr, "UpdateApp": updateErr, "DeleteApp": deleteErr} {
			if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s with an empty SID: error %v, want ErrInvalid or ErrNotFound", call, err)
			}
		}
		checkApp(t, "GetApp", get(t, s, appSID(1)), withVersion(newApp(1, accountSID(1)), 1))
	}},
}

var updateChecks = []check{
	{"update replaces every field the caller owns and adds one to Version", func(t *testing.T, s store.Store) {
		stored := create(t, s, newApp(1, accountSID(1)))
		next := newApp(2, accountSID(1)) // every field differs from app 1's
		next.SID, next.AccountSID, next.CreatedAt, next.CreatedBy = stored.SID, stored.AccountSID, stored.CreatedAt, stored.CreatedBy
		next.Region = "ie1"
		next.UpdatedAt = base.Add(time.Hour + 5*us)
		next.Policy = store.Policy{Allow: []string{"/api/voice/calls/read"}}
		next.TokenTTL = 15 * time.Minute
		next.DefaultGrace = grace(0) // a grace of zero, not the default
		next.DPoPBoundAccessTokens = false
		next.Secrets.Previous = store.Secret{}
		next.Version = stored.Version
		got := update(t, s, next)
		checkApp(t, "UpdateApp result", got, withVersion(next, 2))
		checkApp(t, "GetApp after update", get(t, s, next.SID), withVersion(next, 2))
	}},
	{"update never changes AccountSID, CreatedAt or CreatedBy", func(t *testing.T, s store.Store) {
		stored := create(t, s, newApp(1, accountSID(1)))
		next := stored
		next.AccountSID = accountSID(2)
		next.CreatedAt = base.Add(time.Hour)
		next.CreatedBy = "US" + "ffffffffffffffffffffffffffffffff"
		next.FriendlyName = "renamed"
		got := update(t, s, next)
		want := stored
		want.FriendlyName = "renamed"
		want.Version = 2
		checkApp(t, "UpdateApp result", got, want)
		checkApp(t, "GetApp after update", get(t, s, stored.SID), want)
		if l := list(t, s, accountSID(1), "", 10); len(l) != 1 {
			t.Errorf("the owning account lists %d apps, want 1", len(l))
		}
		if l := list(t, s, accountSID(2), "", 10); len(l) != 0 {
			t.Errorf("the account named in the update lists %d apps, want 0", len(l))
		}
	}},
	{"a stale version is ErrConflict and writes nothing", func(t *testing.T, s store.Store) {
		v1 := create(t, s, newApp(1, accountSID(1)))
		v1.FriendlyName = "second"
		v2 := update(t, s, v1)
		for _, version := range []int64{0, 1, 3, -1} {
			stale := withVersion(v2, version)
			stale.FriendlyName = "lost"
			stale.Policy.Allow = []string{"/lost/*"}
			_, err := s.UpdateApp(context.Background(), stale)
			wantErr(t, "UpdateApp with a stale version", err, store.ErrConflict)
		}
		checkApp(t, "GetApp after conflicts", get(t, s, v1.SID), v2)
	}},
	{"an unknown or deleted app is ErrNotFound", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		_, err := s.UpdateApp(ctx, withVersion(newApp(1, accountSID(1)), 1))
		wantErr(t, "UpdateApp of an unknown app", err, store.ErrNotFound)
		wantMissing(t, s, appSID(1))

		stored := create(t, s, newApp(2, accountSID(1)))
		if err := s.DeleteApp(ctx, stored.SID); err != nil {
			t.Fatalf("DeleteApp: %v", err)
		}
		_, err = s.UpdateApp(ctx, stored)
		wantErr(t, "UpdateApp of a deleted app", err, store.ErrNotFound)
		wantMissing(t, s, stored.SID)
	}},
	{"Version counts successful updates only", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		app := create(t, s, newApp(1, accountSID(1)))
		for i := range 3 {
			stale := app
			app = update(t, s, app)
			if want := int64(i + 2); app.Version != want {
				t.Fatalf("after update %d: Version %d, want %d", i+1, app.Version, want)
			}
			if _, err := s.UpdateApp(ctx, stale); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("UpdateApp with the version before: error %v, want ErrConflict", err)
			}
			if err := s.TouchSecret(ctx, app.SID, app.Secrets.Current.ID, base.Add(time.Duration(i+1)*time.Hour)); err != nil {
				t.Fatalf("TouchSecret: %v", err)
			}
		}
		if got := get(t, s, app.SID).Version; got != 4 {
			t.Errorf("Version %d after 3 updates, 3 conflicts and 3 touches, want 4", got)
		}
	}},
}

var deleteChecks = []check{
	{"delete removes the app from get and list", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		gone := create(t, s, newApp(1, accountSID(1)))
		kept := create(t, s, newApp(2, accountSID(1)))
		if err := s.DeleteApp(ctx, gone.SID); err != nil {
			t.Fatalf("DeleteApp: %v", err)
		}
		wantMissing(t, s, gone.SID)
		l := list(t, s, accountSID(1), "", 10)
		if len(l) != 1 || l[0].SID != kept.SID {
			t.Errorf("ListApps after delete = %v, want only %s", sids(l), kept.SID)
		}
		wantErr(t, "DeleteApp a second time", s.DeleteApp(ctx, gone.SID), store.ErrNotFound)
	}},
	{"an unknown app is ErrNotFound and others stay", func(t *testing.T, s store.Store) {
		kept := create(t, s, newApp(1, accountSID(1)))
		wantErr(t, "DeleteApp of an unknown app", s.DeleteApp(context.Background(), appSID(2)), store.ErrNotFound)
		checkApp(t, "GetApp", get(t, s, kept.SID), kept)
	}},
	{"a conditional delete removes the app at the version named", func(t *testing.T, s store.Store) {
		app := update(t, s, create(t, s, newApp(1, accountSID(1))))
		if err := s.DeleteAppVersion(context.Background(), app.SID, app.Version); err != nil {
			t.Fatalf("DeleteAppVersion at the stored version: %v", err)
		}
		wantMissing(t, s, app.SID)
		wantErr(t, "DeleteAppVersion of a deleted app", s.DeleteAppVersion(context.Background(), app.SID, app.Version), store.ErrNotFound)
	}},
	{"a conditional delete of another version is ErrConflict and removes nothing", func(t *testing.T, s store.Store) {
		app := update(t, s, create(t, s, newApp(1, accountSID(1))))
		for _, v := range []int64{app.Version - 1, app.Version + 1} {
			wantErr(t, fmt.Sprintf("DeleteAppVersion at version %d of %d", v, app.Version), s.DeleteAppVersion(context.Background(), app.SID, v), store.ErrConflict)
		}
		checkApp(t, "GetApp after the refused deletes", get(t, s, app.SID), app)
		if l := list(t, s, accountSID(1), "", 10); len(l) != 1 {
			t.Errorf("ListApps after the refused deletes = %v, want the app", sids(l))
		}
	}},
	{"a conditional delete racing an update: one of them wins, whole", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		for i := range 20 {
			app := create(t, s, newApp(i+1, accountSID(1)))
			var delErr, updErr error
			together(2, func(w int) {
				if w == 0 {
					delErr = s.DeleteAppVersion(ctx, app.SID, app.Version)
					return
				}
				next := app
				next.FriendlyName = "updated"
				_, updErr = s.UpdateApp(ctx, next)
			})
			switch {
			case delErr == nil && errors.Is(updErr, store.ErrConflict) || delErr == nil && errors.Is(updErr, store.ErrNotFound):
				wantMissing(t, s, app.SID)
			case errors.Is(delErr, store.ErrConflict) && updErr == nil:
				if got := get(t, s, app.SID); got.FriendlyName != "updated" || got.Version != 2 {
					t.Errorf("the update won, but the app reads %q at version %d", got.FriendlyName, got.Version)
				}
			default:
				t.Fatalf("race %d: delete %v, update %v: want exactly one to succeed", i, delErr, updErr)
			}
		}
	}},
	{"a deleted SID can be created again and starts at version 1", func(t *testing.T, s store.Store) {
		app := update(t, s, create(t, s, newApp(1, accountSID(1))))
		if err := s.DeleteApp(context.Background(), app.SID); err != nil {
			t.Fatalf("DeleteApp: %v", err)
		}
		again := newApp(1, accountSID(2))
		again.FriendlyName = "born again"
		checkApp(t, "CreateApp after delete", create(t, s, again), withVersion(again, 1))
		checkApp(t, "GetApp", get(t, s, again.SID), withVersion(again, 1))
	}},
}
