package postgres

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/oauthapps/oauthapps/store"
)

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
