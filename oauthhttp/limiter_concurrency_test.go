package oauthhttp_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// tokenStatus asks the stack's token endpoint for a token with the given
// Authorization header, from addr (sent in addrHeader; "" for none), and
// returns the status, or -1 when the request could not be made.
func (s *stack) tokenStatus(auth, addr string) int {
	r, err := http.NewRequest(http.MethodPost, s.ts.URL+oauthhttp.TokenPath, strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		return -1
	}
	r.Header.Set("Content-Type", formType)
	r.Header.Set("Authorization", auth)
	if addr != "" {
		r.Header.Set(addrHeader, addr)
	}
	resp, err := s.client.Do(r)
	if err != nil {
		return -1
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond until it holds, and fails the test after 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// concurrently runs n copies of f at once, each told its index, and
// returns how many times each status came back.
func concurrently(n int, f func(i int) int) map[int]int {
	var (
		mu    sync.Mutex
		count = map[int]int{}
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code := f(i)
			mu.Lock()
			count[code]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return count
}

// clients is how many workers of one deployment fetch tokens at once in
// these tests: more than the limits of failures per client id and per
// address, so a limiter that counted attempts in flight as failures
// would refuse some.
const clients = 64

// TestLimiterNeverRefusesConcurrentCorrectRequests: dozens of workers
// behind one address start together, each fetching a token with the
// right secret. Not one gets 429, whether the hash is fast or holds every
// attempt in the middle of its work until all have arrived.
func TestLimiterNeverRefusesConcurrentCorrectRequests(t *testing.T) {
	const addr = "198.51.100.20"
	t.Run("free running, several rounds", func(t *testing.T) {
		l := newLimited(t)
		auth := basic(l.app.SID, l.sec)
		count := concurrently(clients, func(int) int {
			for range 20 {
				if code := l.tokenStatus(auth, addr); code != http.StatusOK {
					return code
				}
			}
			return http.StatusOK
		})
		if count[http.StatusOK] != clients {
			t.Errorf("answers %v, want every worker's 20 requests 200", count)
		}
	})
	t.Run("all in flight at once behind a slow hash", func(t *testing.T) {
		h := &gatedHasher{gate: make(chan struct{})}
		st := newStack(t, nil, stackConfig{
			svc: []oauthapp.Option{oauthapp.WithHasher(h)},
			srv: []oauthhttp.Option{oauthhttp.WithClientAddr(func(r *http.Request) string { return r.Header.Get(addrHeader) })},
		})
		app := st.kit.NewApp(permList)
		auth := basic(app.SID, st.kit.Secret(app.SID))
		done := make(chan map[int]int)
		go func() { done <- concurrently(clients, func(int) int { return st.tokenStatus(auth, addr) }) }()
		waitFor(t, func() bool { return h.compares.Load() == oauthhttp.DefaultClientFailures }, "the first attempts to reach the hash")
		close(h.gate)
		if count := <-done; count[http.StatusOK] != clients {
			t.Errorf("answers %v, want %d × 200", count, clients)
		}
	})
}

// TestLimiterNeverRefusesACorrectClientBesideFailures: workers of one
// deployment share an address with a client that keeps sending a wrong
// secret for another client id. The failures count against that other
// id and the address, and the correct client, with all its requests in
// flight at once, gets no 429. Nor does a client whose own failures have
// left it a single attempt: its concurrent correct requests take turns.
func TestLimiterNeverRefusesACorrectClientBesideFailures(t *testing.T) {
	const addr = "198.51.100.21"
	l := newLimited(t)
	other := l.kit.NewApp(permList)
	wrong := realLookingSecret(t)
	good := basic(l.app.SID, l.sec)
	const failures = 5
	count := concurrently(clients+failures, func(i int) int {
		if i < failures {
			return l.tokenStatus(basic(other.SID, wrong), addr)
		}
		return l.tokenStatus(good, addr)
	})
	if count[http.StatusOK] != clients || count[http.StatusUnauthorized] != failures {
		t.Errorf("answers %v, want %d × 200 for the correct client and %d × 401 for the wrong secret", count, clients, failures)
	}

	t.Run("a client one failure from its limit", func(t *testing.T) {
		const own = "198.51.100.22"
		expectStatus(t, oauthhttp.DefaultClientFailures-1, http.StatusUnauthorized, func(int) answer {
			return l.tokenFrom(t, own, l.app.SID, wrong)
		})
		if count := concurrently(clients, func(int) int { return l.tokenStatus(good, own) }); count[http.StatusOK] != clients {
			t.Errorf("answers %v, want %d × 200", count, clients)
		}
	})
}

// TestMemoryLimiterWaitEndsWithTheContext: an attempt held back while
// others of its key are in flight is refused when its request's context
// ends, and when MaxWait runs out, and takes no place.
func TestMemoryLimiterWaitEndsWithTheContext(t *testing.T) {
	lim, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithClientFailures(1), oauthhttp.WithAddrFailures(-1), oauthhttp.WithMaxWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	a := oauthhttp.Attempt{ClientID: "c", Addr: "a"}
	if _, ok := lim.Allow(ctx, a); !ok {
		t.Fatal("first attempt refused")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if wait, ok := lim.Allow(canceled, a); ok || wait <= 0 {
		t.Errorf("held back with a canceled context: Allow = %v, %v; want a refusal", wait, ok)
	}
	if wait, ok := lim.Allow(ctx, a); ok || wait != time.Second {
		t.Errorf("held back past MaxWait: Allow = %v, %v; want 1s, false", wait, ok)
	}
	lim.Done(ctx, a, false)
	if _, ok := lim.Allow(ctx, a); !ok {
		t.Error("after the attempt in flight succeeded, the next was refused")
	}
	lim.Done(ctx, a, false)
	if n := lim.Len(); n != 0 {
		t.Errorf("tracks %d keys after successes only, want 0", n)
	}
}
