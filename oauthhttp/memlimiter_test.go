package oauthhttp_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
	"weak"

	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// fail is one attempt that the limiter allows and that then fails.
func fail(t *testing.T, lim *oauthhttp.MemoryLimiter, a oauthhttp.Attempt) {
	t.Helper()
	if wait, ok := lim.Allow(ctx, a); !ok {
		t.Fatalf("Allow(%+v) refused (retry after %v)", a, wait)
	}
	lim.Done(ctx, a, true)
}

func TestMemoryLimiterBoundsItsMemory(t *testing.T) {
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithLimiterKeys(64), oauthhttp.WithLimiterClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	hot := oauthhttp.Attempt{ClientID: "OQ-attacked", Addr: "192.0.2.1"}
	for range oauthhttp.DefaultClientFailures {
		fail(t, lim, hot)
	}
	for i := range 10_000 {
		fail(t, lim, oauthhttp.Attempt{ClientID: fmt.Sprintf("junk-%d-%0200d", i, i), Addr: fmt.Sprintf("10.0.%d.%d", i/256, i%256)})
		clock.Advance(100 * time.Microsecond)
	}
	if n := lim.Len(); n > 64 {
		t.Errorf("tracks %d keys, bound 64", n)
	}
	if _, ok := lim.Allow(ctx, hot); ok {
		t.Error("a flood of junk keys evicted the attacked client id")
	}
}

func TestMemoryLimiterForgetsKeysWhoseFailuresAgedOut(t *testing.T) {
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithLimiterClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		fail(t, lim, oauthhttp.Attempt{ClientID: fmt.Sprint("client-", i), Addr: fmt.Sprint("addr-", i)})
	}
	if n := lim.Len(); n != 2000 {
		t.Fatalf("tracks %d keys, want 2000", n)
	}
	clock.Advance(oauthhttp.DefaultFailureWindow)
	fail(t, lim, oauthhttp.Attempt{ClientID: "late"})
	if n := lim.Len(); n != 1 {
		t.Errorf("tracks %d keys a window later, want 1", n)
	}
}

func TestMemoryLimiterAnswersTheLongerWait(t *testing.T) {
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithClientFailures(2), oauthhttp.WithAddrFailures(3), oauthhttp.WithFailureWindow(30*time.Second), oauthhttp.WithLimiterClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	a := oauthhttp.Attempt{ClientID: "c", Addr: "a"}
	fail(t, lim, a)
	fail(t, lim, a)
	fail(t, lim, oauthhttp.Attempt{ClientID: "other", Addr: "a"})
	// Client c: 2 failures, one every 15 s once its burst of 2 is spent:
	// 15 s to wait. Address a: 3 failures, burst 3, one every 10 s: 10 s.
	if wait, ok := lim.Allow(ctx, a); ok || wait != 15*time.Second {
		t.Errorf("Allow = %v, %v; want 15s, false", wait, ok)
	}
	if wait, ok := lim.Allow(ctx, oauthhttp.Attempt{ClientID: "other", Addr: "a"}); ok || wait != 10*time.Second {
		t.Errorf("Allow by address = %v, %v; want 10s, false", wait, ok)
	}
	if _, ok := lim.Allow(ctx, oauthhttp.Attempt{ClientID: "other", Addr: "b"}); !ok {
		t.Error("a client with one failure from a clean address was refused")
	}
}

func TestMemoryLimiterNegativeLimitIsNone(t *testing.T) {
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithClientFailures(-1), oauthhttp.WithAddrFailures(-1))
	if err != nil {
		t.Fatal(err)
	}
	a := oauthhttp.Attempt{ClientID: "c", Addr: "a"}
	for range 1000 {
		fail(t, lim, a)
	}
	if _, ok := lim.Allow(ctx, a); !ok || lim.Len() != 0 {
		t.Errorf("an unlimited limiter refused, or kept %d keys", lim.Len())
	}
}

func TestMemoryLimiterIsSafeForConcurrentUse(t *testing.T) {
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithLimiterKeys(32))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				a := oauthhttp.Attempt{ClientID: fmt.Sprint("c", i%50), Addr: fmt.Sprint("a", g)}
				if _, ok := lim.Allow(context.Background(), a); ok {
					lim.Done(context.Background(), a, i%3 != 0)
				}
			}
		}()
	}
	wg.Wait()
	if n := lim.Len(); n > 32 {
		t.Errorf("tracks %d keys, bound 32", n)
	}
}

// TestMemoryLimiterKeepsNoRequestAlive: a key holds copies of at most 64
// bytes of the client id and address, never the request's strings, which
// are slices of the whole body (secret included). A key failed again, or
// taken back after a success, must not keep the request reachable.
func TestMemoryLimiterKeepsNoRequestAlive(t *testing.T) {
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithLimiterClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	body := func() string { return strings.Repeat("j", 1<<20) } // a fresh request each time
	var requests []weak.Pointer[byte]
	attempt := func(failed bool) {
		id := body()
		requests = append(requests, weak.Make(unsafe.StringData(id)))
		a := oauthhttp.Attempt{ClientID: id, Addr: "192.0.2.1"}
		if _, ok := lim.Allow(ctx, a); !ok {
			t.Fatal("refused")
		}
		lim.Done(ctx, a, failed)
	}
	attempt(true)  // the key's first failure
	attempt(true)  // the same key failed again
	attempt(false) // a success on a key still tracked
	runtime.GC()
	runtime.GC()
	for i, w := range requests {
		if w.Value() != nil {
			t.Errorf("request %d (1 MiB) is still reachable from the limiter, which tracks %d keys", i+1, lim.Len())
		}
	}
	runtime.KeepAlive(lim)
}

// TestMemoryLimiterAllocatesNothingPerAttempt: an attempt of a new client
// id from a new address that then succeeds (the token endpoint's common
// case) costs the limiter no allocation: its keys live inline in the map.
func TestMemoryLimiterAllocatesNothingPerAttempt(t *testing.T) {
	lim, err := oauthhttp.NewMemoryLimiter()
	if err != nil {
		t.Fatal(err)
	}
	a := oauthhttp.Attempt{ClientID: oauthapptest.NewSID("OQ"), Addr: "2001:db8:1:2::/64"}
	lim.Allow(ctx, a) // the map grows once
	lim.Done(ctx, a, false)
	if n := testing.AllocsPerRun(100, func() {
		lim.Allow(ctx, a)
		lim.Done(ctx, a, false)
	}); n != 0 {
		t.Errorf("%v allocations per attempt, want 0", n)
	}
}
