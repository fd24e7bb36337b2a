package customstore

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// MapStore keeps apps, revoked token ids, used assertion ids and
// idempotency keys in maps behind one mutex.
// The zero value is not usable; call New.
type MapStore struct {
	mu         sync.Mutex
	apps       map[string]store.App
	revoked    map[string]time.Time               // token id -> expiry
	assertions map[[2]string]time.Time            // client id and assertion id -> expiry
	idem       map[[2]string]store.IdempotencyKey // account and key -> record
}

// New returns an empty MapStore.
func New() *MapStore {
	return &MapStore{apps: map[string]store.App{}, revoked: map[string]time.Time{}, assertions: map[[2]string]time.Time{}, idem: map[[2]string]store.IdempotencyKey{}}
}

var _ store.Store = (*MapStore)(nil)

// clone copies the slices and the default grace of an app, so that
// neither the caller nor the store sees the other's later changes.
func clone(a store.App) store.App {
	a.Policy.Allow = slices.Clone(a.Policy.Allow)
	a.Policy.Deny = slices.Clone(a.Policy.Deny)
	if a.DefaultGrace != nil {
		g := *a.DefaultGrace
		a.DefaultGrace = &g
	}
	a.Keys = slices.Clone(a.Keys)
	a.Resources = slices.Clone(a.Resources)
	a.FederatedCredentials = slices.Clone(a.FederatedCredentials)
	return a
}

// CreateApp implements store.Apps.
func (s *MapStore) CreateApp(_ context.Context, app store.App) (store.App, error) {
	if app.SID == "" || app.AccountSID == "" {
		return store.App{}, store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[app.SID]; ok {
		return store.App{}, store.ErrAlreadyExists
	}
	app = clone(app)
	app.Version = 1
	s.apps[app.SID] = app
	return clone(app), nil
}

// GetApp implements store.Apps.
func (s *MapStore) GetApp(_ context.Context, sid string) (store.App, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[sid]
	if !ok {
		return store.App{}, store.ErrNotFound
	}
	return clone(app), nil
}

// ListApps implements store.Apps. A real store would use an index on
// (account, sid); this one sorts on every call.
func (s *MapStore) ListApps(_ context.Context, accountSID, after string, limit int) ([]store.App, error) {
	if limit < 1 || limit > 1000 {
		return nil, store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var page []store.App
	for _, a := range s.apps {
		if a.AccountSID == accountSID && a.SID > after {
			page = append(page, clone(a))
		}
	}
	slices.SortFunc(page, func(a, b store.App) int { return compare(a.SID, b.SID) })
	if len(page) > limit {
		page = page[:limit]
	}
	return page, nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// UpdateApp implements store.Apps: compare-and-swap on Version, keeping
// the fields an update never changes.
func (s *MapStore) UpdateApp(_ context.Context, app store.App) (store.App, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.apps[app.SID]
	if !ok {
		return store.App{}, store.ErrNotFound
	}
	if old.Version != app.Version {
		return store.App{}, store.ErrConflict
	}
	app = clone(app)
	app.AccountSID, app.CreatedAt, app.CreatedBy = old.AccountSID, old.CreatedAt, old.CreatedBy
	// A slot that keeps its id keeps the later LastUsed: TouchSecret does
	// not change the version, so app may come from a read before a touch.
	for _, slot := range []*store.Secret{&app.Secrets.Current, &app.Secrets.Previous} {
		for _, was := range []store.Secret{old.Secrets.Current, old.Secrets.Previous} {
			if slot.ID != "" && slot.ID == was.ID && was.LastUsed.After(slot.LastUsed) {
				slot.LastUsed = was.LastUsed
			}
		}
	}
	for i := range app.Keys {
		for _, was := range old.Keys {
			if app.Keys[i].ID == was.ID && was.LastUsed.After(app.Keys[i].LastUsed) {
				app.Keys[i].LastUsed = was.LastUsed
			}
		}
	}
	app.Version = old.Version + 1
	s.apps[app.SID] = app
	return clone(app), nil
}

// DeleteApp implements store.Apps.
func (s *MapStore) DeleteApp(_ context.Context, sid string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[sid]; !ok {
		return store.ErrNotFound
	}
	delete(s.apps, sid)
	return nil
}

// DeleteAppVersion implements store.Apps: the version is compared under
// the same lock as the delete, so nothing can change in between (a
// database does it in one statement: DELETE ... WHERE sid = $1 AND
// version = $2).
func (s *MapStore) DeleteAppVersion(_ context.Context, sid string, version int64) error {
	if version < 1 {
		return store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[sid]
	switch {
	case !ok:
		return store.ErrNotFound
	case app.Version != version:
		return store.ErrConflict
	}
	delete(s.apps, sid)
	return nil
}

// TouchSecret implements store.Apps: LastUsed only moves forward, and the
// version stays.
func (s *MapStore) TouchSecret(_ context.Context, appSID, secretID string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[appSID]
	if !ok || secretID == "" {
		return nil
	}
	for _, slot := range []*store.Secret{&app.Secrets.Current, &app.Secrets.Previous} {
		if slot.ID == secretID && at.After(slot.LastUsed) {
			slot.LastUsed = at
		}
	}
	s.apps[appSID] = app
	return nil
}

// TouchClientKey implements store.Apps as TouchSecret does, for a client
// key.
func (s *MapStore) TouchClientKey(_ context.Context, appSID, keyID string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.apps[appSID]
	if !ok {
		return nil
	}
	for i := range app.Keys {
		if app.Keys[i].ID == keyID && at.After(app.Keys[i].LastUsed) {
			app.Keys[i].LastUsed = at // the stored copy, never handed out
		}
	}
	return nil
}

// UseAssertionID implements store.AssertionIDs.
func (s *MapStore) UseAssertionID(_ context.Context, clientID, jti string, expires, now time.Time) error {
	if clientID == "" || jti == "" {
		return store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{clientID, jti}
	if old, ok := s.assertions[k]; ok && old.After(now) {
		return store.ErrAlreadyExists
	}
	s.assertions[k] = expires
	return nil
}

// PurgeAssertionIDs implements store.AssertionIDs.
func (s *MapStore) PurgeAssertionIDs(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return purgeExpired(s.assertions, now), nil
}

// RevokeToken implements store.RevokedTokens.
func (s *MapStore) RevokeToken(_ context.Context, tokenID string, expires time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.revoked[tokenID]; !ok || expires.After(old) {
		s.revoked[tokenID] = expires
	}
	return nil
}

// IsTokenRevoked implements store.RevokedTokens.
func (s *MapStore) IsTokenRevoked(_ context.Context, tokenID string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.revoked[tokenID]
	return ok && exp.After(now), nil
}

// PurgeRevokedTokens implements store.RevokedTokens.
func (s *MapStore) PurgeRevokedTokens(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return purgeExpired(s.revoked, now), nil
}

// purgeExpired deletes the entries of m whose expiry is at or before now
// and returns how many it deleted.
func purgeExpired[K comparable](m map[K]time.Time, now time.Time) int {
	n := 0
	for k, exp := range m {
		if !exp.After(now) {
			delete(m, k)
			n++
		}
	}
	return n
}

// ClaimIdempotencyKey implements store.IdempotencyKeys: the record of a
// key is replaced only once its expiry has passed.
func (s *MapStore) ClaimIdempotencyKey(_ context.Context, rec store.IdempotencyKey, now time.Time) (store.IdempotencyKey, error) {
	if rec.AccountSID == "" || rec.Key == "" || rec.Claim == "" || len(rec.Request) == 0 || rec.Answer != nil {
		return store.IdempotencyKey{}, store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{rec.AccountSID, rec.Key}
	if old, ok := s.idem[k]; ok && old.Expires.After(now) {
		return cloneIdem(old), store.ErrAlreadyExists
	}
	s.idem[k] = cloneIdem(rec)
	return cloneIdem(rec), nil
}

// AnswerIdempotencyKey implements store.IdempotencyKeys.
func (s *MapStore) AnswerIdempotencyKey(_ context.Context, rec store.IdempotencyKey) error {
	if len(rec.Answer) == 0 {
		return store.ErrInvalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{rec.AccountSID, rec.Key}
	old, ok := s.idem[k]
	if !ok || old.Claim != rec.Claim || old.Answer != nil {
		return store.ErrNotFound
	}
	old.Answer, old.Expires = slices.Clone(rec.Answer), rec.Expires
	s.idem[k] = old
	return nil
}

// ReleaseIdempotencyKey implements store.IdempotencyKeys.
func (s *MapStore) ReleaseIdempotencyKey(_ context.Context, rec store.IdempotencyKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{rec.AccountSID, rec.Key}
	if old, ok := s.idem[k]; ok && old.Claim == rec.Claim && old.Answer == nil {
		delete(s.idem, k)
	}
	return nil
}

// PurgeIdempotencyKeys implements store.IdempotencyKeys.
func (s *MapStore) PurgeIdempotencyKeys(_ context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, r := range s.idem {
		if !r.Expires.After(now) {
			delete(s.idem, k)
			n++
		}
	}
	return n, nil
}

// cloneIdem copies the byte slices of a record.
func cloneIdem(r store.IdempotencyKey) store.IdempotencyKey {
	r.Request, r.Answer = slices.Clone(r.Request), slices.Clone(r.Answer)
	return r
}
