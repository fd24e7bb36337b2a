package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

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
