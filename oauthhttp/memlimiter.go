package oauthhttp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Defaults of MemoryLimits.
//
// A client secret is 256 random bits, so no limit here stands between an
// attacker and a guess; the limits bound the hash work, audit noise and
// log volume a stream of bad credentials causes. A client that fails ten
// times a minute is misconfigured and will not succeed by retrying, so
// DefaultClientFailures holds nobody back who could get in. One address
// may carry several clients (a NAT, a deployment running many apps),
// hence the higher DefaultAddrFailures; an attacker spreading a search
// over many addresses still meets the per-client limit.
const (
	// DefaultClientFailures is how many failed authentications one client
	// id may have per DefaultFailureWindow.
	DefaultClientFailures = 10
	// DefaultAddrFailures is how many failed authentications one address
	// may have per DefaultFailureWindow, whatever the client ids.
	DefaultAddrFailures = 30
	// DefaultFailureWindow is the window the failure limits are counted
	// over.
	DefaultFailureWindow = time.Minute
	// DefaultLimiterKeys bounds the client ids and addresses a
	// MemoryLimiter tracks at once: at most about 150 bytes each.
	DefaultLimiterKeys = 100_000
)

// maxKeyLen bounds the bytes of a client id or address a MemoryLimiter
// keeps: longer keys are cut. Real client ids and addresses are shorter;
// only junk ids collide, and they share their limit.
const maxKeyLen = 64

// MemoryLimits configures a MemoryLimiter. The zero value is the
// defaults.
type MemoryLimits struct {
	// ClientFailures is how many failed authentications one client id may
	// have per Window: 0 is DefaultClientFailures, negative is no limit
	// by client id.
	ClientFailures int
	// AddrFailures is how many failed authentications one address may
	// have per Window: 0 is DefaultAddrFailures, negative is no limit by
	// address.
	AddrFailures int
	// Window is the period the limits are counted over: 0 is
	// DefaultFailureWindow.
	Window time.Duration
	// MaxKeys bounds the keys tracked at once: 0 is DefaultLimiterKeys.
	// When full, expired keys are dropped first, then the keys with the
	// fewest recent failures.
	MaxKeys int
	// Now is the clock: nil is time.Now. Give the service's clock
	// (oauthapp.Service.Now) so that both agree.
	Now func() time.Time
}

// MemoryLimiter is the in-memory Limiter: it limits failed authentications
// per client id and per address within one process. It starts no
// goroutine; memory is bounded by MaxKeys, and a key whose failures have
// all aged out of the window is forgotten.
//
// Each key is a generic cell rate algorithm: a burst of up to the limit of
// failures is allowed, then one more every Window/limit. So a key that
// used its burst recovers it in full one Window after its last failure,
// and meanwhile gets one attempt back every Window/limit.
type MemoryLimiter struct {
	client, addr rate
	window       int64
	maxKeys      int
	now          func() time.Time

	mu        sync.RWMutex
	tat       map[limitKey]int64 // theoretical arrival time, Unix ns
	lastSweep int64
}

// rate is one limit: interval between failures once the burst is spent,
// and the burst's span (the window). A zero interval is no limit.
type rate struct {
	interval, window int64
}

type limitKey struct {
	byAddr bool
	key    string
}

// NewMemoryLimiter returns a MemoryLimiter with the given limits. It fails
// (with ErrInvalidOption) for a negative Window or MaxKeys.
func NewMemoryLimiter(l MemoryLimits) (*MemoryLimiter, error) {
	if l.Window < 0 || l.MaxKeys < 0 {
		return nil, fmt.Errorf("%w: NewMemoryLimiter: negative Window or MaxKeys", ErrInvalidOption)
	}
	if l.Window == 0 {
		l.Window = DefaultFailureWindow
	}
	if l.MaxKeys == 0 {
		l.MaxKeys = DefaultLimiterKeys
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	return &MemoryLimiter{
		client:  newRate(l.ClientFailures, DefaultClientFailures, l.Window),
		addr:    newRate(l.AddrFailures, DefaultAddrFailures, l.Window),
		window:  int64(l.Window),
		maxKeys: l.MaxKeys,
		now:     l.Now,
		tat:     make(map[limitKey]int64),
	}, nil
}

func newRate(n, def int, window time.Duration) rate {
	switch {
	case n < 0:
		return rate{}
	case n == 0:
		n = def
	}
	return rate{interval: max(int64(window)/int64(n), 1), window: int64(window)}
}

// Allow refuses an attempt whose client id or address has used its
// failures; retryAfter is the longer wait of the two.
func (l *MemoryLimiter) Allow(_ context.Context, a Attempt) (time.Duration, bool) {
	now := l.now().UnixNano()
	l.mu.RLock()
	defer l.mu.RUnlock()
	wait := max(l.wait(l.client, limitKey{key: cut(a.ClientID)}, now), l.wait(l.addr, limitKey{byAddr: true, key: cut(a.Addr)}, now))
	return time.Duration(wait), wait <= 0
}

// wait is how long until the key may fail once more; <= 0 is now.
func (l *MemoryLimiter) wait(r rate, k limitKey, now int64) int64 {
	if r.interval == 0 || k.key == "" {
		return 0
	}
	tat, ok := l.tat[k]
	if !ok {
		return 0
	}
	return tat - now - (r.window - r.interval)
}

// Fail counts a failure against the attempt's client id and address.
func (l *MemoryLimiter) Fail(_ context.Context, a Attempt) {
	now := l.now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fail(l.client, limitKey{key: cut(a.ClientID)}, now)
	l.fail(l.addr, limitKey{byAddr: true, key: cut(a.Addr)}, now)
}

func (l *MemoryLimiter) fail(r rate, k limitKey, now int64) {
	if r.interval == 0 || k.key == "" {
		return
	}
	tat, ok := l.tat[k]
	if !ok {
		l.makeRoom(now)
		// The key usually points into a request body: keep a copy, not
		// the body.
		k.key = strings.Clone(k.key)
		tat = now
	}
	l.tat[k] = max(tat, now) + r.interval
}

// makeRoom drops the keys whose failures have all aged out, once a window
// (once a second while the map is full), and keeps the map below maxKeys:
// when sweeping is not enough, it drops the key with the fewest pending
// failures among a few it samples, so the most attacked keys stay.
func (l *MemoryLimiter) makeRoom(now int64) {
	full := len(l.tat) >= l.maxKeys
	if since := now - l.lastSweep; since >= l.window || full && since >= int64(time.Second) {
		l.lastSweep = now
		for k, tat := range l.tat {
			if tat <= now {
				delete(l.tat, k)
			}
		}
	}
	for len(l.tat) >= l.maxKeys {
		var victim limitKey
		oldest, n := int64(0), 0
		for k, tat := range l.tat {
			if n == 0 || tat < oldest {
				victim, oldest = k, tat
			}
			if n++; n == 8 {
				break
			}
		}
		delete(l.tat, victim)
	}
}

// Len returns how many client ids and addresses the limiter tracks.
func (l *MemoryLimiter) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.tat)
}

func cut(s string) string {
	if len(s) > maxKeyLen {
		return s[:maxKeyLen]
	}
	return s
}
