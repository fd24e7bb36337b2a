package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

var t0 = time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return store.NewMemory() })
}

// memoryApp is a small valid app for the tests of Memory's own promises.
func memoryApp() store.App {
	return store.App{
		SID:        "OQ00000000000000000000000000000001",
		AccountSID: "AC00000000000000000000000000000001",
		Policy:     store.Policy{Allow: []string{"/a/b/c/read"}, Deny: []string{"/a/b/c/delete"}},
		Secrets:    store.Secrets{Current: store.Secret{ID: "sk1", Hash: "sha256$x", Created: t0}},
	}
}

func TestMemoryPurgesExpiredTokensOnRead(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	for _, id := range []string{"jti-read", "jti-unread"} {
		if err := m.RevokeToken(ctx, id, t0); err != nil {
			t.Fatal(err)
		}
	}
	if revoked, err := m.IsTokenRevoked(ctx, "jti-read", t0); err != nil || revoked {
		t.Fatalf("IsTokenRevoked at expiry = %v, %v; want false, nil", revoked, err)
	}
	// The entry read expired is gone already; only the other is left to purge.
	if n, err := m.PurgeRevokedTokens(ctx, t0); err != nil || n != 1 {
		t.Errorf("PurgeRevokedTokens = %d, %v; want 1, nil", n, err)
	}
}

func TestMemoryWatchIsSynchronousAndOutsideTheLock(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	app, err := m.CreateApp(ctx, memoryApp())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []store.Change
	var readErr error
	stop := m.Watch(func(c store.Change) {
		// Reading back from inside fn deadlocks unless fn runs unlocked.
		_, err := m.GetApp(ctx, app.SID)
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			readErr = err
		}
	})
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := m.UpdateApp(ctx, app); err != nil {
			t.Error(err)
		}
		if err := m.RevokeToken(ctx, "jti-1", t0); err != nil {
			t.Error(err)
		}
		if err := m.DeleteApp(ctx, app.SID); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a write whose subscriber reads the store did not return: fn runs under the lock")
	}
	// No waiting: each write returned only after its subscriber ran.
	mu.Lock()
	defer mu.Unlock()
	want := []store.Change{
		{Kind: store.AppChanged, AppSID: app.SID},
		{Kind: store.TokenRevoked, TokenID: "jti-1"},
		{Kind: store.AppChanged, AppSID: app.SID},
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes = %+v, want %+v", got, want)
	}
	if readErr != nil {
		t.Errorf("GetApp inside fn: %v", readErr)
	}
}

func TestMemoryWatchNotifiesCreateButNotTouchOrPurge(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	var got []store.Change
	stop := m.Watch(func(c store.Change) { got = append(got, c) })
	defer stop()
	app, err := m.CreateApp(ctx, memoryApp())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.TouchSecret(ctx, app.SID, "sk1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.PurgeRevokedTokens(ctx, t0); err != nil {
		t.Fatal(err)
	}
	if want := []store.Change{{Kind: store.AppChanged, AppSID: app.SID}}; !slices.Equal(got, want) {
		t.Errorf("notifications for create, touch and purge: %+v, want only the create's %+v", got, want)
	}
}

func TestMemoryWatchStopTwiceAndNilFn(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	calls := 0
	stop := m.Watch(func(store.Change) { calls++ })
	stopNil := m.Watch(nil)
	stop()
	stop()
	stopNil()
	if err := m.RevokeToken(ctx, "jti-1", t0); err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Errorf("a stopped subscriber was called %d times", calls)
	}
}

func TestMemoryCanceledContextWritesNothing(t *testing.T) {
	m := store.NewMemory()
	app, err := m.CreateApp(context.Background(), memoryApp())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	other := memoryApp()
	other.SID = "OQ00000000000000000000000000000002"
	renamed := app
	renamed.FriendlyName = "renamed"
	calls := map[string]func() error{
		"CreateApp":   func() error { _, err := m.CreateApp(ctx, other); return err },
		"GetApp":      func() error { _, err := m.GetApp(ctx, app.SID); return err },
		"ListApps":    func() error { _, err := m.ListApps(ctx, app.AccountSID, "", 10); return err },
		"UpdateApp":   func() error { _, err := m.UpdateApp(ctx, renamed); return err },
		"DeleteApp":   func() error { return m.DeleteApp(ctx, app.SID) },
		"TouchSecret": func() error { return m.TouchSecret(ctx, app.SID, "sk1", t0.Add(time.Hour)) },
		"RevokeToken": func() error { return m.RevokeToken(ctx, "jti-1", t0.Add(time.Hour)) },
		"IsTokenRevoked": func() error {
			_, err := m.IsTokenRevoked(ctx, "jti-1", t0)
			return err
		},
		"PurgeRevokedTokens": func() error { _, err := m.PurgeRevokedTokens(ctx, t0); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: error %v, want context.Canceled", name, err)
		}
	}
	got, err := m.GetApp(context.Background(), app.SID)
	if err != nil || got.FriendlyName != app.FriendlyName || got.Version != 1 || !got.Secrets.Current.LastUsed.IsZero() {
		t.Errorf("after canceled calls GetApp = %+v, %v; want the app as created", got, err)
	}
	if _, err := m.GetApp(context.Background(), other.SID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the app created with a canceled context: error %v, want ErrNotFound", err)
	}
	if revoked, _ := m.IsTokenRevoked(context.Background(), "jti-1", t0); revoked {
		t.Error("the token revoked with a canceled context is revoked")
	}
}

func TestMemoryRejectsEmptyIDs(t *testing.T) {
	ctx := context.Background()
	m := store.NewMemory()
	for name, err := range map[string]error{
		"GetApp":      func() error { _, err := m.GetApp(ctx, ""); return err }(),
		"UpdateApp":   func() error { _, err := m.UpdateApp(ctx, store.App{Version: 1}); return err }(),
		"DeleteApp":   m.DeleteApp(ctx, ""),
		"RevokeToken": m.RevokeToken(ctx, "", t0),
	} {
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s with an empty id: error %v, want ErrInvalid", name, err)
		}
	}
}

func TestMemoryReturnedPolicyListsDoNotOverlap(t *testing.T) {
	m := store.NewMemory()
	if _, err := m.CreateApp(context.Background(), memoryApp()); err != nil {
		t.Fatal(err)
	}
	got, err := m.GetApp(context.Background(), memoryApp().SID)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got.Policy.Allow, "/appended/by/caller")
	if want := memoryApp().Policy.Deny; !slices.Equal(got.Policy.Deny, want) {
		t.Errorf("appending to Allow changed Deny to %q, want %q", got.Policy.Deny, want)
	}
}

// TestMemoryLazyAndFullPurgeNeverDropALaterRevocation races revocations
// against lazy and full purges; with -race it also checks that the
// revoked set is free of data races. The window in which a careless purge
// would drop a raised entry is a few instructions wide, so this catches
// gross mistakes only.
func TestMemoryLazyAndFullPurgeNeverDropALaterRevocation(t *testing.T) {
	ctx := context.Background()
	now := t0.Add(time.Minute)
	for round := range 50 {
		m := store.NewMemory()
		id := "jti-1"
		if err := m.RevokeToken(ctx, id, t0); err != nil { // expired at now
			t.Fatal(err)
		}
		var raised atomic.Bool
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() { // drop the expired entry, lazily or by purging
				defer wg.Done()
				for !raised.Load() {
					if i == 0 {
						_, _ = m.PurgeRevokedTokens(ctx, now)
					} else {
						_, _ = m.IsTokenRevoked(ctx, id, now)
					}
				}
			}()
		}
		for range 100 { // revoke again and again past now, racing the drops
			if err := m.RevokeToken(ctx, id, t0); err != nil {
				t.Fatal(err)
			}
			if err := m.RevokeToken(ctx, id, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if revoked, _ := m.IsTokenRevoked(ctx, id, now); !revoked {
				raised.Store(true)
				wg.Wait()
				t.Fatalf("round %d: a revocation past now was dropped as expired", round)
			}
			// Expire it again for the next race: only a purge at a later
			// time may remove the raised entry.
			if _, err := m.PurgeRevokedTokens(ctx, now.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		raised.Store(true)
		wg.Wait()
	}
}
