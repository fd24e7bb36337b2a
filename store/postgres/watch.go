package postgres

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// subscriber is one Watch call.
type subscriber struct {
	fn      func(store.Change)
	stopped atomic.Bool
	// missed: changes may have passed unheard since this subscriber's
	// Watch returned; it is owed a Resync once listening resumes.
	missed bool
}

// listenState is what the listener goroutine tells Watch and Listen.
type listenState struct {
	listening bool
	ready     chan struct{} // closed when listening starts
	pid       uint32        // server process of the listening connection
}

// Watch calls fn for every change to the schema's apps and revoked tokens
// committed by any session, this process's and other processes', until
// stop is called. It implements store.Watcher.
//
// Changes arrive through one listening connection per Store (PostgreSQL
// LISTEN/NOTIFY), read by one goroutine that the first Watch (or Listen)
// starts and Close stops. fn runs on that goroutine, one change at a time,
// and must not block: while it runs no other change is delivered. fn must
// not call the store or stop. A change reaches fn after the writing
// transaction commits: on loopback, p50 well under a millisecond and p99 in
// the tens of milliseconds on a busy machine (TestNotifyLatency,
// BENCHMARKS.md). Once stop returns, changes that arrive later are not
// passed to fn; one delivery already under way may still call fn once.
//
// When no listening connection is up yet, Watch waits for it up to the
// WithWatchWait time (default 5s); a change committed after Watch returns is
// then delivered. Call Watch before filling a cache.
//
// store.Resync tells fn that changes may have been missed, so every cached
// entry is suspect. fn receives it
//   - at once when the listening connection drops (killed, network lost,
//     server restart): from then until the next Resync, changes are not
//     delivered, so a cache must fall back on its own staleness bound;
//   - again once the listener has reconnected (it retries by itself with
//     backoff, WithReconnectBackoff), since changes made while it was away
//     were not heard; everything cached before this Resync is suspect;
//   - once listening starts, if Watch returned before it could;
//   - when a table is truncated or an id is too long for a notification.
//
// A Watch after Close delivers nothing and returns a no-op stop.
func (s *Store) Watch(fn func(store.Change)) (stop func()) {
	sub := &subscriber{fn: fn}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return func() {}
	}
	s.subs[sub] = struct{}{}
	listening, ready := s.lis.listening, s.lis.ready
	s.startLocked()
	s.mu.Unlock()

	stop = func() {
		sub.stopped.Store(true)
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}
	if listening {
		return stop
	}
	wait := time.NewTimer(s.cfg.watchWait)
	defer wait.Stop()
	select {
	case <-ready:
	case <-wait.C:
	case <-s.stopCtx.Done():
	}
	s.mu.Lock()
	if !s.lis.listening {
		sub.missed = true
	}
	s.mu.Unlock()
	return stop
}

// Listen starts the listener if it is not running yet and waits until its
// connection listens, or ctx ends (returning ctx's error; the listener
// keeps trying). Calling it is optional, Watch starts the listener too; a
// service may call it at startup to fail early when notifications cannot
// work. It returns ErrClosed after Close.
func (s *Store) Listen(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.startLocked()
	ready := s.lis.ready
	s.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stopCtx.Done():
		return ErrClosed
	}
}

// startLocked starts the listener goroutine once. s.mu must be held.
func (s *Store) startLocked() {
	if s.running {
		return
	}
	s.running = true
	go s.listen()
}

// listening records that the listener's connection now listens and
// delivers the Resync owed to subscribers that may have missed changes.
func (s *Store) listening(pid uint32) {
	s.mu.Lock()
	s.lis.listening, s.lis.pid = true, pid
	close(s.lis.ready)
	var owed []*subscriber
	for sub := range s.subs {
		if sub.missed {
			sub.missed = false
			owed = append(owed, sub)
		}
	}
	s.mu.Unlock()
	deliver(owed, store.Change{Kind: store.Resync})
}

// deaf records that the listener's connection was lost: every subscriber
// gets a Resync now and owes another once listening resumes.
func (s *Store) deaf() {
	s.mu.Lock()
	if !s.lis.listening {
		s.mu.Unlock()
		return
	}
	s.lis.listening, s.lis.pid = false, 0
	s.lis.ready = make(chan struct{})
	var all []*subscriber
	if !s.closed {
		for sub := range s.subs {
			sub.missed = true
			all = append(all, sub)
		}
	}
	s.mu.Unlock()
	deliver(all, store.Change{Kind: store.Resync})
}

// publish delivers one change to every current subscriber.
func (s *Store) publish(c store.Change) {
	s.mu.Lock()
	subs := make([]*subscriber, 0, len(s.subs))
	for sub := range s.subs {
		subs = append(subs, sub)
	}
	s.mu.Unlock()
	deliver(subs, c)
}

func deliver(subs []*subscriber, c store.Change) {
	for _, sub := range subs {
		if !sub.stopped.Load() {
			sub.fn(c)
		}
	}
}

// parseChange reads a payload of the migrations' triggers: a kind, "@"
// and the time of the change in microseconds since the Unix epoch, then
// ":" and an id: "a@<micros>:<app sid>", "t@<micros>:<token id>",
// "k@<micros>:<kid>". The time is optional (payloads of schemas before
// migration 5 have none); anything else, such as "r@<micros>:", is a
// Resync.
func parseChange(payload string) store.Change {
	kind, id, _ := strings.Cut(payload, ":")
	kind, micros, timed := strings.Cut(kind, "@")
	var c store.Change
	if us, err := strconv.ParseInt(micros, 10, 64); timed && err == nil && us > 0 {
		c.At = time.UnixMicro(us)
	}
	switch {
	case id == "":
		c.Kind = store.Resync
	case kind == "a":
		c.Kind, c.AppSID = store.AppChanged, id
	case kind == "t":
		c.Kind, c.TokenID = store.TokenRevoked, id
	case kind == "k":
		c.Kind, c.KID = store.SigningKeyChanged, id
	default:
		c.Kind = store.Resync
	}
	return c
}
