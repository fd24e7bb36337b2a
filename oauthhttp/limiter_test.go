package oauthhttp_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/secret"
)

// addrHeader names the client address in these tests, the way a trusted
// proxy would: WithClientAddr reads it.
const addrHeader = "X-Test-Client-Addr"

// limited is a stack whose limiter names clients by addrHeader and whose
// service counts hash comparisons.
type limited struct {
	*stack
	hasher *countingHasher
	app    oauthapp.App
	sec    string
}

func newLimited(t *testing.T) *limited {
	hasher := &countingHasher{}
	st := newStack(t, nil, stackConfig{
		svc: []oauthapp.Option{oauthapp.WithHasher(hasher)},
		srv: []oauthhttp.Option{oauthhttp.WithClientAddr(func(r *http.Request) string { return r.Header.Get(addrHeader) })},
	})
	app := st.kit.NewApp(permList)
	return &limited{stack: st, hasher: hasher, app: app, sec: st.kit.Secret(app.SID)}
}

// tokenFrom asks for a token from an address.
func (l *limited) tokenFrom(t *testing.T, addr, id, sec string) answer {
	t.Helper()
	return l.tokenWith(t, "grant_type=client_credentials", addr, id, sec)
}

// tokenWith sends a token request of that body from an address.
func (l *limited) tokenWith(t *testing.T, body, addr, id, sec string) answer {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, l.ts.URL+oauthhttp.TokenPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", formType)
	r.Header.Set("Authorization", basic(id, sec))
	r.Header.Set(addrHeader, addr)
	return l.do(t, r)
}

// expectStatus sends n requests and wants each answered with status.
func expectStatus(t *testing.T, n, status int, send func(i int) answer) {
	t.Helper()
	for i := range n {
		if a := send(i); a.status != status {
			t.Fatalf("request %d of %d: %d %s, want %d", i+1, n, a.status, a.body, status)
		}
	}
}

// checkTooMany checks a 429 answer: Retry-After in whole seconds, an OAuth
// error body, not cached.
func checkTooMany(t *testing.T, a answer, retryAfter string) {
	t.Helper()
	if a.status != http.StatusTooManyRequests || a.code() != oauthhttp.CodeTemporarilyUnavailable {
		t.Fatalf("answer %d %s, want 429 %s", a.status, a.body, oauthhttp.CodeTemporarilyUnavailable)
	}
	if got := a.header.Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After %q, want %q", got, retryAfter)
	}
	if got := a.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
}

func TestLimiterHoldsBackAClientAndLetsItRecover(t *testing.T) {
	l := newLimited(t)
	wrong := realLookingSecret(t)
	const addr = "198.51.100.7"

	expectStatus(t, oauthhttp.DefaultClientFailures, http.StatusUnauthorized, func(int) answer {
		return l.tokenFrom(t, addr, l.app.SID, wrong)
	})
	before := l.hasher.compares.Load()
	t.Run("over the limit even the right secret gets 429 before any hash work", func(t *testing.T) {
		checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, l.sec), "6")
		if n := l.hasher.compares.Load() - before; n != 0 {
			t.Errorf("%d hash comparisons behind a 429", n)
		}
	})
	t.Run("Retry-After counts down with the clock", func(t *testing.T) {
		l.kit.Advance(2500 * time.Millisecond)
		checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, l.sec), "4")
	})
	t.Run("one attempt comes back every window/limit", func(t *testing.T) {
		l.kit.Advance(3500 * time.Millisecond)
		expectStatus(t, 1, http.StatusOK, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, l.sec) })
		expectStatus(t, 1, http.StatusUnauthorized, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, wrong) })
		checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, l.sec), "6")
	})
	t.Run("a window after the last failure the whole allowance is back", func(t *testing.T) {
		l.kit.Advance(oauthhttp.DefaultFailureWindow)
		expectStatus(t, oauthhttp.DefaultClientFailures, http.StatusUnauthorized, func(int) answer {
			return l.tokenFrom(t, addr, l.app.SID, wrong)
		})
		checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, wrong), "6")
	})
}

func TestLimiterDoesNotCountSuccesses(t *testing.T) {
	l := newLimited(t)
	wrong := realLookingSecret(t)
	const addr = "198.51.100.8"
	expectStatus(t, oauthhttp.DefaultClientFailures-1, http.StatusUnauthorized, func(int) answer {
		return l.tokenFrom(t, addr, l.app.SID, wrong)
	})
	expectStatus(t, 100, http.StatusOK, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, l.sec) })
	expectStatus(t, 1, http.StatusUnauthorized, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, wrong) })
	checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, l.sec), "6")
}

func TestLimiterCountsOnlyRefusedCredentials(t *testing.T) {
	l := newLimited(t)
	wrong := realLookingSecret(t)
	const addr = "198.51.100.9"
	expectStatus(t, 2*oauthhttp.DefaultClientFailures, http.StatusBadRequest, func(int) answer {
		return l.tokenWith(t, "grant_type=client_credentials&scope="+permRead, addr, l.app.SID, l.sec)
	})
	expectStatus(t, 2*oauthhttp.DefaultClientFailures, http.StatusBadRequest, func(int) answer {
		return l.tokenWith(t, "grant_type=client_credentials&resource=https://elsewhere.example/api", addr, l.app.SID, l.sec)
	})
	expectStatus(t, oauthhttp.DefaultClientFailures-1, http.StatusUnauthorized, func(int) answer {
		return l.tokenFrom(t, addr, l.app.SID, wrong)
	})
	expectStatus(t, 1, http.StatusOK, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, l.sec) })
	expectStatus(t, 1, http.StatusUnauthorized, func(int) answer { return l.tokenFrom(t, addr, l.app.SID, wrong) })
	checkTooMany(t, l.tokenFrom(t, addr, l.app.SID, l.sec), "6")
}

// TestLimiterDoesNotLetOthersLockAClientOut: a client id is no secret (it
// is in every token), so failures others cause with it, from any number of
// addresses, must not keep its owner out.
func TestLimiterDoesNotLetOthersLockAClientOut(t *testing.T) {
	l := newLimited(t)
	wrong := realLookingSecret(t)
	addr := func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }
	expectStatus(t, 3*oauthhttp.DefaultClientFailures, http.StatusUnauthorized, func(i int) answer {
		return l.tokenFrom(t, addr(i), l.app.SID, wrong)
	})
	const attacker = "192.0.2.66"
	expectStatus(t, oauthhttp.DefaultClientFailures, http.StatusUnauthorized, func(int) answer {
		return l.tokenFrom(t, attacker, l.app.SID, wrong)
	})
	t.Run("the address that used the client id's failures gets 429 for it", func(t *testing.T) {
		checkTooMany(t, l.tokenFrom(t, attacker, l.app.SID, wrong), "6")
	})
	t.Run("the client from its own address still gets its token", func(t *testing.T) {
		expectStatus(t, 1, http.StatusOK, func(int) answer { return l.tokenFrom(t, "198.51.100.1", l.app.SID, l.sec) })
	})
}

// gatedHasher is SHA-256 whose comparisons count themselves and then wait
// until the gate is closed, so that a test holds attempts in the middle of
// their hash work.
type gatedHasher struct {
	secret.SHA256
	gate     chan struct{}
	compares atomic.Int64
}

func (h *gatedHasher) Compare(encoded string, s secret.Secret) bool {
	h.compares.Add(1)
	<-h.gate
	return h.SHA256.Compare(encoded, s)
}

// TestLimiterChecksNoMoreConcurrentBadAttemptsThanTheLimit: requests that
// arrive together are let through only while those in flight could not
// use up the failures left, so while the first ones are still hashing,
// the rest wait, and once those have failed, the rest are refused: no
// more hash work than the limit, however slow the hash.
func TestLimiterChecksNoMoreConcurrentBadAttemptsThanTheLimit(t *testing.T) {
	h := &gatedHasher{gate: make(chan struct{})}
	st := newStack(t, nil, stackConfig{svc: []oauthapp.Option{oauthapp.WithHasher(h)}})
	app := st.kit.NewApp(permList)
	wrong := realLookingSecret(t)
	const n = 4 * oauthhttp.DefaultClientFailures
	codes := make(chan int, n)
	for range n {
		go func() { codes <- st.tokenStatus(basic(app.SID, wrong), "") }()
	}
	defer func() {
		select {
		case <-h.gate:
		default:
			close(h.gate)
		}
	}()
	waitFor(t, func() bool { return h.compares.Load() == oauthhttp.DefaultClientFailures }, "the limit of attempts in the hash")
	select {
	case code := <-codes:
		t.Fatalf("while %d attempts hash, another was answered %d; want it held back", h.compares.Load(), code)
	case <-time.After(100 * time.Millisecond):
	}
	if got := h.compares.Load(); got != oauthhttp.DefaultClientFailures {
		t.Fatalf("%d attempts in the hash at once, want the limit, %d", got, oauthhttp.DefaultClientFailures)
	}
	close(h.gate)
	count := map[int]int{}
	for range n {
		count[<-codes]++
	}
	if count[http.StatusUnauthorized] != oauthhttp.DefaultClientFailures || count[http.StatusTooManyRequests] != n-oauthhttp.DefaultClientFailures {
		t.Errorf("answers %v, want %d × 401 and %d × 429", count, oauthhttp.DefaultClientFailures, n-oauthhttp.DefaultClientFailures)
	}
	if got := h.compares.Load(); got != oauthhttp.DefaultClientFailures {
		t.Errorf("%d hash comparisons for %d concurrent attempts, want the limit, %d", got, n, oauthhttp.DefaultClientFailures)
	}
}

func TestLimiterLimitsAnAddressAcrossClientIDs(t *testing.T) {
	l := newLimited(t)
	const attacker, other = "192.0.2.66", "192.0.2.67"
	expectStatus(t, oauthhttp.DefaultAddrFailures, http.StatusUnauthorized, func(int) answer {
		return l.tokenFrom(t, attacker, oauthapptest.NewSID("OQ"), realLookingSecret(t))
	})
	t.Run("the address gets 429 whatever client id it tries", func(t *testing.T) {
		checkTooMany(t, l.tokenFrom(t, attacker, l.app.SID, l.sec), "2")
	})
	t.Run("another address is not held back", func(t *testing.T) {
		expectStatus(t, 1, http.StatusOK, func(int) answer { return l.tokenFrom(t, other, l.app.SID, l.sec) })
	})
}

func TestLimiterGuardsIntrospectionAndRevocation(t *testing.T) {
	for _, path := range []string{oauthhttp.IntrospectionPath, oauthhttp.RevocationPath} {
		t.Run(path, func(t *testing.T) {
			l := newLimited(t)
			tok := l.issue(t, l.app.SID, l.sec, "")
			wrong := realLookingSecret(t)
			expectStatus(t, oauthhttp.DefaultClientFailures, http.StatusUnauthorized, func(int) answer {
				return l.post(t, path, "token="+tok, basic(l.app.SID, wrong))
			})
			before := l.hasher.compares.Load()
			checkTooMany(t, l.post(t, path, "token="+tok, basic(l.app.SID, l.sec)), "6")
			checkTooMany(t, l.post(t, oauthhttp.TokenPath, "grant_type=client_credentials", basic(l.app.SID, l.sec)), "6")
			if n := l.hasher.compares.Load() - before; n != 0 {
				t.Errorf("%d hash comparisons behind a 429", n)
			}
		})
	}
}

func TestRemoteHost(t *testing.T) {
	for _, tc := range []struct{ name, remote, want string }{
		{"an IPv4 address loses its port", "192.0.2.1:5555", "192.0.2.1"},
		{"an IPv6 address becomes its /64", "[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"two hosts of one /64 share a key", "[2001:db8:1:2::99]:1", "2001:db8:1:2::/64"},
		{"an IPv6 zone is dropped", "[fe80::1%eth0]:80", "fe80::/64"},
		{"an IPv4-mapped address is the IPv4 address", "[::ffff:192.0.2.1]:80", "192.0.2.1"},
		{"an address without a port is kept", "192.0.2.9", "192.0.2.9"},
		{"something else is kept as it is", "@unix-socket", "@unix-socket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", nil)
			r.RemoteAddr = tc.remote
			if got := oauthhttp.RemoteHost(r); got != tc.want {
				t.Errorf("RemoteHost(%q) = %q, want %q", tc.remote, got, tc.want)
			}
		})
	}
}

func TestLimiterOptionsRefuseNil(t *testing.T) {
	kit := newBareKit(t)
	for name, opt := range map[string]oauthhttp.Option{
		"WithLimiter(nil)":    oauthhttp.WithLimiter(nil),
		"WithClientAddr(nil)": oauthhttp.WithClientAddr(nil),
	} {
		if _, err := oauthhttp.New(kit.Service, opt); !errors.Is(err, oauthhttp.ErrInvalidOption) {
			t.Errorf("%s: err %v, want ErrInvalidOption", name, err)
		}
	}
	for name, opt := range map[string]oauthhttp.LimiterOption{
		"WithClientFailures(0)":  oauthhttp.WithClientFailures(0),
		"WithAddrFailures(0)":    oauthhttp.WithAddrFailures(0),
		"WithFailureWindow(-1s)": oauthhttp.WithFailureWindow(-time.Second),
		"WithFailureWindow(0)":   oauthhttp.WithFailureWindow(0),
		"WithLimiterKeys(-1)":    oauthhttp.WithLimiterKeys(-1),
		"WithMaxWait(-1s)":       oauthhttp.WithMaxWait(-time.Second),
		"WithLimiterClock(nil)":  oauthhttp.WithLimiterClock(nil),
	} {
		if _, err := oauthhttp.NewMemoryLimiter(opt); !errors.Is(err, oauthhttp.ErrInvalidOption) {
			t.Errorf("NewMemoryLimiter(%s): err %v, want ErrInvalidOption", name, err)
		}
	}
}

// TestDefaultLimiterFollowsTheServiceClock: without WithLimiter, the
// failures age out on the service's clock, so a test that advances a fake
// clock sees the allowance come back without waiting a real minute.
func TestDefaultLimiterFollowsTheServiceClock(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer)))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	app := kit.NewApp(permList)
	wrong := realLookingSecret(t)
	ask := func(sec string) int {
		r := httptest.NewRequest(http.MethodPost, oauthhttp.TokenPath, strings.NewReader("grant_type=client_credentials"))
		r.Header.Set("Content-Type", formType)
		r.Header.Set("Authorization", basic(app.SID, sec))
		w := httptest.NewRecorder()
		srv.Token().ServeHTTP(w, r)
		return w.Code
	}
	for i := range oauthhttp.DefaultClientFailures {
		if code := ask(wrong); code != http.StatusUnauthorized {
			t.Fatalf("failure %d answered %d, want 401", i+1, code)
		}
	}
	if code := ask(kit.Secret(app.SID)); code != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %d, want 429", code)
	}
	kit.Advance(oauthhttp.DefaultFailureWindow)
	if code := ask(kit.Secret(app.SID)); code != http.StatusOK {
		t.Fatalf("a window later on the service's clock: %d, want 200", code)
	}
}
