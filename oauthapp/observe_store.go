package oauthapp

import (
	"context"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// observedStore reports each call the Service makes to its store to
// Observer.StoreCall. The Service wraps its store in one only when that
// hook is set; it looks for the store's optional capabilities
// (store.Watcher) on the store it was given, not on the wrapper.
type observedStore struct {
	store.Store
	call func(ctx context.Context, method string) func(error)
}

// observeStore wraps st when call is set, else returns it as it is.
func observeStore(st store.Store, call func(context.Context, string) func(error)) store.Store {
	if call == nil {
		return st
	}
	return &observedStore{Store: st, call: call}
}

func (o *observedStore) end(done func(error), err error) {
	if done != nil {
		done(err)
	}
}

func (o *observedStore) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	done := o.call(ctx, "CreateApp")
	a, err := o.Store.CreateApp(ctx, app)
	o.end(done, err)
	return a, err
}

func (o *observedStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	done := o.call(ctx, "GetApp")
	a, err := o.Store.GetApp(ctx, sid)
	o.end(done, err)
	return a, err
}

func (o *observedStore) ListApps(ctx context.Context, accountSID, after string, limit int) ([]store.App, error) {
	done := o.call(ctx, "ListApps")
	l, err := o.Store.ListApps(ctx, accountSID, after, limit)
	o.end(done, err)
	return l, err
}

func (o *observedStore) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	done := o.call(ctx, "UpdateApp")
	a, err := o.Store.UpdateApp(ctx, app)
	o.end(done, err)
	return a, err
}

func (o *observedStore) DeleteApp(ctx context.Context, sid string) error {
	done := o.call(ctx, "DeleteApp")
	err := o.Store.DeleteApp(ctx, sid)
	o.end(done, err)
	return err
}

func (o *observedStore) DeleteAppVersion(ctx context.Context, sid string, version int64) error {
	done := o.call(ctx, "DeleteAppVersion")
	err := o.Store.DeleteAppVersion(ctx, sid, version)
	o.end(done, err)
	return err
}

func (o *observedStore) TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error {
	done := o.call(ctx, "TouchSecret")
	err := o.Store.TouchSecret(ctx, appSID, secretID, at)
	o.end(done, err)
	return err
}

func (o *observedStore) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	done := o.call(ctx, "RevokeToken")
	err := o.Store.RevokeToken(ctx, tokenID, expires)
	o.end(done, err)
	return err
}

func (o *observedStore) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	done := o.call(ctx, "IsTokenRevoked")
	r, err := o.Store.IsTokenRevoked(ctx, tokenID, now)
	o.end(done, err)
	return r, err
}

func (o *observedStore) PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error) {
	done := o.call(ctx, "PurgeRevokedTokens")
	n, err := o.Store.PurgeRevokedTokens(ctx, now)
	o.end(done, err)
	return n, err
}
