package oauthapp

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// revocationSet holds every live revocation in memory. A Service keeps one
// when its cache is on (WithCache) and its store can list the live
// revocations (store.RevocationLister): a warm service then answers "is
// this token revoked?" without reading the store, for new tokens as for
// old.
//
// The set is loaded from the store on first use and loaded again once it
// is maxStale old, so a revocation that no notification reported takes
// effect within maxStale, the bound the rest of the cache keeps.
// Notifications (store.Watcher) add revocations made elsewhere as they
// happen; a Resync makes the next check load the set again. An entry stops
// counting when its token would have expired, and is dropped at the next
// load.
type revocationSet struct {
	lister   store.RevocationLister
	maxStale time.Duration

	// loading serialises loads, so that the requests that find the set
	// stale wait for one load instead of each making their own.
	loading sync.Mutex

	mu sync.RWMutex
	// ids maps a revoked token id to its expiry, in unix nanoseconds.
	ids map[string]int64
	// loadedAt is the clock reading, in unix nanoseconds, when the last
	// load began; loaded is false before the first load and after a
	// Resync.
	loadedAt int64
	loaded   bool
	// resyncs counts Resyncs, so that a load that one raced does not
	// mark the set loaded.
	resyncs uint64
	// pending collects the revocations heard of while a load runs, which
	// its list may have missed; nil when no load runs.
	pending map[string]int64
}

// newRevocationSet returns the set for a service on st with the cache
// bound maxStale, or nil when there is no cache or st cannot list its
// revocations. call is the StoreCall hook (Observer), or nil.
func newRevocationSet(st store.Store, maxStale time.Duration, call func(context.Context, string) func(error)) *revocationSet {
	lister, ok := st.(store.RevocationLister)
	if !ok || maxStale <= 0 {
		return nil
	}
	if call != nil {
		lister = observedLister{lister, call}
	}
	return &revocationSet{lister: lister, maxStale: maxStale, ids: make(map[string]int64)}
}

// lookup reports whether jti is revoked at now; ok is false when the set
// is not fresh enough to answer.
func (r *revocationSet) lookup(jti string, now time.Time) (revoked, ok bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.freshLocked(now) {
		return false, false
	}
	exp, found := r.ids[jti]
	return found && exp > now.UnixNano(), true
}

// freshLocked reports whether the set may answer at now. A set loaded "in
// the future" (the clock stepped back since) is stale. r.mu is held.
func (r *revocationSet) freshLocked(now time.Time) bool {
	age := now.UnixNano() - r.loadedAt
	return r.loaded && age >= 0 && age < int64(r.maxStale)
}

// load reads the live revocations from the store unless the set is fresh
// at now (another request may just have loaded it).
func (r *revocationSet) load(ctx context.Context, now time.Time) error {
	r.loading.Lock()
	defer r.loading.Unlock()
	r.mu.Lock()
	if r.freshLocked(now) {
		r.mu.Unlock()
		return nil
	}
	resyncs := r.resyncs
	r.pending = make(map[string]int64)
	r.mu.Unlock()

	list, err := r.lister.LiveRevocations(ctx, now)

	r.mu.Lock()
	defer r.mu.Unlock()
	pending := r.pending
	r.pending = nil
	if err != nil {
		return err
	}
	ids := make(map[string]int64, len(list)+len(pending))
	for _, rev := range list {
		keepLater(ids, rev.TokenID, rev.Expires.UnixNano())
	}
	for id, exp := range pending {
		keepLater(ids, id, exp)
	}
	r.ids = ids
	r.loadedAt = now.UnixNano()
	r.loaded = r.resyncs == resyncs
	return nil
}

// add records a revocation until expires.
func (r *revocationSet) add(jti string, expires time.Time) {
	// A validated token's jti is a slice of its whole claims text; a
	// copy keeps 22 bytes alive instead of hundreds.
	jti = strings.Clone(jti)
	exp := expires.UnixNano()
	r.mu.Lock()
	keepLater(r.ids, jti, exp)
	if r.pending != nil {
		keepLater(r.pending, jti, exp)
	}
	r.mu.Unlock()
}

// onChange follows the store's notifications. A revocation notice carries
// no expiry: the entry counts until the longest a token can live from now,
// and the next load puts the stored expiry in its place.
func (r *revocationSet) onChange(ch store.Change, now time.Time) {
	switch ch.Kind {
	case store.AppChanged:
	case store.TokenRevoked:
		r.add(ch.TokenID, now.Add(MaxTokenTTL+token.DefaultLeeway))
	default:
		r.mu.Lock()
		r.resyncs++
		r.loaded = false
		r.mu.Unlock()
	}
}

func keepLater(m map[string]int64, id string, exp int64) {
	if old, ok := m[id]; !ok || exp > old {
		m[id] = exp
	}
}
