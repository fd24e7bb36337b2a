package store_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// An update carries the version it read; when another writer got there
// first the store answers ErrConflict and the caller reads again.
func ExampleMemory_UpdateApp() {
	ctx := context.Background()
	s := store.NewMemory()
	app, _ := s.CreateApp(ctx, store.App{
		SID:        "OQ0123456789abcdef0123456789abcdef",
		AccountSID: "AC0123456789abcdef0123456789abcdef",
	})

	mine, theirs := app, app
	theirs.Description = "changed by someone else"
	if _, err := s.UpdateApp(ctx, theirs); err != nil {
		fmt.Println(err)
		return
	}

	mine.FriendlyName = "billing sync"
	_, err := s.UpdateApp(ctx, mine)
	switch {
	case errors.Is(err, store.ErrConflict):
		fresh, _ := s.GetApp(ctx, mine.SID)
		fresh.FriendlyName = "billing sync"
		updated, err := s.UpdateApp(ctx, fresh)
		fmt.Println(updated.FriendlyName, "/", updated.Description, "/ version", updated.Version, err)
	case errors.Is(err, store.ErrNotFound):
		fmt.Println("the app was deleted")
	case err != nil:
		fmt.Println(err)
	}
	// Output:
	// billing sync / changed by someone else / version 3 <nil>
}

// ListApps pages by SID: pass the last SID of a page to get the next; a
// short page is the last.
func ExampleMemory_ListApps() {
	ctx := context.Background()
	s := store.NewMemory()
	account := "AC0123456789abcdef0123456789abcdef"
	for i := range 5 {
		_, _ = s.CreateApp(ctx, store.App{SID: fmt.Sprintf("OQ%032x", i), AccountSID: account})
	}

	after := ""
	for {
		page, err := s.ListApps(ctx, account, after, 2)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("page of", len(page))
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].SID
	}
	// Output:
	// page of 2
	// page of 2
	// page of 1
}

// A revoked token id stays in the set until the token would have expired;
// PurgeRevokedTokens then drops it.
func ExampleMemory_RevokeToken() {
	ctx := context.Background()
	s := store.NewMemory()
	now := time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)

	_ = s.RevokeToken(ctx, "jti-1", now.Add(time.Hour))
	revoked, _ := s.IsTokenRevoked(ctx, "jti-1", now)
	fmt.Println("revoked now:", revoked)

	purged, _ := s.PurgeRevokedTokens(ctx, now.Add(time.Hour))
	fmt.Println("purged an hour later:", purged)
	// Output:
	// revoked now: true
	// purged an hour later: 1
}

// A cache in front of the store subscribes with Watch and drops what a
// change makes stale: a creation, an update and a deletion each change an
// app.
func ExampleMemory_Watch() {
	ctx := context.Background()
	s := store.NewMemory()
	var w store.Watcher = s // found with a type assertion on a store.Store
	stop := w.Watch(func(c store.Change) {
		switch c.Kind {
		case store.AppChanged:
			fmt.Println("app changed:", c.AppSID)
		case store.TokenRevoked:
			fmt.Println("token revoked:", c.TokenID)
		}
	})
	defer stop()

	app, _ := s.CreateApp(ctx, store.App{
		SID:        "OQ0123456789abcdef0123456789abcdef",
		AccountSID: "AC0123456789abcdef0123456789abcdef",
	})
	_, _ = s.UpdateApp(ctx, app)
	_ = s.RevokeToken(ctx, "jti-1", time.Date(2025, time.March, 1, 13, 0, 0, 0, time.UTC))
	_ = s.DeleteApp(ctx, app.SID)
	// Output:
	// app changed: OQ0123456789abcdef0123456789abcdef
	// app changed: OQ0123456789abcdef0123456789abcdef
	// token revoked: jti-1
	// app changed: OQ0123456789abcdef0123456789abcdef
}

// A store that lists its live revocations lets a cache hold the whole
// revoked set: a caller finds the capability with a type assertion. An
// entry whose token has expired by now is not listed.
func ExampleRevocationLister() {
	ctx := context.Background()
	now := time.Date(2025, time.March, 1, 12, 0, 0, 0, time.UTC)
	var s store.Store = store.NewMemory()
	_ = s.RevokeToken(ctx, "jti-live", now.Add(time.Hour))
	_ = s.RevokeToken(ctx, "jti-expired", now.Add(-time.Minute))

	lister, ok := s.(store.RevocationLister)
	if !ok {
		fmt.Println("no list: check revocations one token at a time")
		return
	}
	live, err := lister.LiveRevocations(ctx, now)
	for _, r := range live {
		fmt.Println(r.TokenID, "until", r.Expires.Format(time.Kitchen), err)
	}
	// Output:
	// jti-live until 1:00PM <nil>
}
