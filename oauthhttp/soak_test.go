package oauthhttp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

var (
	soakFor = flag.Duration("soak", 0, "how long TestSoak runs (default 3s, 1s with -short)")
	soakMax = flag.Int64("soak-requests", 1_000_000, "the most requests TestSoak sends")
)

// Soak shape: clients, the app population, and how fast simulated time
// runs (every tick of real time moves the fake clock by simTick).
const (
	soakClients = 8
	soakApps    = 16
	realTick    = 5 * time.Millisecond
	simTick     = 30 * time.Second
	purgeEvery  = 20 // ticks: every 10 simulated minutes
)

// TestSoak runs concurrent clients against a full stack over loopback
// HTTP (issuing tokens, calling the API, revoking tokens) while other
// goroutines rotate secrets (with and without grace) and delete and
// replace apps, and the fake clock races ahead so that tokens expire and
// revocations become purgeable, as a scheduled Purge would find
// them. It stops at a fixed duration or a fixed request count, whichever
// comes first, and asserts no 5xx, no authorization of an app whose
// deletion had returned before the request started, no authorization of
// a token whose revocation had returned, and a heap that does not grow
// between the start and the end of the load.
//
// go test -run TestSoak -v ./oauthhttp/ -soak=20s runs the long mode (the
// flag after the package).
func TestSoak(t *testing.T) {
	dur := *soakFor
	if dur == 0 {
		dur = 3 * time.Second
		if testing.Short() {
			dur = time.Second
		}
	}
	// Every client comes from loopback: limit by client id only.
	s := newSoak(t, newStack(t, []oauthhttp.LimiterOption{oauthhttp.WithAddrFailures(-1)}, stackConfig{}))
	deadline := time.Now().Add(dur)
	done := func() bool { return s.sent.Load() >= *soakMax || time.Now().After(deadline) }

	var wg sync.WaitGroup
	spawn := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	for i := range soakClients {
		spawn(func() { s.client(t, uint64(i), done) })
	}
	spawn(func() { s.rotator(done) })
	spawn(func() { s.replacer(t, done) })
	spawn(func() { s.clock(t, done) })

	time.Sleep(dur / 5) // warm-up: connections, pools, the first tokens
	startHeap := heapAfterGC()
	wg.Wait()
	// The scheduled purge, once every token of the run has expired.
	s.st.kit.Advance(2 * oauthapp.DefaultTokenTTL)
	s.purge(t)
	s.st.client.CloseIdleConnections()
	endHeap := heapAfterGC()

	t.Logf("soak %v: %d requests (%d token, %d API, %d revocation), %d API calls served, %d tokens, %d revoked, %d revocations purged",
		dur, s.sent.Load(), s.tokenReqs.Load(), s.apiReqs.Load(), s.revokeReqs.Load(), s.st.served.Load(), s.issued.Load(), s.revoked.Load(), s.purged.Load())
	t.Logf("soak: %d rotations (%d with grace 0), %d apps deleted and replaced, %v simulated; statuses %s",
		s.rotations.Load(), s.kills.Load(), s.deletions.Load(), s.st.kit.Clock.Now().Sub(s.epoch).Round(time.Minute), s.statuses())
	t.Logf("soak: heap in use after GC %.1f MiB at the start, %.1f MiB at the end",
		float64(startHeap)/(1<<20), float64(endHeap)/(1<<20))

	if n := s.status5xx.Load(); n != 0 {
		t.Errorf("%d answers were 5xx", n)
	}
	if n := s.deletedServed.Load(); n != 0 {
		t.Errorf("%d requests of deleted apps were authorized after the deletion returned", n)
	}
	if n := s.revokedServed.Load(); n != 0 {
		t.Errorf("%d revoked tokens were honoured after the revocation returned", n)
	}
	if s.st.served.Load() == 0 || s.deletions.Load() == 0 || s.rotations.Load() == 0 || s.purged.Load() == 0 {
		t.Errorf("the soak did too little to prove anything")
	}
	// Allow for noise: pools and the runtime settle, -race adds shadow
	// memory. Growth with time would be proportional to the requests.
	if limit := startHeap + startHeap/2 + 1<<20; endHeap > limit {
		t.Errorf("heap grew from %d to %d bytes", startHeap, endHeap)
	}
}

// soak is the shared state of the soak's goroutines.
type soak struct {
	st    *stack
	epoch time.Time

	mu      sync.RWMutex
	live    map[string]string // app SID -> current secret
	deleted map[string]int64  // app SID -> seq when its deletion returned

	seq                                     atomic.Int64 // orders request starts and deletions
	sent, tokenReqs, apiReqs, revokeReqs    atomic.Int64
	issued, revoked, purged                 atomic.Int64
	rotations, kills, deletions             atomic.Int64
	status5xx, deletedServed, revokedServed atomic.Int64
	byStatus                                sync.Map // int -> *atomic.Int64
}

func newSoak(t *testing.T, st *stack) *soak {
	s := &soak{st: st, epoch: st.kit.Clock.Now(), live: map[string]string{}, deleted: map[string]int64{}}
	// Enough idle connections for every client, so the run does not
	// churn through ephemeral ports.
	tr := st.client.Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = soakClients * 2
	st.client = &http.Client{Transport: tr}
	t.Cleanup(tr.CloseIdleConnections)
	for range soakApps {
		s.add(t)
	}
	return s
}

// add creates an app through the service (not the kit, which would
// remember every app of the run).
func (s *soak) add(t *testing.T) {
	app, sec, err := s.st.kit.Service.CreateApp(context.Background(), s.st.kit.Owner, oauthapp.NewApp{
		FriendlyName: "soak", Permissions: oauthapp.Permissions{Allow: []string{permList, permRead}},
	})
	if err != nil {
		t.Errorf("creating an app: %v", err)
		return
	}
	s.mu.Lock()
	s.live[app.SID] = sec.Reveal()
	s.mu.Unlock()
}

// pick returns a live app and the secret it last got.
func (s *soak) pick(rng *rand.Rand) (sid, secret string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := rng.IntN(len(s.live))
	for sid, secret = range s.live {
		if n == 0 {
			break
		}
		n--
	}
	return sid, secret
}

// count records an answer's status.
func (s *soak) count(status int) {
	s.sent.Add(1)
	if status >= 500 {
		s.status5xx.Add(1)
	}
	v, _ := s.byStatus.LoadOrStore(status, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (s *soak) statuses() string {
	var b strings.Builder
	s.byStatus.Range(func(k, v any) bool {
		b.WriteString(" ")
		b.WriteString(http.StatusText(k.(int)))
		b.WriteString("=")
		b.WriteString(strconv.FormatInt(v.(*atomic.Int64).Load(), 10))
		return true
	})
	return strings.TrimSpace(b.String())
}

// client is one OAuth client: it gets a token, uses it until it stops
// working, sometimes revokes it and checks that it is dead, and starts
// again with whatever app and secret are live.
func (s *soak) client(t *testing.T, id uint64, done func() bool) {
	rng := rand.New(rand.NewPCG(id, 42))
	for !done() {
		sid, sec := s.pick(rng)
		a := s.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(sid, sec))
		s.tokenReqs.Add(1)
		if a.status != http.StatusOK {
			continue // rotated away, deleted or held back: pick again
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal([]byte(a.body), &tok); err != nil {
			t.Errorf("token answer %q: %v", a.body, err)
			return
		}
		s.issued.Add(1)
		account := accountOf(tok.AccessToken)
		for range 1 + rng.IntN(20) {
			if done() || s.call(t, account, tok.AccessToken, sid, 0) != http.StatusOK {
				break
			}
		}
		if rng.IntN(4) == 0 && !done() {
			a := s.post(t, oauthhttp.RevocationPath, "token="+url.QueryEscape(tok.AccessToken), basic(sid, sec))
			s.revokeReqs.Add(1)
			if a.status == http.StatusOK {
				s.revoked.Add(1)
				s.call(t, account, tok.AccessToken, sid, s.seq.Add(1))
			}
		}
	}
}

// accountOf reads the account claim of a token the test just got.
func accountOf(tok string) string {
	parts := strings.Split(tok, ".")
	var c struct {
		Account string `json:"account_sid"`
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(b, &c)
	return c.Account
}

// call uses a token on the API. A request that starts after the app's
// deletion returned, or after the token's revocation returned
// (revokedAt > 0), must not be authorized.
func (s *soak) call(t *testing.T, account, tok, sid string, revokedAt int64) int {
	start := s.seq.Add(1)
	a := s.get(t, messages(account), tok)
	s.apiReqs.Add(1)
	if a.status == http.StatusOK {
		s.mu.RLock()
		deletedAt, gone := s.deleted[sid]
		s.mu.RUnlock()
		if gone && deletedAt < start {
			s.deletedServed.Add(1)
		}
		if revokedAt > 0 {
			s.revokedServed.Add(1)
		}
	}
	return a.status
}

func (s *soak) post(t *testing.T, path, body, auth string) answer {
	r, _ := http.NewRequest(http.MethodPost, s.st.ts.URL+path, strings.NewReader(body))
	r.Header.Set("Content-Type", formType)
	r.Header.Set("Authorization", auth)
	return s.send(t, r)
}

func (s *soak) get(t *testing.T, path, tok string) answer {
	r, _ := http.NewRequest(http.MethodGet, s.st.ts.URL+path, nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return s.send(t, r)
}

// send is stack.do for goroutines other than the test's: a transport
// failure is an error of the test, not a fatal one.
func (s *soak) send(t *testing.T, r *http.Request) answer {
	resp, err := s.st.client.Do(r)
	if err != nil {
		t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
		return answer{}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading the answer: %v", r.Method, r.URL.Path, err)
	}
	s.count(resp.StatusCode)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// rotator rotates a random app's secret every few milliseconds: a grace
// of 0 (the compromise button) a third of the time, else 5 minutes or an
// hour of simulated time.
func (s *soak) rotator(done func() bool) {
	rng := rand.New(rand.NewPCG(7, 7))
	graces := []time.Duration{0, 5 * time.Minute, time.Hour}
	for !done() {
		time.Sleep(3 * time.Millisecond)
		sid, _ := s.pick(rng)
		grace := graces[rng.IntN(len(graces))]
		_, sec, err := s.st.kit.Service.RotateSecret(context.Background(), s.st.kit.Owner, sid, oauthapp.Rotation{Grace: oauthapp.Grace(grace)})
		if err != nil {
			continue // deleted meanwhile
		}
		s.mu.Lock()
		if _, ok := s.live[sid]; ok {
			s.live[sid] = sec.Reveal()
		}
		s.mu.Unlock()
		s.rotations.Add(1)
		if grace == 0 {
			s.kills.Add(1)
		}
	}
}

// replacer deletes a random app every few milliseconds and creates another
// in its place.
func (s *soak) replacer(t *testing.T, done func() bool) {
	rng := rand.New(rand.NewPCG(9, 9))
	for !done() {
		time.Sleep(7 * time.Millisecond)
		sid, _ := s.pick(rng)
		if err := s.st.kit.Service.DeleteApp(context.Background(), s.st.kit.Owner, sid, 0); err != nil {
			t.Errorf("deleting %s: %v", sid, err)
			return
		}
		s.mu.Lock()
		s.deleted[sid] = s.seq.Add(1)
		delete(s.live, sid)
		s.mu.Unlock()
		s.deletions.Add(1)
		s.add(t)
	}
}

// clock moves simulated time on and purges expired revocations every ten
// simulated minutes, the way a deployment schedules Purge.
func (s *soak) clock(t *testing.T, done func() bool) {
	for tick := 1; !done(); tick++ {
		time.Sleep(realTick)
		s.st.kit.Advance(simTick)
		if tick%purgeEvery == 0 {
			s.purge(t)
		}
	}
}

func (s *soak) purge(t *testing.T) {
	p, err := s.st.kit.Service.Purge(context.Background())
	if err != nil {
		t.Errorf("Purge: %v", err)
	}
	s.purged.Add(int64(p.Revocations))
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
