package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

const (
	workers          = 8
	updatesPerWorker = 20
	// maxAttempts bounds a worker's compare-and-swap loop, so that a store
	// that never succeeds fails the test instead of hanging it.
	maxAttempts = 100 * workers * updatesPerWorker
)

// together runs fn in n goroutines released at once and waits for all.
func together(n int, fn func(i int)) {
	var start, done sync.WaitGroup
	start.Add(1)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			start.Wait()
			fn(i)
		}()
	}
	start.Done()
	done.Wait()
}

// increment adds one to the counter kept in the app's Description with a
// compare-and-swap loop, retrying on ErrConflict.
func increment(ctx context.Context, s store.Store, sid string) error {
	for range maxAttempts {
		app, err := s.GetApp(ctx, sid)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(app.Description)
		if err != nil {
			return err
		}
		app.Description = strconv.Itoa(n + 1)
		app.Policy.Allow = append(app.Policy.Allow, "/counter/"+app.Description)
		if _, err = s.UpdateApp(ctx, app); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return errors.New("no compare-and-swap succeeded")
}

var concurrencyChecks = []check{
	{"compare-and-swap updates from many goroutines lose none", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.Description = "0"
		app.Policy.Allow = nil
		create(t, s, app)
		together(workers, func(int) {
			for range updatesPerWorker {
				if err := increment(context.Background(), s, app.SID); err != nil {
					t.Errorf("increment: %v", err)
					return
				}
			}
		})
		const total = workers * updatesPerWorker
		got := get(t, s, app.SID)
		if got.Description != strconv.Itoa(total) {
			t.Errorf("counter = %s after %d increments", got.Description, total)
		}
		if got.Version != total+1 {
			t.Errorf("Version = %d after %d updates, want %d", got.Version, total, total+1)
		}
		if len(got.Policy.Allow) != total {
			t.Errorf("Policy.Allow has %d entries after %d appends", len(got.Policy.Allow), total)
		}
	}},
	{"readers see whole records while a writer updates", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		app := newApp(1, accountSID(1))
		app.Description = "1" // Description always holds the Version
		create(t, s, app)
		var stop atomic.Bool
		together(workers, func(i int) {
			if i == 0 {
				defer stop.Store(true)
				for range updatesPerWorker * 2 {
					cur, err := s.GetApp(ctx, app.SID)
					if err != nil {
						t.Errorf("GetApp: %v", err)
						return
					}
					cur.Description = strconv.FormatInt(cur.Version+1, 10)
					cur.FriendlyName = "version " + cur.Description
					cur.UpdatedAt = base.Add(time.Duration(cur.Version) * time.Second)
					if _, err = s.UpdateApp(ctx, cur); err != nil {
						t.Errorf("UpdateApp: %v", err)
						return
					}
				}
				return
			}
			for !stop.Load() {
				got, err := s.GetApp(ctx, app.SID)
				if err != nil {
					t.Errorf("GetApp: %v", err)
					return
				}
				l, err := s.ListApps(ctx, app.AccountSID, "", 10)
				if err != nil || len(l) != 1 {
					t.Errorf("ListApps = %d apps, %v; want 1 app", len(l), err)
					return
				}
				for _, a := range []store.App{got, l[0]} {
					if v := strconv.FormatInt(a.Version, 10); a.Description != v {
						t.Errorf("read Version %d with the Description %q of another version", a.Version, a.Description)
						return
					}
				}
			}
		})
	}},
	{"of many concurrent creates of one SID exactly one succeeds", func(t *testing.T, s store.Store) {
		var won atomic.Int32
		var winner atomic.Value
		together(workers, func(i int) {
			app := newApp(1, accountSID(i+1))
			_, err := s.CreateApp(context.Background(), app)
			switch {
			case err == nil:
				won.Add(1)
				winner.Store(app)
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Errorf("CreateApp: error %v, want nil or ErrAlreadyExists", err)
			}
		})
		if n := won.Load(); n != 1 {
			t.Fatalf("%d creates succeeded, want 1", n)
		}
		checkApp(t, "GetApp", get(t, s, appSID(1)), withVersion(winner.Load().(store.App), 1))
	}},
	{"of many concurrent deletes of one app exactly one succeeds", func(t *testing.T, s store.Store) {
		create(t, s, newApp(1, accountSID(1)))
		var won atomic.Int32
		together(workers, func(int) {
			err := s.DeleteApp(context.Background(), appSID(1))
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("DeleteApp: error %v, want nil or ErrNotFound", err)
			}
		})
		if n := won.Load(); n != 1 {
			t.Errorf("%d deletes succeeded, want 1", n)
		}
		wantMissing(t, s, appSID(1))
	}},
	{"concurrent revocations of one id keep the latest expiry", func(t *testing.T, s store.Store) {
		latest := base.Add(workers * time.Minute)
		together(workers, func(i int) {
			if err := s.RevokeToken(context.Background(), "jti-1", base.Add(time.Duration(i+1)*time.Minute)); err != nil {
				t.Errorf("RevokeToken: %v", err)
			}
		})
		wantRevoked(t, s, "jti-1", latest.Add(-1*us), true)
		wantRevoked(t, s, "jti-1", latest, false)
	}},
}
