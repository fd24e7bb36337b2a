package oauthapp

import (
	"context"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// observedStore reports each call the Service makes to its store to
// Observer.StoreCall. The Service wraps its store in one only when that
// hook is set; it looks for the store's optional capabilities
// (store.Watcher, store.RevocationLister) on the store it was given, not
// on the wrapper, and observes LiveRevocations on its own. Every method
// of store.Store is forwarded by hand, not through an embedded interface,
// so that a method added to the interface cannot bypass the observer: the
// compiler asks for it here.
type observedStore struct {
	next store.Store
	call func(ctx context.Context, method string) func(error)
}

var _ store.Store = (*observedStore)(nil)

// observeStore wraps st when call is set, else returns it as it is.
func observeStore(st store.Store, call func(context.Context, string) func(error)) store.Store {
	if call == nil {
		return st
	}
	return &observedStore{next: st, call: call}
}

// endCall reports the end of a call started with done = o.call(...).
func endCall(done func(error), err error) {
	if done != nil {
		done(err)
	}
}

func (o *observedStore) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	done := o.call(ctx, "CreateApp")
	a, err := o.next.CreateApp(ctx, app)
	endCall(done, err)
	return a, err
}

func (o *observedStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	done := o.call(ctx, "GetApp")
	a, err := o.next.GetApp(ctx, sid)
	endCall(done, err)
	return a, err
}

func (o *observedStore) ListApps(ctx context.Context, accountSID, after string, limit int) ([]store.App, error) {
	done := o.call(ctx, "ListApps")
	l, err := o.next.ListApps(ctx, accountSID, after, limit)
	endCall(done, err)
	return l, err
}

func (o *observedStore) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	done := o.call(ctx, "UpdateApp")
	a, err := o.next.UpdateApp(ctx, app)
	endCall(done, err)
	return a, err
}

func (o *observedStore) DeleteApp(ctx context.Context, sid string) error {
	done := o.call(ctx, "DeleteApp")
	err := o.next.DeleteApp(ctx, sid)
	endCall(done, err)
	return err
}

func (o *observedStore) DeleteAppVersion(ctx context.Context, sid string, version int64) error {
	done := o.call(ctx, "DeleteAppVersion")
	err := o.next.DeleteAppVersion(ctx, sid, version)
	endCall(done, err)
	return err
}

func (o *observedStore) TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error {
	done := o.call(ctx, "TouchSecret")
	err := o.next.TouchSecret(ctx, appSID, secretID, at)
	endCall(done, err)
	return err
}

func (o *observedStore) TouchClientKey(ctx context.Context, appSID, keyID string, at time.Time) error {
	done := o.call(ctx, "TouchClientKey")
	err := o.next.TouchClientKey(ctx, appSID, keyID, at)
	endCall(done, err)
	return err
}

func (o *observedStore) RevokeToken(ctx context.Context, tokenID string, expires time.Time) error {
	done := o.call(ctx, "RevokeToken")
	err := o.next.RevokeToken(ctx, tokenID, expires)
	endCall(done, err)
	return err
}

func (o *observedStore) IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error) {
	done := o.call(ctx, "IsTokenRevoked")
	r, err := o.next.IsTokenRevoked(ctx, tokenID, now)
	endCall(done, err)
	return r, err
}

func (o *observedStore) PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error) {
	done := o.call(ctx, "PurgeRevokedTokens")
	n, err := o.next.PurgeRevokedTokens(ctx, now)
	endCall(done, err)
	return n, err
}

func (o *observedStore) ClaimIdempotencyKey(ctx context.Context, rec store.IdempotencyKey, now time.Time) (store.IdempotencyKey, error) {
	done := o.call(ctx, "ClaimIdempotencyKey")
	r, err := o.next.ClaimIdempotencyKey(ctx, rec, now)
	endCall(done, err)
	return r, err
}

func (o *observedStore) AnswerIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	done := o.call(ctx, "AnswerIdempotencyKey")
	err := o.next.AnswerIdempotencyKey(ctx, rec)
	endCall(done, err)
	return err
}

func (o *observedStore) ReleaseIdempotencyKey(ctx context.Context, rec store.IdempotencyKey) error {
	done := o.call(ctx, "ReleaseIdempotencyKey")
	err := o.next.ReleaseIdempotencyKey(ctx, rec)
	endCall(done, err)
	return err
}

func (o *observedStore) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	done := o.call(ctx, "PurgeIdempotencyKeys")
	n, err := o.next.PurgeIdempotencyKeys(ctx, now)
	endCall(done, err)
	return n, err
}

func (o *observedStore) UseAssertionID(ctx context.Context, clientID, jti string, expires, now time.Time) error {
	done := o.call(ctx, "UseAssertionID")
	err := o.next.UseAssertionID(ctx, clientID, jti, expires, now)
	endCall(done, err)
	return err
}

func (o *observedStore) PurgeAssertionIDs(ctx context.Context, now time.Time) (int, error) {
	done := o.call(ctx, "PurgeAssertionIDs")
	n, err := o.next.PurgeAssertionIDs(ctx, now)
	endCall(done, err)
	return n, err
}

// observedLister reports each load of the revoked set to the StoreCall
// hook, as observedStore does for the Store's own methods.
type observedLister struct {
	next store.RevocationLister
	call func(context.Context, string) func(error)
}

func (o observedLister) LiveRevocations(ctx context.Context, now time.Time) ([]store.Revocation, error) {
	done := o.call(ctx, "LiveRevocations")
	revs, err := o.next.LiveRevocations(ctx, now)
	endCall(done, err)
	return revs, err
}
