//go:build unix

package main

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is one request made while the database went away and came back.
type answer struct {
	who, what  string
	start, end time.Time
	status     int
}

// TestInstancesRideOutAPostgresRestart stops and starts the database under
// three instances while requests run: meanwhile every request fails
// closed (503, or 429 from the failure limiter), a deleted app is never
// served, the key rings keep their keys, and every instance serves again by
// itself once the database is back. The figure it logs is in BENCHMARKS.md.
func TestInstancesRideOutAPostgresRestart(t *testing.T) {
	postgresDSN(t)
	cl := startCluster(t)
	dsn := freshDatabase(t, cl.dsn())
	d := newDeployment(t, dsn)
	a := d.start(t, "a", "", true)
	all := []*process{a, d.start(t, "b", "", false), d.start(t, "c", "", false)}
	live := demoClient(a)
	liveTok := a.mustToken(t, live)

	mgr := manager(t, dsn)
	gone := newClient(mgr, live.account)
	goneTok := a.mustToken(t, gone)
	mgr.Delete(gone.id)
	for _, p := range all {
		within(t, time.Second, p.name+" refuses the deleted app", func() bool {
			s, _ := p.token(gone)
			return s == 401 && p.api(gone, goneTok) == 401
		})
	}

	var (
		mu      sync.Mutex
		answers []answer
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	record := func(who, what string, start time.Time, status int) {
		mu.Lock()
		answers = append(answers, answer{who, what, start, time.Now(), status})
		mu.Unlock()
	}
	for _, p := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := time.Now()
				st, _ := p.token(live)
				record(p.name, "token for the live app", s, st)
				s = time.Now()
				record(p.name, "API with the live app's token", s, p.api(live, liveTok))
				s = time.Now()
				st, _ = p.token(gone)
				record(p.name, "token for the deleted app", s, st)
				s = time.Now()
				record(p.name, "API with the deleted app's token", s, p.api(gone, goneTok))
			}
		}()
	}
	// answeredSince counts each instance's requests begun after t0.
	answeredSince := func(t0 time.Time) map[string]int {
		mu.Lock()
		defer mu.Unlock()
		n := map[string]int{}
		for _, a := range answers {
			if !a.start.Before(t0) {
				n[a.who]++
			}
		}
		return n
	}

	within(t, 10*time.Second, "requests before the stop", func() bool { return len(answeredSince(time.Time{})) == len(all) })
	logged := make(map[*process]int, len(all))
	for _, p := range all {
		logged[p] = strings.Count(p.logs.String(), syncFailed)
	}
	cl.stop(t)
	down := time.Now()
	// Down until every instance has answered requests meanwhile and its
	// key ring has found the store gone (and kept its keys).
	within(t, 30*time.Second, "requests while the database is down", func() bool {
		n := answeredSince(down)
		for _, p := range all {
			if n[p.name] < 100 || strings.Count(p.logs.String(), syncFailed) == logged[p] {
				return false
			}
		}
		return true
	})
	restarting := time.Now()
	cl.start(t)
	recovery := within(t, 30*time.Second, "every instance serving again", func() bool {
		for _, p := range all {
			s, tok := p.token(live)
			if s != 200 || p.api(live, tok) != 200 {
				return false
			}
		}
		return true
	})
	close(stop)
	wg.Wait()
	t.Logf("PostgreSQL restart: down %v; every instance served tokens and the API again %v after the server accepted connections", restarting.Sub(down).Round(time.Millisecond), recovery)

	during := 0
	for _, a := range answers {
		if a.status == 200 && (a.what == "token for the deleted app" || a.what == "API with the deleted app's token") {
			t.Errorf("%s: %s answered 200", a.who, a.what)
		}
		if a.start.Before(down) || a.end.After(restarting) {
			continue
		}
		during++
		// 429 is the failure limiter's temporarily_unavailable, for a
		// client whose earlier attempts failed.
		if a.status != http.StatusServiceUnavailable && a.status != http.StatusTooManyRequests {
			t.Errorf("%s: %s while the database was down answered %d, want 503 or 429", a.who, a.what, a.status)
		}
	}
	if during == 0 {
		t.Fatal("no request ran while the database was down")
	}
	t.Logf("%d requests while the database was down, all failed closed; %d in all", during, len(answers))
	for _, p := range all {
		// The key rings kept their keys through the outage.
		if kid := kidOf(p.mustToken(t, live)); kid != kidOf(liveTok) {
			t.Errorf("%s signs with %q after the restart, before it with %q", p.name, kid, kidOf(liveTok))
		}
		if s := p.api(live, liveTok); s != 200 {
			t.Errorf("%s answers %d to a token from before the restart", p.name, s)
		}
		// 401, or 429 once the failure limiter has seen enough of them.
		if s, tok := p.token(gone); s == 200 || tok != "" {
			t.Errorf("%s issues tokens to the deleted app after the restart", p.name)
		}
		if s := p.api(gone, goneTok); s != 401 {
			t.Errorf("%s answers %d to the deleted app's token after the restart, want 401", p.name, s)
		}
	}
}

// syncFailed is what a key ring logs when it cannot read the store.
const syncFailed = "keyring: sync with the store failed"
