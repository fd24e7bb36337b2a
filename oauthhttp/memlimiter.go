package oauthhttp

import (
	"context"
	"math"
	"sync"
	"time"
)

// Defaults of a MemoryLimiter; its options (LimiterOption) change them.
//
// A client secret is 280 random bits, so no limit here stands between an
// attacker and a guess; the limits bound the hash work, audit noise and
// log volume a stream of bad credentials causes. A client that fails ten
// times a minute is misconfigured and will not succeed by retrying, so
// DefaultClientFailures holds nobody back who could get in. It counts per
// client id and address together: a client id is no secret (it is in
// every token), so a limit by client id alone would let anyone who knows
// one lock its owner out. One address may carry several clients (a NAT, a
// deployment running many apps), hence the higher DefaultAddrFailures,
// which bounds the hash work one address can cause whatever client ids
// it tries.
const (
	// DefaultClientFailures is how many failed authentications one
	// client id may have from one address per DefaultFailureWindow.
	DefaultClientFailures = 10
	// DefaultAddrFailures is how many failed authentications one address
	// may have per DefaultFailureWindow, whatever the client ids.
	DefaultAddrFailures = 30
	// DefaultFailureWindow is the window the failure limits are counted
	// over.
	DefaultFailureWindow = time.Minute
	// DefaultMaxWait bounds how long Allow holds an attempt back while
	// attempts of the same key are in flight.
	DefaultMaxWait = 10 * time.Second
	// DefaultLimiterKeys bounds the (client id, address) pairs and
	// addresses a MemoryLimiter tracks at once: about 200 bytes each,
	// whatever the requests held.
	DefaultLimiterKeys = 100_000
)

// maxKeyLen bounds the bytes of a client id or address a MemoryLimiter
// keeps: longer ones are cut, shorter ones padded with zero bytes. Real
// client ids and addresses are shorter and hold no zero byte; only junk
// ids collide, and they share their limit. At 63, a limitKey is 127
// bytes: Go's maps keep keys of up to 128 bytes inline, and allocate for
// larger ones on every insert.
const maxKeyLen = 63

// MemoryLimiter is the in-memory Limiter: it limits failed authentications
// per client id and address, and per address, within one process. It
// starts no goroutine; memory is bounded by WithLimiterKeys, and a key whose
// failures have all aged out of the window, with no attempt in flight, is
// forgotten.
//
// The rule, for each key (a client id from an address, and an address):
//   - Settled failures are a generic cell rate algorithm: a burst of up
//     to the limit of failures, then one more every window/limit. A key
//     that used its burst recovers it in full one window after its last
//     failure, and meanwhile gets one attempt back every window/limit.
//   - Allow refuses (retryAfter until the next attempt comes back, the
//     longer wait of the two keys) only when settled failures have used
//     the burst.
//   - Otherwise it lets the attempt through if fewer attempts of the key
//     are in flight than failures are left in its burst, so that even if
//     all of them fail, none goes past the limit; if as many are, it
//     waits until one ends, at most WithMaxWait or until the request's
//     context is done.
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
	// inflight counts the attempts Allow let through whose Done has not
	// come yet.
	inflight int32
	// wake is closed when an attempt of the key ends, to wake the
	// attempts waiting for a place; nil while none waits. Only a key with
	// attempts in flight has waiters.
	wake chan struct{}
}

// idle reports whether the key holds nothing worth keeping at now: no
// failure in its window, no attempt in flight (so none waiting).
func (k keyState) idle(now int64) bool { return k.tat <= now && k.inflight == 0 }

// limitKey names what one count is kept for: a client id from an address
// (byAddr false), or an address alone (byAddr true, empty client). Its
// text is held in arrays, not strings: a map key holding the request's
// strings would keep the whole request alive (a form value is a slice of
// the body, secret included), and Go replaces a string key on every
// assignment to it, so even copies made once would not stay.
type limitKey struct {
	byAddr bool
	client keyText
	addr   keyText
}

// keyText is the first maxKeyLen bytes of a client id or an address,
// padded with zero bytes.
type keyText [maxKeyLen]byte

// text copies the first maxKeyLen bytes of s.
func text(s string) (t keyText) {
	copy(t[:], s)
	return t
}

// NewMemoryLimiter returns a MemoryLimiter: with no options, the
// defaults above on the wall clock. A bad option is an error wrapping
// ErrInvalidOption.
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

// limit is one limit as it applies to an attempt: the interval, and the
// key it is counted under.
type limit struct {
	interval int64
	k        limitKey
}

// limits returns the limits that apply to a: those set, with something to
// key on.
func (l *MemoryLimiter) limits(a Attempt) (out [2]limit, n int) {
	if l.client != 0 && a.ClientID != "" {
		out[n] = limit{l.client, limitKey{client: text(a.ClientID), addr: text(a.Addr)}}
		n++
	}
	if l.addr != 0 && a.Addr != "" {
		out[n] = limit{l.addr, limitKey{byAddr: true, addr: text(a.Addr)}}
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
		// The failures left before the burst is spent.
		left := (int64(l.window) - max(k.tat-now, 0)) / x.interval
		if full < 0 && int64(k.inflight) >= left {
			full = i
		}
	}
	switch {
	case refuse > 0:
		return time.Duration(refuse), nil
	case full >= 0: // a key that has attempts in flight, so is in the map
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
// attempt's place, and wakes the attempts waiting for one. A key with
// nothing left to keep is forgotten.
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

// makeRoom drops the keys that hold nothing any more, once a window (once
// a second while the map is full), and keeps the map below maxKeys: when
// sweeping is not enough, it drops the key with the fewest pending
// failures among a few it samples, so the most attacked keys stay. The
// attempts waiting on a dropped key are woken to decide again.
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

// Len returns how many keys ((client id, address) pairs and addresses)
// the limiter tracks.
func (l *MemoryLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
