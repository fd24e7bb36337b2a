package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oauthapps/oauthapps/store"
)

// nextChange waits for the next change on ch.
func nextChange(t *testing.T, ch <-chan store.Change, within time.Duration) store.Change {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(within):
		t.Fatalf("no change within %v", within)
		return store.Change{}
	}
}

// noChange checks that nothing arrives on ch for a while.
func noChange(t *testing.T, ch <-chan store.Change, wait time.Duration) {
	t.Helper()
	select {
	case c := <-ch:
		t.Fatalf("unexpected change %+v", c)
	case <-time.After(wait):
	}
}

// twoInstances opens a watcher and a writer on one schema through two
// pools, as two service instances would.
func twoInstances(t *testing.T, opts ...Option) (watcher, writer *Store) {
	t.Helper()
	watcher, _, schema := newTestStore(t, opts...)
	writer = openStore(t, testPool(t), schema)
	return watcher, writer
}

// createApps creates n apps and returns their SIDs.
func createApps(t *testing.T, s *Store, n int) []string {
	t.Helper()
	sids := make([]string, n)
	for i := range sids {
		app, err := s.CreateApp(context.Background(), store.App{SID: appSID(), AccountSID: accountSID()})
		if err != nil {
			t.Fatal(err)
		}
		sids[i] = app.SID
	}
	return sids
}

func (s *Store) listenerPID() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lis.pid
}

func TestWatchDeliversChangesFromOtherInstances(t *testing.T) {
	watcher, writer := twoInstances(t)
	ctx := context.Background()
	changes := make(chan store.Change, 100)
	stop := watcher.Watch(func(c store.Change) { changes <- c })
	defer stop()
	sid := appSID()

	// No sleep: a change committed after Watch returns is delivered.
	var app store.App
	steps := []struct {
		name string
		do   func() error
		want store.Change
	}{
		{"a creation is AppChanged", func() error {
			var err error
			app, err = writer.CreateApp(ctx, testApp(sid, accountSID()))
			return err
		}, store.Change{Kind: store.AppChanged, AppSID: sid}},
		{"an update is AppChanged", func() error {
			app.FriendlyName = "new"
			var err error
			app, err = writer.UpdateApp(ctx, app)
			return err
		}, store.Change{Kind: store.AppChanged, AppSID: sid}},
		{"a touch publishes nothing; a revocation is TokenRevoked", func() error {
			if err := writer.TouchSecret(ctx, app.SID, "cur1", time.Now()); err != nil {
				return err
			}
			return writer.RevokeToken(ctx, "jti-1", time.Now().Add(time.Hour))
		}, store.Change{Kind: store.TokenRevoked, TokenID: "jti-1"}},
		{"a deletion is AppChanged", func() error { return writer.DeleteApp(ctx, sid) },
			store.Change{Kind: store.AppChanged, AppSID: sid}},
		{"a truncation is Resync", func() error {
			_, err := writer.pool.Exec(ctx, "TRUNCATE "+writer.q.revoked)
			return err
		}, store.Change{Kind: store.Resync}},
		{"writes from other code are published too", func() error {
			_, err := writer.pool.Exec(ctx, "INSERT INTO "+writer.q.revoked+" VALUES ('jti-sql', now() + interval '1 hour')")
			return err
		}, store.Change{Kind: store.TokenRevoked, TokenID: "jti-sql"}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			before := time.Now()
			if err := step.do(); err != nil {
				t.Fatal(err)
			}
			got := nextChange(t, changes, 2*time.Second)
			// The database runs on this machine: its clock and ours agree
			// to well within a second.
			if got.At.Before(before.Add(-time.Second)) || got.At.After(time.Now().Add(time.Second)) {
				t.Fatalf("change made at %v, between %v and now (%v) by our clock", got.At, before, time.Now())
			}
			if got.At = (time.Time{}); got != step.want {
				t.Fatalf("got %+v, want %+v", got, step.want)
			}
		})
	}
}

func TestWatchStop(t *testing.T) {
	watcher, writer := twoInstances(t)
	ctx := context.Background()
	first, second := make(chan store.Change, 10), make(chan store.Change, 10)
	stopFirst := watcher.Watch(func(c store.Change) { first <- c })
	stopSecond := watcher.Watch(func(c store.Change) { second <- c })
	defer stopSecond()
	stopFirst()
	stopFirst() // idempotent
	if err := writer.RevokeToken(ctx, "jti", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c := nextChange(t, second, 2*time.Second); c.Kind != store.TokenRevoked {
		t.Fatalf("second subscriber got %+v", c)
	}
	noChange(t, first, 100*time.Millisecond)
}

// TestNotifyLatency measures how long a deletion on one instance takes to
// reach a subscriber on another, from the start of DeleteApp (commit time
// included) and from its return (the deletion is in effect), to the call
// of fn. It reports p50 and p99 of both and holds the p99 after the return
// to the documented bound of 1s.
func TestNotifyLatency(t *testing.T) {
	watcher, writer := twoInstances(t)
	ctx := context.Background()
	const n = 300
	sids := createApps(t, writer, n)
	type seen struct {
		sid  string
		at   time.Time
		made time.Time // store.Change.At
	}
	changes := make(chan seen, n)
	stop := watcher.Watch(func(c store.Change) { changes <- seen{c.AppSID, time.Now(), c.At} })
	defer stop()

	latencies := make([]time.Duration, 0, n)
	afterCommit := make([]time.Duration, 0, n)
	lags := make([]time.Duration, 0, n)
	for _, sid := range sids {
		start := time.Now()
		if err := writer.DeleteApp(ctx, sid); err != nil {
			t.Fatal(err)
		}
		committed := time.Now()
		select {
		case got := <-changes:
			if got.sid != sid {
				t.Fatalf("got change for %s, want %s", got.sid, sid)
			}
			latencies = append(latencies, got.at.Sub(start))
			afterCommit = append(afterCommit, max(0, got.at.Sub(committed)))
			lags = append(lags, got.at.Sub(got.made))
		case <-time.After(5 * time.Second):
			t.Fatalf("deletion of %s not seen within 5s", sid)
		}
	}
	slices.Sort(latencies)
	slices.Sort(afterCommit)
	slices.Sort(lags)
	t.Logf("%d deletions, DeleteApp called -> subscriber on another pool: p50 %v, p99 %v, max %v",
		n, latencies[n/2], latencies[n*99/100], latencies[n-1])
	p99 := afterCommit[n*99/100]
	t.Logf("%d deletions, DeleteApp returned -> subscriber on another pool: p50 %v, p99 %v, max %v",
		n, afterCommit[n/2], p99, afterCommit[n-1])
	t.Logf("%d deletions, trigger ran (store.Change.At) -> subscriber, the notification lag a Service reports: p50 %v, p99 %v, max %v",
		n, lags[n/2], lags[n*99/100], lags[n-1])
	if lags[0] < -time.Second || lags[n-1] > latencies[n-1]+time.Second {
		t.Fatalf("lags from %v to %v, outside the time from DeleteApp called to the subscriber (at most %v), a second of clock skew allowed",
			lags[0], lags[n-1], latencies[n-1])
	}
	if p99 > time.Second {
		t.Fatalf("p99 propagation after commit %v exceeds the 1s bound", p99)
	}
}

// TestListenerReconnects kills the listening connection's server process
// while another instance keeps deleting apps. The store must deliver
// Resync at the drop and after reconnecting, reconnect by itself, keep
// delivering deletions, and leave no goroutine after Close. Every deletion
// must be either delivered or covered by a Resync delivered after it
// started.
func TestListenerReconnects(t *testing.T) {
	watcher, writer := twoInstances(t, WithReconnectBackoff(10*time.Millisecond, 100*time.Millisecond))
	ctx := context.Background()
	baseline := runtime.NumGoroutine() // the pools' own, no listener yet

	type event struct {
		c  store.Change
		at time.Time
	}
	var (
		mu     sync.Mutex
		events []event
	)
	resyncs := make(chan struct{}, 100)
	stop := watcher.Watch(func(c store.Change) {
		mu.Lock()
		events = append(events, event{c, time.Now()})
		mu.Unlock()
		if c.Kind == store.Resync {
			resyncs <- struct{}{}
		}
	})
	defer stop()

	const apps = 150
	sids := createApps(t, writer, apps)
	deleteStarted := make([]time.Time, apps)
	deleter := make(chan error, 1)
	go func() {
		for i, sid := range sids {
			deleteStarted[i] = time.Now()
			if err := writer.DeleteApp(ctx, sid); err != nil {
				deleter <- err
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		deleter <- nil
	}()

	for kill := range 3 {
		time.Sleep(50 * time.Millisecond)
		pid := watcher.listenerPID()
		if pid == 0 {
			t.Fatalf("kill %d: listener not listening", kill)
		}
		var ok bool
		if err := writer.pool.QueryRow(ctx, "SELECT pg_terminate_backend($1)", int32(pid)).Scan(&ok); err != nil || !ok {
			t.Fatalf("kill %d: pg_terminate_backend(%d) = %v, %v", kill, pid, ok, err)
		}
		for range 2 { // one at the drop, one after reconnecting
			select {
			case <-resyncs:
			case <-time.After(5 * time.Second):
				t.Fatalf("kill %d: no Resync within 5s", kill)
			}
		}
		if now := watcher.listenerPID(); now == 0 || now == pid {
			t.Fatalf("kill %d: listener pid %d after reconnect, was %d", kill, now, pid)
		}
	}
	if err := <-deleter; err != nil {
		t.Fatal(err)
	}

	// A deletion after the last reconnect is delivered as such.
	last, err := writer.CreateApp(ctx, store.App{SID: appSID(), AccountSID: accountSID()})
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.DeleteApp(ctx, last.SID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		seen := slices.ContainsFunc(events, func(e event) bool { return e.c.AppSID == last.SID })
		mu.Unlock()
		if seen {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("deletion after reconnecting not delivered within 2s")
		}
		time.Sleep(5 * time.Millisecond)
	}

	mu.Lock()
	covered, delivered := 0, 0
	for i, sid := range sids {
		switch {
		case slices.ContainsFunc(events, func(e event) bool { return e.c.AppSID == sid }):
			delivered++
		case slices.ContainsFunc(events, func(e event) bool { return e.c.Kind == store.Resync && !e.at.Before(deleteStarted[i]) }):
			covered++
		default:
			t.Errorf("deletion of app %d neither delivered nor followed by a Resync", i)
		}
	}
	mu.Unlock()
	t.Logf("%d deletions delivered, %d covered by a Resync", delivered, covered)

	stop()
	watcher.Close()
	checkNoListener(t, baseline)
}

// checkNoListener checks that no listener goroutine is left and that the
// goroutine count comes back to baseline.
func checkNoListener(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := strings.Contains(stacks, "postgres.(*Store).listen")
		n := runtime.NumGoroutine()
		if !left && n <= baseline {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Close: %d goroutines (baseline %d), listener left: %v\n%s", n, baseline, left, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	pool := testPool(t)
	schema := testSchema(t, pool)
	if err := Migrate(context.Background(), pool, WithSchema(schema)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		start func(s *Store)
	}{
		{"never watched", func(*Store) {}},
		{"watching", func(s *Store) { s.Watch(func(store.Change) {}) }},
		{"listening without subscribers", func(s *Store) {
			if err := s.Listen(context.Background()); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			baseline := runtime.NumGoroutine()
			s, err := New(context.Background(), pool, WithSchema(schema))
			if err != nil {
				t.Fatal(err)
			}
			tc.start(s)
			s.Close()
			s.Close() // idempotent
			checkNoListener(t, baseline)
		})
	}
}

func TestWatchAfterClose(t *testing.T) {
	s, _, _ := newTestStore(t)
	s.Close()
	stop := s.Watch(func(c store.Change) { t.Errorf("change after Close: %+v", c) })
	stop()
	if err := s.Listen(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Listen after Close: %v, want ErrClosed", err)
	}
}

// TestListenerWithoutServer points the listener at a port where nothing
// listens: Watch returns after its wait, Listen gives up with its context,
// errors are reported, and Close still stops everything.
func TestListenerWithoutServer(t *testing.T) {
	pool := testPool(t)
	schema := testSchema(t, pool)
	if err := Migrate(context.Background(), pool, WithSchema(schema)); err != nil {
		t.Fatal(err)
	}
	baseline := runtime.NumGoroutine()
	cfg, err := pgx.ParseConfig("postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 100)
	s, err := New(context.Background(), pool, WithSchema(schema), WithListenConfig(cfg),
		WithWatchWait(100*time.Millisecond), WithReconnectBackoff(10*time.Millisecond, 20*time.Millisecond),
		WithListenErrors(func(err error) {
			select {
			case errs <- err:
			default:
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.Watch(func(store.Change) {})
	if waited := time.Since(start); waited < 100*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("Watch returned after %v, want about 100ms", waited)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Listen(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Listen: %v, want context.DeadlineExceeded", err)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "127.0.0.1") {
			t.Fatalf("listener error does not say where it tried: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no listener error reported")
	}
	s.Close()
	checkNoListener(t, baseline)
}

// TestWatchOwesResyncWhenItReturnedEarly: a subscriber whose Watch returned
// before listening started may have missed changes, so it gets a Resync
// when listening starts.
func TestWatchOwesResyncWhenItReturnedEarly(t *testing.T) {
	s, _, _ := newTestStore(t, WithWatchWait(0))
	changes := make(chan store.Change, 10)
	defer s.Watch(func(c store.Change) { changes <- c })()
	if err := s.Listen(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := nextChange(t, changes, 2*time.Second); c.Kind != store.Resync {
		t.Fatalf("got %+v, want Resync", c)
	}
}

func TestHealthCheckKeepsAQuietConnection(t *testing.T) {
	watcher, writer := twoInstances(t, WithHealthCheck(20*time.Millisecond))
	changes := make(chan store.Change, 10)
	defer watcher.Watch(func(c store.Change) { changes <- c })()
	pid := watcher.listenerPID()
	for deadline := time.Now().Add(10 * time.Second); watcher.pings.Load() < 3; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d health-check pings in 10s at a 20ms interval, want 3", watcher.pings.Load())
		}
	}
	if err := writer.RevokeToken(context.Background(), "jti", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c := nextChange(t, changes, 2*time.Second); c.Kind != store.TokenRevoked {
		t.Fatalf("got %+v, want TokenRevoked (no Resync: the connection stayed up)", c)
	}
	if now := watcher.listenerPID(); now != pid {
		t.Fatalf("listener reconnected (pid %d -> %d) though the connection was healthy", pid, now)
	}
}

func TestParseChange(t *testing.T) {
	for _, tc := range []struct {
		payload string
		want    store.Change
	}{
		{"a@1764763200123456:OQ1", store.Change{Kind: store.AppChanged, AppSID: "OQ1", At: time.UnixMicro(1764763200123456)}},
		{"t@1764763200000001:jti:with:colons", store.Change{Kind: store.TokenRevoked, TokenID: "jti:with:colons", At: time.UnixMicro(1764763200000001)}},
		{"k@1764763200000000:kid-1", store.Change{Kind: store.SigningKeyChanged, KID: "kid-1", At: time.UnixMicro(1764763200000000)}},
		{"r@1764763200000000:", store.Change{Kind: store.Resync, At: time.UnixMicro(1764763200000000)}},
		{"a@soon:OQ1", store.Change{Kind: store.AppChanged, AppSID: "OQ1"}},
		{"a@-5:OQ1", store.Change{Kind: store.AppChanged, AppSID: "OQ1"}},
		{"x@1764763200000000:future", store.Change{Kind: store.Resync, At: time.UnixMicro(1764763200000000)}},
		// Payloads of a schema before migration 5, whose triggers did not
		// say when.
		{"a:OQ1", store.Change{Kind: store.AppChanged, AppSID: "OQ1"}},
		{"t:jti:with:colons", store.Change{Kind: store.TokenRevoked, TokenID: "jti:with:colons"}},
		{"r:", store.Change{Kind: store.Resync}},
		{"a:", store.Change{Kind: store.Resync}},
		{"", store.Change{Kind: store.Resync}},
		{"x:future", store.Change{Kind: store.Resync}},
	} {
		t.Run(fmt.Sprintf("%q", tc.payload), func(t *testing.T) {
			if got := parseChange(tc.payload); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLongIDsPublishResync(t *testing.T) {
	watcher, writer := twoInstances(t)
	changes := make(chan store.Change, 10)
	defer watcher.Watch(func(c store.Change) { changes <- c })()
	long := strings.Repeat("j", 8000)
	if err := writer.RevokeToken(context.Background(), long, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("RevokeToken with an 8000-byte id: %v", err)
	}
	if c := nextChange(t, changes, 2*time.Second); c.Kind != store.Resync {
		t.Fatalf("got %+v, want Resync", c)
	}
}
