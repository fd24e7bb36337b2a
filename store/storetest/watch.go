package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// notifyWait bounds how long a notification may take: a database store
// delivers them asynchronously.
const notifyWait = 5 * time.Second

// recorder collects the changes a Watcher reports.
type recorder struct {
	mu      sync.Mutex
	changes []store.Change // with At cleared
	badAt   []store.Change // changes whose At is not a moment ago
	arrived chan struct{}  // a token after each change; never blocks fn
}

// watch subscribes a new recorder to s and stops it when the test ends.
func watch(t *testing.T, s store.Store) (*recorder, func()) {
	t.Helper()
	r := &recorder{arrived: make(chan struct{}, 1)}
	stop := s.(store.Watcher).Watch(func(c store.Change) {
		// At is optional; when set, it is when the change was made: a
		// moment ago by this machine's clock, a second of skew allowed.
		now := time.Now()
		bad := !c.At.IsZero() && (c.At.After(now.Add(time.Second)) || c.At.Before(now.Add(-notifyWait-time.Second)))
		r.mu.Lock()
		if bad {
			r.badAt = append(r.badAt, c)
		}
		c.At = time.Time{}
		r.changes = append(r.changes, c)
		r.mu.Unlock()
		select {
		case r.arrived <- struct{}{}:
		default:
		}
	})
	// The contract does not promise that stop may be called twice.
	var once sync.Once
	stopOnce := func() { once.Do(stop) }
	t.Cleanup(stopOnce)
	return r, stopOnce
}

// seen reports whether the recorder has the change.
func (r *recorder) seen(want store.Change) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.changes, want)
}

// reset forgets the changes seen so far.
func (r *recorder) reset() {
	r.mu.Lock()
	r.changes = nil
	r.mu.Unlock()
}

// waitFor fails the test unless want arrives within notifyWait. Other
// changes, Resync included, may arrive as well.
func (r *recorder) waitFor(t *testing.T, want store.Change) {
	t.Helper()
	deadline := time.After(notifyWait)
	for !r.seen(want) {
		select {
		case <-r.arrived:
		case <-deadline:
			r.mu.Lock()
			defer r.mu.Unlock()
			t.Fatalf("no notification %+v within %v; got %+v", want, notifyWait, r.changes)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.badAt) > 0 {
		t.Fatalf("notifications %+v say they were made at a time that is not a moment ago (now %v)", r.badAt, time.Now())
	}
}

var watchChecks = []check{
	{"a creation is notified as AppChanged with the SID", func(t *testing.T, s store.Store) {
		r, _ := watch(t, s)
		app := create(t, s, newApp(1, accountSID(1)))
		r.waitFor(t, store.Change{Kind: store.AppChanged, AppSID: app.SID})
	}},
	{"an update is notified as AppChanged with the SID", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		r, _ := watch(t, s)
		update(t, s, app)
		r.waitFor(t, store.Change{Kind: store.AppChanged, AppSID: app.SID})
	}},
	{"a deletion is notified as AppChanged with the SID", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		r, _ := watch(t, s)
		if err := s.DeleteApp(context.Background(), app.SID); err != nil {
			t.Fatalf("DeleteApp: %v", err)
		}
		r.waitFor(t, store.Change{Kind: store.AppChanged, AppSID: app.SID})
	}},
	{"a revocation is notified as TokenRevoked with the token id", func(t *testing.T, s store.Store) {
		r, _ := watch(t, s)
		revoke(t, s, "jti-1", base.Add(time.Hour))
		r.waitFor(t, store.Change{Kind: store.TokenRevoked, TokenID: "jti-1"})
	}},
	{"every subscriber hears every change", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		r1, _ := watch(t, s)
		r2, _ := watch(t, s)
		update(t, s, app)
		revoke(t, s, "jti-1", base.Add(time.Hour))
		for _, r := range []*recorder{r1, r2} {
			r.waitFor(t, store.Change{Kind: store.AppChanged, AppSID: app.SID})
			r.waitFor(t, store.Change{Kind: store.TokenRevoked, TokenID: "jti-1"})
		}
	}},
	{"stop ends notifications", func(t *testing.T, s store.Store) {
		stopped, stop := watch(t, s)
		stop()
		running, _ := watch(t, s)
		revoke(t, s, "jti-after-stop", base.Add(time.Hour))
		after := store.Change{Kind: store.TokenRevoked, TokenID: "jti-after-stop"}
		running.waitFor(t, after)
		if stopped.seen(after) {
			t.Error("a stopped subscriber heard a change made after stop")
		}
	}},
}
