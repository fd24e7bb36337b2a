package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Memory is the in-memory Store, used by oauthapptest and the examples, for
// tests and single-process services. It is safe for concurrent use, starts
// no goroutines, and keeps everything in the process: a restart loses every
// app and every revocation. It also implements Watcher.
//
// Stored records are never changed in place: a write publishes a new
// record in place of the old one. GetApp takes no lock at all: it loads the
// record from a concurrent map and copies it, so it never waits for a
// writer. Writers take a mutex among themselves, which also guards the
// per-account index that ListApps reads under a read lock. The
// revoked-token set is a concurrent map of its own: token checks take no
// lock, and never wait for a revocation, a purge or an app write.
//
// The zero Memory is not usable; call NewMemory.
type Memory struct {
	// mu serialises the writers of apps and guards accounts.
	mu sync.RWMutex
	// apps maps an app SID to its *App, never mutated once published
	// here. Readers load from it without mu.
	apps sync.Map
	// accounts maps an account SID to that account's records ordered by
	// SID: the keyset index ListApps pages through, a B-tree so that
	// every write and page costs O(log n) whatever the account's size.
	accounts map[string]*appIndex

	// revoked maps a token id to the time.Time it is revoked until.
	revoked sync.Map

	// keys holds the signing keys (memory_keys.go).
	keys memoryKeys
	// assertions holds the used client assertion ids
	// (memory_assertions.go).
	assertions memoryAssertions
	// idem holds the idempotency keys (memory_idempotency.go).
	idem memoryIdempotency

	watchers watchers
}

// maxListLimit is the largest page ListApps accepts.
const maxListLimit = 1000

var (
	_ Store        = (*Memory)(nil)
	_ Watcher      = (*Memory)(nil)
	_ AssertionIDs = (*Memory)(nil)
)

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory {
	return &Memory{
		accounts: make(map[string]*appIndex),
	}
}

// CreateApp stores a copy of app with Version 1 and returns a copy of it.
func (m *Memory) CreateApp(ctx context.Context, app App) (App, error) {
	if err := ctx.Err(); err != nil {
		return App{}, err
	}
	if app.SID == "" || app.AccountSID == "" {
		return App{}, fmt.Errorf("%w: app SID and account SID are required", ErrInvalid)
	}
	stored := cloneApp(app)
	stored.Version = 1

	m.mu.Lock()
	if m.load(app.SID) != nil {
		m.mu.Unlock()
		return App{}, fmt.Errorf("%w: app %s", ErrAlreadyExists, app.SID)
	}
	m.apps.Store(stored.SID, &stored)
	idx := m.accounts[stored.AccountSID]
	if idx == nil {
		idx = &appIndex{}
		m.accounts[stored.AccountSID] = idx
	}
	idx.insert(&stored)
	m.mu.Unlock()

	m.watchers.notify(Change{Kind: AppChanged, AppSID: stored.SID})
	return cloneApp(stored), nil
}

// GetApp returns a copy of the app with that SID. An empty SID is
// ErrInvalid.
func (m *Memory) GetApp(ctx context.Context, sid string) (App, error) {
	if err := ctx.Err(); err != nil {
		return App{}, err
	}
	if sid == "" {
		return App{}, fmt.Errorf("%w: empty app SID", ErrInvalid)
	}
	p := m.load(sid)
	if p == nil {
		return App{}, fmt.Errorf("%w: app %s", ErrNotFound, sid)
	}
	// *p is never mutated once published, so it is copied without the lock.
	return cloneApp(*p), nil
}

// ListApps returns copies of up to limit apps of the account whose SID
// sorts after the given one. It descends the account's ordered index to
// where the page starts and reads only the apps it returns. An account with no apps, the empty
// account SID included, has an empty list.
func (m *Memory) ListApps(ctx context.Context, accountSID, after string, limit int) ([]App, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit < 1 || limit > maxListLimit {
		return nil, fmt.Errorf("%w: limit %d is not between 1 and %d", ErrInvalid, limit, maxListLimit)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	idx := m.accounts[accountSID]
	if idx == nil {
		return []App{}, nil
	}
	out := make([]App, 0, min(limit, idx.len()))
	idx.after(after, func(p *App) bool {
		out = append(out, cloneApp(*p))
		return len(out) < limit
	})
	return out, nil
}

// UpdateApp replaces the stored app if its version matches and returns a
// copy of the new record; a secret's LastUsed never moves back (see
// Apps.UpdateApp). An empty SID is ErrInvalid. Subscribers of Watch hear
// of it after the store's lock is released.
func (m *Memory) UpdateApp(ctx context.Context, app App) (App, error) {
	if err := ctx.Err(); err != nil {
		return App{}, err
	}
	if app.SID == "" {
		return App{}, fmt.Errorf("%w: empty app SID", ErrInvalid)
	}
	next := cloneApp(app)

	m.mu.Lock()
	old := m.load(app.SID)
	if old == nil {
		m.mu.Unlock()
		return App{}, fmt.Errorf("%w: app %s", ErrNotFound, app.SID)
	}
	if old.Version != app.Version {
		m.mu.Unlock()
		return App{}, fmt.Errorf("%w: app %s has version %d, not %d", ErrConflict, app.SID, old.Version, app.Version)
	}
	next.AccountSID = old.AccountSID
	next.CreatedAt = old.CreatedAt
	next.CreatedBy = old.CreatedBy
	next.Secrets.Current.LastUsed = lastUsedKept(next.Secrets.Current, old.Secrets)
	next.Secrets.Previous.LastUsed = lastUsedKept(next.Secrets.Previous, old.Secrets)
	keepKeysLastUsed(next.Keys, old.Keys)
	next.Version = old.Version + 1
	m.replace(old, &next)
	m.mu.Unlock()

	m.watchers.notify(Change{Kind: AppChanged, AppSID: app.SID})
	return cloneApp(next), nil
}

// DeleteApp removes the app. An empty SID is ErrInvalid. Subscribers of Watch hear of it after the
// store's lock is released.
func (m *Memory) DeleteApp(ctx context.Context, sid string) error {
	return m.deleteApp(ctx, sid, 0)
}

// DeleteAppVersion removes the app if its Version is version, under the
// same lock that orders every write, or returns ErrConflict.
func (m *Memory) DeleteAppVersion(ctx context.Context, sid string, version int64) error {
	if version < 1 {
		return fmt.Errorf("%w: version %d", ErrInvalid, version)
	}
	return m.deleteApp(ctx, sid, version)
}

// deleteApp removes the app if version is 0 or its version.
func (m *Memory) deleteApp(ctx context.Context, sid string, version int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if sid == "" {
		return fmt.Errorf("%w: empty app SID", ErrInvalid)
	}
	m.mu.Lock()
	old := m.load(sid)
	if old == nil {
		m.mu.Unlock()
		return fmt.Errorf("%w: app %s", ErrNotFound, sid)
	}
	if version != 0 && old.Version != version {
		m.mu.Unlock()
		return fmt.Errorf("%w: app %s has version %d, not %d", ErrConflict, sid, old.Version, version)
	}
	m.apps.Delete(sid)
	if idx := m.accounts[old.AccountSID]; idx != nil {
		idx.remove(sid)
		if idx.len() == 0 {
			delete(m.accounts, old.AccountSID)
		}
	}
	m.mu.Unlock()

	m.watchers.notify(Change{Kind: AppChanged, AppSID: sid})
	return nil
}

// TouchSecret moves the LastUsed of the app's secret with that id forward
// to at. It does nothing, without error, when the app or the secret id is
// missing, when secretID is empty (an empty slot has no secret), or when at
// is not after the recorded LastUsed. Subscribers are not told: LastUsed
// does not make a cached app stale for authentication.
func (m *Memory) TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error {
	return m.touch(ctx, appSID, secretID, func(old *App) (next App, moved bool) {
		next = *old
		switch {
		case old.Secrets.Current.ID == secretID && at.After(old.Secrets.Current.LastUsed):
			next.Secrets.Current.LastUsed = at
		case old.Secrets.Previous.ID == secretID && at.After(old.Secrets.Previous.LastUsed):
			next.Secrets.Previous.LastUsed = at
		default:
			return App{}, false
		}
		// next shares old's Policy slices; neither is ever mutated, so
		// that is safe and saves copying them.
		return next, true
	})
}

// touch is what TouchSecret and TouchClientKey share: under the lock, it
// stores the copy of the app appSID that move returns, with one LastUsed
// moved forward, unless move says there is nothing to move. It does
// nothing, without error, when appSID or the secret or key id is empty or
// the app is missing.
func (m *Memory) touch(ctx context.Context, appSID, id string, move func(old *App) (next App, moved bool)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if appSID == "" || id == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := m.load(appSID)
	if old == nil {
		return nil
	}
	if next, moved := move(old); moved {
		m.replace(old, &next)
	}
	return nil
}

// RevokeToken adds the token id to the revoked set until expires, keeping
// the later expiry if the id is already there. An empty id is ErrInvalid.
// Subscribers of Watch hear of it once the set holds the id.
func (m *Memory) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if tokenID == "" {
		return fmt.Errorf("%w: empty token id", ErrInvalid)
	}
	// The id may be a slice of a larger string, such as a token's claims
	// text; the set keeps a copy so that it holds on to the id alone.
	tokenID = strings.Clone(tokenID)
	for {
		old, loaded := m.revoked.LoadOrStore(tokenID, expires)
		if !loaded || !expires.After(old.(time.Time)) || m.revoked.CompareAndSwap(tokenID, old, expires) {
			break
		}
		// Another revocation or a purge changed the entry; look again.
	}
	m.watchers.notify(Change{Kind: TokenRevoked, TokenID: tokenID})
	return nil
}

// IsTokenRevoked reports whether the id is revoked with an expiry after
// now. An entry found expired is removed on the way (the lazy purge).
func (m *Memory) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	v, ok := m.revoked.Load(tokenID)
	if !ok {
		return false, nil
	}
	if v.(time.Time).After(now) {
		return true, nil
	}
	// Removed only if no revocation has raised the expiry since.
	m.revoked.CompareAndDelete(tokenID, v)
	return false, nil
}

// PurgeRevokedTokens removes the entries whose expiry is at or before now.
// It scans the whole set without blocking token checks or revocations; the
// lazy purge in IsTokenRevoked keeps the set small between calls.
func (m *Memory) PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	m.revoked.Range(func(id, v any) bool {
		if !v.(time.Time).After(now) && m.revoked.CompareAndDelete(id, v) {
			n++
		}
		return true
	})
	return n, nil
}

// Watch calls fn synchronously on the writer's goroutine after every
// successful CreateApp, UpdateApp and DeleteApp (AppChanged) and
// RevokeToken (TokenRevoked), once the store's lock is released, so fn may
// read the store. Touching a secret is not notified. fn must
// be safe for concurrent calls, since writers call it in parallel, and it
// should be quick: the write that triggered it returns only when fn does.
//
// After stop returns, no write that starts later calls fn; a write already
// under way may still call it once. stop may be called more than once. A
// nil fn subscribes nothing.
func (m *Memory) Watch(fn func(Change)) (stop func()) {
	if fn == nil {
		return func() {}
	}
	return m.watchers.add(fn)
}

// replace swaps the published record old for next in the map and in the
// account index. The caller holds m.mu for writing; next.SID and
// next.AccountSID equal old's.
func (m *Memory) replace(old, next *App) {
	m.apps.Store(next.SID, next)
	if idx := m.accounts[old.AccountSID]; idx != nil {
		idx.replace(next)
	}
}

// lastUsedKept is the LastUsed an update stores for slot s: its own, or
// that of the stored slot with the same id when that is later, so that an
// update made from a read before a TouchSecret does not undo it.
func lastUsedKept(s Secret, stored Secrets) time.Time {
	t := s.LastUsed
	if s.ID == "" {
		return t
	}
	for _, o := range [...]Secret{stored.Current, stored.Previous} {
		if o.ID == s.ID && o.LastUsed.After(t) {
			t = o.LastUsed
		}
	}
	return t
}

// load returns the published record of the app, or nil.
func (m *Memory) load(sid string) *App {
	p, _ := m.apps.Load(sid)
	app, _ := p.(*App)
	return app
}

// cloneApp returns a copy of a that shares no slice with it. Strings are
// immutable and are shared. Allow and Deny get one backing array between
// them, capped so that appending to one never writes into the other.
func cloneApp(a App) App {
	if a.DefaultGrace != nil {
		g := *a.DefaultGrace
		a.DefaultGrace = &g
	}
	a.Keys, a.Resources = slices.Clone(a.Keys), slices.Clone(a.Resources)
	a.FederatedCredentials = slices.Clone(a.FederatedCredentials)
	allow, deny := a.Policy.Allow, a.Policy.Deny
	if allow == nil && deny == nil {
		return a
	}
	buf := make([]string, len(allow)+len(deny))
	n := copy(buf, allow)
	copy(buf[n:], deny)
	if allow != nil {
		a.Policy.Allow = buf[:n:n]
	}
	if deny != nil {
		a.Policy.Deny = buf[n:]
	}
	return a
}
