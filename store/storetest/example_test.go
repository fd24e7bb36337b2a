package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// countingStore is a tiny adapter: it wraps another store.Store and counts
// the calls that reach it, as a metrics or logging adapter would. Each
// method forwards explicitly, so the compiler says so if the interface
// grows. A wrapper hides the optional interfaces of what it wraps, such as
// store.Watcher; forward them too if your callers use them.
type countingStore struct {
	next          store.Store
	reads, writes atomic.Int64
}

func newCountingStore(next store.Store) *countingStore {
	return &countingStore{next: next}
}

func (s *countingStore) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	s.writes.Add(1)
	return s.next.CreateApp(ctx, app)
}

func (s *countingStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	s.reads.Add(1)
	return s.next.GetApp(ctx, sid)
}

func (s *countingStore) ListApps(ctx context.Context, accountSID, after string, limit int) ([]store.App, error) {
	s.reads.Add(1)
	return s.next.ListApps(ctx, accountSID, after, limit)
}

func (s *countingStore) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	s.writes.Add(1)
	return s.next.UpdateApp(ctx, app)
}

func (s *countingStore) DeleteApp(ctx context.Context, sid string) error {
	s.writes.Add(1)
	return s.next.DeleteApp(ctx, sid)
}

func (s *countingStore) DeleteAppVersion(ctx context.Context, sid string, version int64) error {
	s.writes.Add(1)
	return s.next.DeleteAppVersion(ctx, sid, version)
}

func (s *countingStore) TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error {
	s.writes.Add(1)
	return s.next.TouchSecret(ctx, appSID, secretID, at)
}

func (s *countingStore) TouchClientKey(ctx context.Context, appSID, keyID string, at time.Time) error {
	s.writes.Add(1)
	return s.next.TouchClientKey(ctx, appSID, keyID, at)
}

func (s *countingStore) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	s.writes.Add(1)
	return s.next.RevokeToken(ctx, tokenID, expires)
}

func (s *countingStore) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	s.reads.Add(1)
	return s.next.IsTokenRevoked(ctx, tokenID, now)
}

func (s *countingStore) PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error) {
	s.writes.Add(1)
	return s.next.PurgeRevokedTokens(ctx, now)
}

func (s *countingStore) ClaimIdempotencyKey(ctx context.Context, rec store.IdempotencyKey, now time.Time) (store.IdempotencyKey, error) {
	s.writes.Add(1)
	return s.next.ClaimIdempotencyKey(ctx, rec, now)
}

func (s *countingStore) AnswerIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	s.writes.Add(1)
	return s.next.AnswerIdempotencyKey(ctx, rec)
}

func (s *countingStore) ReleaseIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	s.writes.Add(1)
	return s.next.ReleaseIdempotencyKey(ctx, rec)
}

func (s *countingStore) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	s.writes.Add(1)
	return s.next.PurgeIdempotencyKeys(ctx, now)
}

func (s *countingStore) UseAssertionID(ctx context.Context, clientID, jti string, expires, now time.Time) error {
	s.writes.Add(1)
	return s.next.UseAssertionID(ctx, clientID, jti, expires, now)
}

func (s *countingStore) PurgeAssertionIDs(ctx context.Context, now time.Time) (int, error) {
	s.writes.Add(1)
	return s.next.PurgeAssertionIDs(ctx, now)
}

// A store adapter, here one that counts calls, proves it keeps the
// contract of package store by running the conformance suite from a test
// of its own. This package's TestCountingStore is exactly that test:
//
//	func TestCountingStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			return newCountingStore(store.NewMemory())
//		})
//	}
//
// Below, the adapter in use: a stale update is refused with ErrConflict.
func ExampleRun() {
	ctx := context.Background()
	s := newCountingStore(store.NewMemory())

	app, err := s.CreateApp(ctx, store.App{
		SID:        "OQ0123456789abcdef0123456789abcdef",
		AccountSID: "AC0123456789abcdef0123456789abcdef",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	app.FriendlyName = "billing sync"
	if _, err := s.UpdateApp(ctx, app); err != nil {
		fmt.Println(err)
		return
	}
	_, err = s.UpdateApp(ctx, app) // app still carries version 1
	fmt.Println("stale update refused:", errors.Is(err, store.ErrConflict))

	got, _ := s.GetApp(ctx, app.SID)
	fmt.Printf("%s at version %d\n", got.FriendlyName, got.Version)
	fmt.Printf("%d reads, %d writes\n", s.reads.Load(), s.writes.Load())
	// Output:
	// stale update refused: true
	// billing sync at version 2
	// 1 reads, 3 writes
}
