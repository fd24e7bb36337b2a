package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// modify applies change to the stored app under optimistic concurrency,
// retrying on a version conflict with the fresh record, and evicts the
// cached copy. change must derive everything from the record it is given.
// It runs only once the actor may manage the app, so it is where a call
// checks its input: an error from it is returned and nothing is written.
// ifVersion, when not zero, is checked before change runs, on every
// attempt: a record of another version is ErrVersionMismatch.
//
// Writers that lost a race wait a short random time, growing with each
// loss, before they read again, so that many writers of one app spread out
// instead of colliding in step; after maxRetries losses the call is
// ErrConflict.
func (s *Service) modify(ctx context.Context, actor Actor, appSID string, ifVersion int64, change func(*store.App) error) (store.App, error) {
	for attempt := range s.cfg.maxRetries {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return store.App{}, err
			}
		}
		rec, err := s.readForActor(ctx, actor, appSID)
		if err != nil {
			return store.App{}, err
		}
		if ifVersion != 0 && rec.Version != ifVersion {
			return store.App{}, ErrVersionMismatch
		}
		if err := change(&rec); err != nil {
			return store.App{}, err
		}
		saved, err := s.store.UpdateApp(ctx, rec)
		switch {
		case err == nil:
			s.apps.evict(appSID)
			return saved, nil
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return store.App{}, ErrNotFound
		default:
			return store.App{}, fmt.Errorf("oauthapp: updating app: %w", err)
		}
	}
	return store.App{}, ErrConflict
}

// change makes one management change of an app: modify with apply, the
// app's update time set to the call's one clock reading, then the audit
// event apply returned, completed with that time, the actor and the app,
// and the app as saved. apply returns the event's kind and what only it
// knows (the key, credential or secret it added or removed).
func (s *Service) change(ctx context.Context, actor Actor, appSID string, ifVersion int64, apply func(a *store.App, now time.Time) (Event, error)) (App, error) {
	now := s.now()
	var e Event
	saved, err := s.modify(ctx, actor, appSID, ifVersion, func(a *store.App) error {
		var err error
		if e, err = apply(a, now); err != nil {
			return err
		}
		a.UpdatedAt = now
		return nil
	})
	if err != nil {
		return App{}, err
	}
	e.Time, e.Actor, e.AccountSID, e.AppSID = now, actor, saved.AccountSID, saved.SID
	s.emit(ctx, e)
	return s.view(saved, now), nil
}

// pause waits before the given retry of a write that lost a race: a random
// time up to attempt×100µs, at most 10 ms, or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	limit := min(time.Duration(attempt)*100*time.Microsecond, 10*time.Millisecond)
	t := time.NewTimer(rand.N(limit) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
