package oauthhttp

import (
	"context"
	"math"
	"sync"
	"time"
)

// Defaults of a MemoryLimiter. A client secret is 280 random bits, so no
// limit stands between an attacker and a guess; the limits bound the hash
// work, audit noise and logs that bad credentials cause. A client that
// fails ten times a minute is misconfigured and will not succeed by
// retrying. The count is per client id and address together, since a
// client id is no secret and a limit by id alone would let anyone lock its
// owner out; one address may carry many clients (a NAT), hence the higher
// limit per address. So failures sent under an id from elsewhere never
// refuse its owner; only clients sharing the attacker's address (one NAT,
// or every client behind a proxy that WithTrustedProxies does not name)
// share its limits.
const (
	// DefaultClientFailures is how many failed authentications one
	// client id may have from one address per DefaultFailureWindow.
	DefaultClientFailures = 10
	// DefaultAddrFailures is how many failed authentications one address
	// may have per DefaultFailureWindow, whatever the client ids.
	DefaultAddrFailures = 30
	// DefaultFailureWindow is the window the limits are counted over.
	DefaultFailureWindow = time.Minute
	// DefaultMaxWait bounds how long Allow holds an attempt back.
	DefaultMaxWait = 10 * time.Second
	// DefaultLimiterKeys bounds the keys a MemoryLimiter tracks: about
	// 200 bytes each.
	DefaultLimiterKeys = 100_000
)

// LimiterOption configures a MemoryLimiter. A bad value makes
// NewMemoryLimiter fail with an error wrapping ErrInvalidOption.
type LimiterOption func(*limiterConfig) error

type limiterConfig struct {
	clientFailures, addrFailures int
	window, maxWait              time.Duration
	maxKeys                      int
	now                          func() time.Time
}

// WithClientFailures sets how many failed authentications one client id
// may have from one address per window. Default DefaultClientFailures;
// negative is no such limit, 0 an error. Attempts whose address is ""
// share one count per client id.
func WithClientFailures(n int) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.clientFailures, n, n == 0, "WithClientFailures: 0 failures would refuse every client; a negative number turns the limit off")
	}
}

// WithAddrFailures sets how many failed authentications one address may
// have per window, whatever the client ids. Default DefaultAddrFailures;
// negative is no limit by address, 0 an error.
func WithAddrFailures(n int) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.addrFailures, n, n == 0, "WithAddrFailures: 0 failures would refuse every client; a negative number turns the limit off")
	}
}

// WithFailureWindow sets the period the limits are counted over. Default
// DefaultFailureWindow; it must be positive.
func WithFailureWindow(d time.Duration) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.window, d, d <= 0, "WithFailureWindow: the window must be positive")
	}
}

// WithLimiterKeys bounds the keys ((client id, address) pairs and
// addresses) tracked at once. Default DefaultLimiterKeys; it must be
// positive. A key is forgotten once nothing is pending on it; when the
// bound is reached all the same, a new key takes the place of the one with
// the fewest pending failures among a few sampled, so the most attacked
// keys stay.
func WithLimiterKeys(n int) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.maxKeys, n, n <= 0, "WithLimiterKeys: the bound must be positive")
	}
}

// WithMaxWait bounds how long Allow holds an attempt back for attempts in
// flight of the same key; an attempt still held back then is refused with
// Retry-After 1. Default DefaultMaxWait; it must be positive. With the
// default SHA-256 hasher a check ends in microseconds: only a pile-up of
// slow checks reaches it.
func WithMaxWait(d time.Duration) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.maxWait, d, d <= 0, "WithMaxWait: the bound must be positive")
	}
}

// WithLimiterClock sets the clock the windows are counted on. Default
// time.Now; give the service's (oauthapp.Metadata.Clock) so both agree, as
// New does for the limiter it builds.
func WithLimiterClock(now func() time.Time) LimiterOption {
	return func(c *limiterConfig) error { return set(&c.now, now, now == nil, "WithLimiterClock: nil clock") }
}

// MemoryLimiter is the in-memory Limiter of one process. It starts no
// goroutine, and its memory is bounded by WithLimiterKeys.
//
// The rule, for each key (a client id from an address, and an address):
// settled failures follow a generic cell rate algorithm, a burst of up to
// the limit, then one more every window/limit, the whole burst back one
// window after the last failure. Allow refuses (the longer wait of the two
// keys) only when settled failures have used the burst. Otherwise it lets
// the attempt through if fewer attempts of the key are in flight than
// failures are left in the burst, so that even if all fail none goes past
// the limit; else it waits for one to end, at most WithMaxWait or until
// the request's context is done.
type MemoryLimiter struct {
	limiterConfig
	// client and addr are the intervals, in ns, between failures once a
	// key's burst is spent (window/limit); 0 is no limit.
	client, addr int64

	mu        sync.Mutex
	keys      map[limitKey]keyState
	lastSweep int64
}

// keyState is what a MemoryLimiter keeps of one key.
type keyState struct {
	// tat is the theoretical arrival time of the settled failures, Unix
	// ns: the burst is spent while tat-now > window-interval.
	tat int64
	// inflight counts the attempts let through whose Done has not come.
	inflight int32
	// wake is closed when an attempt of the key ends, to wake those
	// waiting for a place; nil while none waits.
	wake chan struct{}
}

// idle reports whether the key holds nothing worth keeping at now.
func (k keyState) idle(now int64) bool { return k.tat <= now && k.inflight == 0 }

// limitKey names one count: a client id from an address, or (byAddr) an
// address alone. Its text is held in arrays: a string taken from the
// request would keep the whole body alive, secret included (Go replaces a
// string map key on every assignment). At 63 bytes of each, a limitKey is
// 127 bytes, which Go's maps keep inline. Longer ids and addresses are
// cut: only junk ones are that long, and they share their limit.
type limitKey struct {
	byAddr       bool
	client, addr [63]byte
}

// NewMemoryLimiter returns a MemoryLimiter with the defaults above on the
// wall clock, as opts change them.
func NewMemoryLimiter(opts ...LimiterOption) (*MemoryLimiter, error) {
	l := &MemoryLimiter{limiterConfig: limiterConfig{
		clientFailures: DefaultClientFailures,
		addrFailures:   DefaultAddrFailures,
		window:         DefaultFailureWindow,
		maxKeys:        DefaultLimiterKeys,
		maxWait:        DefaultMaxWait,
		now:            time.Now,
	}, keys: make(map[limitKey]keyState)}
	for _, opt := range opts {
		if err := opt(&l.limiterConfig); err != nil {
			return nil, err
		}
	}
	interval := func(n int) int64 { // of n failures a window; n < 0 is no limit
		if n < 0 {
			return 0
		}
		return max(int64(l.window)/int64(n), 1)
	}
	l.client, l.addr = interval(l.clientFailures), interval(l.addrFailures)
	return l, nil
}

// limit is one limit as it applies to an attempt.
type limit struct {
	interval int64
	k        limitKey
}

// limits returns the limits that apply to a: those set, with something to
// key on.
func (l *MemoryLimiter) limits(a Attempt) (out [2]limit, n int) {
	var k limitKey
	copy(k.addr[:], a.Addr)
	if l.client != 0 && a.ClientID != "" {
		out[n] = limit{l.client, k}
		copy(out[n].k.client[:], a.ClientID)
		n++
	}
	if l.addr != 0 && a.Addr != "" {
		k.byAddr = true
		out[n] = limit{l.addr, k}
		n++
	}
	return out, n
}

// Allow implements Limiter by the rule of MemoryLimiter.
func (l *MemoryLimiter) Allow(ctx context.Context, a Attempt) (time.Duration, bool) {
	lim, n := l.limits(a)
	var stop <-chan struct{}
	for {
		wait, wake := l.try(lim[:n])
		if wake == nil {
			return wait, wait == 0
		}
		if stop == nil {
			ctx, cancel := context.WithTimeout(ctx, l.maxWait)
			defer cancel()
			stop = ctx.Done()
		}
		select {
		case <-wake:
		case <-stop:
			return time.Second, false
		}
	}
}

// try decides an attempt under the lock: refused (wait > 0), let through
// and counted in flight (wait 0, wake nil), or to be held back until wake
// is closed.
func (l *MemoryLimiter) try(lim []limit) (wait time.Duration, wake chan struct{}) {
	now := l.now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	var refuse int64
	full := -1
	for i, x := range lim {
		k := l.keys[x.k]
		refuse = max(refuse, k.tat-now-(int64(l.window)-x.interval))
		left := (int64(l.window) - max(k.tat-now, 0)) / x.interval // failures left in the burst
		if full < 0 && int64(k.inflight) >= left {
			full = i
		}
	}
	switch {
	case refuse > 0:
		return time.Duration(refuse), nil
	case full >= 0: // a key with attempts in flight, so in the map
		k := l.keys[lim[full].k]
		if k.wake == nil {
			k.wake = make(chan struct{})
			l.keys[lim[full].k] = k
		}
		return 0, k.wake
	}
	for _, x := range lim {
		k, ok := l.keys[x.k]
		if !ok {
			l.makeRoom(now)
		}
		k.inflight++
		l.keys[x.k] = k
	}
	return 0, nil
}

// Done implements Limiter: it counts a failure when failed, frees the
// attempt's place and wakes those waiting for one.
func (l *MemoryLimiter) Done(_ context.Context, a Attempt, failed bool) {
	lim, n := l.limits(a)
	now := l.now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range lim[:n] {
		k, ok := l.keys[x.k]
		if !ok || k.inflight == 0 {
			continue // evicted meanwhile
		}
		k.inflight--
		if failed {
			k.tat = max(k.tat, now) + x.interval
		}
		if k.wake != nil {
			close(k.wake)
			k.wake = nil
		}
		if k.idle(now) {
			delete(l.keys, x.k)
		} else {
			l.keys[x.k] = k
		}
	}
}

// makeRoom drops idle keys once a window (once a second while the map is
// full) and keeps the map below maxKeys, evicting as WithLimiterKeys says.
// The attempts waiting on an evicted key are woken to decide again.
func (l *MemoryLimiter) makeRoom(now int64) {
	full := len(l.keys) >= l.maxKeys
	if since := now - l.lastSweep; since >= int64(l.window) || full && since >= int64(time.Second) {
		l.lastSweep = now
		for k, st := range l.keys {
			if st.idle(now) {
				delete(l.keys, k)
			}
		}
	}
	if len(l.keys) < l.maxKeys {
		return
	}
	victim, oldest, sample := limitKey{}, int64(math.MaxInt64), 8
	for k, st := range l.keys {
		if st.tat < oldest {
			victim, oldest = k, st.tat
		}
		if sample--; sample == 0 {
			break
		}
	}
	if w := l.keys[victim].wake; w != nil {
		close(w)
	}
	delete(l.keys, victim)
}

// Len returns how many keys the limiter tracks.
func (l *MemoryLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
