package postgres

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

func TestUpdateApp(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	created, err := s.CreateApp(ctx, testApp(appSID(), accountSID()))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("writes every field but the fixed ones and bumps the version", func(t *testing.T) {
		change := testApp(created.SID, accountSID()) // another account, creator, creation time
		change.FriendlyName, change.Region, change.TokenTTL = "renamed", "eu1", time.Hour
		change.Secrets.Previous = store.Secret{}
		change.Policy.Deny = nil
		change.Version = created.Version
		got, err := s.UpdateApp(ctx, change)
		if err != nil {
			t.Fatalf("UpdateApp: %v", err)
		}
		want := stored(change, created.Version+1)
		want.AccountSID, want.CreatedAt, want.CreatedBy = created.AccountSID, created.CreatedAt, created.CreatedBy
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("UpdateApp returned\n%+v\nwant\n%+v", got, want)
		}
		if read, _ := s.GetApp(ctx, created.SID); !reflect.DeepEqual(read, want) {
			t.Fatalf("GetApp after update returned\n%+v\nwant\n%+v", read, want)
		}
		created = got
	})

	t.Run("stale version is a conflict and writes nothing", func(t *testing.T) {
		stale := created
		stale.Version--
		stale.FriendlyName = "lost"
		if _, err := s.UpdateApp(ctx, stale); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("UpdateApp with stale version: got %v, want ErrConflict", err)
		}
		if read, _ := s.GetApp(ctx, created.SID); !reflect.DeepEqual(read, created) {
			t.Fatalf("stale update wrote: %+v", read)
		}
	})

	t.Run("missing app is not found", func(t *testing.T) {
		missing := testApp(appSID(), accountSID())
		missing.Version = 1
		if _, err := s.UpdateApp(ctx, missing); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UpdateApp of missing app: got %v, want ErrNotFound", err)
		}
	})
}

// TestUpdateAppConcurrentUpdaters checks the compare-and-set: of many
// updaters that read the same version exactly one wins, and updaters that
// retry on conflict never lose an update.
func TestUpdateAppConcurrentUpdaters(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	app, err := s.CreateApp(ctx, store.App{SID: appSID(), AccountSID: accountSID(), Description: "0"})
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8

	t.Run("one of many writers of the same version wins", func(t *testing.T) {
		errs := together(workers, func(i int) error {
			mine := app
			mine.FriendlyName = strconv.Itoa(i)
			_, err := s.UpdateApp(ctx, mine)
			return err
		})
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("UpdateApp: %v, want nil or ErrConflict", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d updates of version %d succeeded, want 1", wins, app.Version)
		}
	})

	t.Run("retrying writers lose no increment", func(t *testing.T) {
		const each = 10
		before, err := s.GetApp(ctx, app.SID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for done := 0; done < each; {
					cur, err := s.GetApp(ctx, app.SID)
					if err != nil {
						errs <- err
						return
					}
					n, _ := strconv.Atoi(cur.Description)
					cur.Description = strconv.Itoa(n + 1)
					switch _, err := s.UpdateApp(ctx, cur); {
					case err == nil:
						done++
					case !errors.Is(err, store.ErrConflict):
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("updater: %v", err)
		}
		after, err := s.GetApp(ctx, app.SID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Description != strconv.Itoa(workers*each) || after.Version != before.Version+workers*each {
			t.Fatalf("after %d updates: counter %s, version %d (was %d)", workers*each, after.Description, after.Version, before.Version)
		}
	})
}

// TestUpdateRacingDelete: an update and a deletion of one app at once
// never bring the app back, and the update fails with a sentinel when it
// loses.
func TestUpdateRacingDelete(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	for i := range 20 {
		app, err := s.CreateApp(ctx, store.App{SID: appSID(), AccountSID: accountSID()})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var updateErr, deleteErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, updateErr = s.UpdateApp(ctx, app) }()
		go func() { defer wg.Done(); deleteErr = s.DeleteApp(ctx, app.SID) }()
		wg.Wait()
		if deleteErr != nil {
			t.Fatalf("round %d: DeleteApp: %v", i, deleteErr)
		}
		if updateErr != nil && !errors.Is(updateErr, store.ErrConflict) && !errors.Is(updateErr, store.ErrNotFound) {
			t.Fatalf("round %d: UpdateApp: %v, want nil, ErrConflict or ErrNotFound", i, updateErr)
		}
		if _, err := s.GetApp(ctx, app.SID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("round %d: app after update and delete: %v, want ErrNotFound", i, err)
		}
	}
}
