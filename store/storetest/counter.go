package storetest

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// Capable is a store with every optional capability package store
// defines, as store.Memory and the PostgreSQL store have.
type Capable interface {
	store.Store
	store.Watcher
	store.RevocationLister
	store.SigningKeys
}

// ReadCounter wraps a store for tests of a cache in front of it: it counts
// the reads a service makes to authorize a token or issue one (GetApp,
// IsTokenRevoked and LiveRevocations) and passes every call of Capable,
// notifications included, to the store it wraps. A test takes Reads before
// and after the requests a warm cache should serve, and expects the same
// number. It is safe for concurrent use.
type ReadCounter struct {
	Capable
	reads atomic.Int64
}

// NewReadCounter returns a ReadCounter on s, at zero reads.
func NewReadCounter(s Capable) *ReadCounter { return &ReadCounter{Capable: s} }

// Reads returns how many counted reads have reached the wrapped store.
func (c *ReadCounter) Reads() int64 { return c.reads.Load() }

// GetApp counts a read and passes it on.
func (c *ReadCounter) GetApp(ctx context.Context, sid string) (store.App, error) {
	c.reads.Add(1)
	return c.Capable.GetApp(ctx, sid)
}

// IsTokenRevoked counts a read and passes it on.
func (c *ReadCounter) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	c.reads.Add(1)
	return c.Capable.IsTokenRevoked(ctx, tokenID, now)
}

// LiveRevocations counts a read and passes it on.
func (c *ReadCounter) LiveRevocations(ctx context.Context, now time.Time) ([]store.Revocation, error) {
	c.reads.Add(1)
	return c.Capable.LiveRevocations(ctx, now)
}
