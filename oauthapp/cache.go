package oauthapp

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// appCache holds compiled apps and revocation answers.
//
// With maxStale == 0 (the default) nothing is served without a store read:
// the compiled form of an app is only reused when the store returns the
// same version, and revocation answers are not kept at all.
//
// With maxStale > 0 an entry read at time t is served until t+maxStale,
// and so is the store's answer that an app does not exist (missing): an
// unknown client id then costs what a known one does, a map lookup, and
// its answer time does not tell whether the id exists. Creating an app
// evicts its SID like any other change (here, and by notification on the
// other instances), so a cached "missing" never hides a new app.
// Evictions (by this service's own writes, or by store notifications) bump
// a generation counter; a store read that started before an eviction does
// not put its possibly stale answer into the cache, so an eviction is never
// undone by a read that raced it.
type appCache struct {
	maxStale time.Duration
	size     int

	gen atomic.Uint64

	mu      sync.RWMutex
	apps    map[string]*liveApp
	missing map[string]int64 // SID -> when the store said it has no such app, Unix ns
	revoked map[string]revokedEntry
}

type revokedEntry struct {
	revoked bool
	readAt  int64
}

func newAppCache(maxStale time.Duration, size int) *appCache {
	return &appCache{
		maxStale: maxStale,
		size:     size,
		apps:     make(map[string]*liveApp),
		missing:  make(map[string]int64),
		revoked:  make(map[string]revokedEntry),
	}
}

func (c *appCache) generation() uint64 { return c.gen.Load() }

// isFresh reports whether an entry read at readAt may be served at now. An
// entry read "in the future" (the wall clock stepped back since) is stale:
// otherwise it would outlive maxStale by the size of the step.
func (c *appCache) isFresh(readAt int64, now time.Time) bool {
	age := now.UnixNano() - readAt
	return c.maxStale > 0 && age >= 0 && age < int64(c.maxStale)
}

// fresh returns the cached app if it may be served without a store read,
// or reports that the store's answer that there is no such app may be.
func (c *appCache) fresh(sid string, now time.Time) (a *liveApp, missing bool) {
	if c.maxStale == 0 {
		return nil, false
	}
	c.mu.RLock()
	a = c.apps[sid]
	var missingAt int64
	if a == nil {
		missingAt, missing = c.missing[sid]
	}
	c.mu.RUnlock()
	if a != nil {
		if c.isFresh(a.readAt.Load(), now) {
			return a, false
		}
		return nil, false
	}
	return nil, missing && c.isFresh(missingAt, now)
}

// same returns the cached compiled app if it is the one the store returned.
func (c *appCache) same(rec store.App) *liveApp {
	c.mu.RLock()
	a := c.apps[rec.SID]
	c.mu.RUnlock()
	if a != nil && a.version == rec.Version && a.createdAt.Equal(rec.CreatedAt) {
		return a
	}
	return nil
}

// put stores a compiled app read at now, unless an eviction happened since
// the read began (gen is the generation taken before the read).
func (c *appCache) put(a *liveApp, now time.Time, gen uint64) {
	// The common case, the same compiled app read again, needs only the
	// read lock: every request of every client takes this path when the
	// cache is off, and a write lock here would serialise them all.
	c.mu.RLock()
	if c.apps[a.sid] == a {
		if c.gen.Load() == gen {
			a.readAt.Store(now.UnixNano())
		}
		c.mu.RUnlock()
		return
	}
	c.mu.RUnlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	a.readAt.Store(now.UnixNano())
	if _, ok := c.apps[a.sid]; !ok && len(c.apps) >= c.size {
		dropSome(c.apps)
	}
	c.apps[a.sid] = a
}

func (c *appCache) revokedFresh(jti string, now time.Time) (revoked, ok bool) {
	if c.maxStale == 0 {
		return false, false
	}
	c.mu.RLock()
	e, found := c.revoked[jti]
	c.mu.RUnlock()
	if found && c.isFresh(e.readAt, now) {
		return e.revoked, true
	}
	return false, false
}

func (c *appCache) putRevoked(jti string, revoked bool, now time.Time, gen uint64) {
	if c.maxStale == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if _, ok := c.revoked[jti]; !ok {
		if len(c.revoked) >= c.size {
			dropSome(c.revoked)
		}
		// A validated token's jti is a slice of its whole claims text;
		// a copy keeps 22 bytes alive instead of hundreds.
		jti = strings.Clone(jti)
	}
	c.revoked[jti] = revokedEntry{revoked: revoked, readAt: now.UnixNano()}
}

// evict forgets an app, so the next lookup reads the store. It also bumps
// the generation, so that a read of the app already under way, which may
// have seen it before the change, does not put it back.
func (c *appCache) evict(sid string) {
	c.mu.Lock()
	c.gen.Add(1)
	delete(c.apps, sid)
	delete(c.missing, sid)
	c.mu.Unlock()
}

// forget drops the cached app, if there is one, after a store read that
// began at generation gen said it does not exist at now, and keeps that
// answer when the cache has a bound and nothing was evicted since the
// read began (an app created meanwhile must not be hidden). Unlike evict
// it bumps the generation only when it drops an app: the requests that
// find no app are anyone's to send (any made-up client id), and bumping
// for each would throw away every cache fill under way. The deletion
// itself evicted the app where it was made, and by notification
// elsewhere.
func (c *appCache) forget(sid string, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	unchanged := c.gen.Load() == gen
	if _, ok := c.apps[sid]; ok {
		c.gen.Add(1)
		delete(c.apps, sid)
	}
	if c.maxStale == 0 || !unchanged {
		return
	}
	if _, ok := c.missing[sid]; !ok {
		if len(c.missing) >= c.size {
			dropSome(c.missing)
		}
		// The id may be a slice of a request's body; keep only its bytes.
		sid = strings.Clone(sid)
	}
	c.missing[sid] = now.UnixNano()
}

// evictToken forgets a revocation answer.
func (c *appCache) evictToken(jti string) {
	c.mu.Lock()
	c.gen.Add(1)
	delete(c.revoked, jti)
	c.mu.Unlock()
}

// evictAll forgets everything.
func (c *appCache) evictAll() {
	c.mu.Lock()
	c.gen.Add(1)
	clear(c.apps)
	clear(c.missing)
	clear(c.revoked)
	c.mu.Unlock()
}

// onChange is the store.Watcher subscriber.
func (c *appCache) onChange(ch store.Change) {
	switch ch.Kind {
	case store.AppChanged:
		c.evict(ch.AppSID)
	case store.TokenRevoked:
		c.evictToken(ch.TokenID)
	case store.SigningKeyChanged:
		// Keys live in the token.KeySet, which package keyring keeps.
	default:
		c.evictAll()
	}
}

// dropSome removes about a tenth of a full map's entries (map iteration
// order is random), so a full cache sheds entries in O(1) amortised time.
func dropSome[V any](m map[string]V) {
	n := len(m)/10 + 1
	for k := range m {
		if n == 0 {
			return
		}
		delete(m, k)
		n--
	}
}
