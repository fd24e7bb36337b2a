package oauthhttp

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Defaults of MemoryLimits.
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
	// DefaultLimiterKeys bounds the (client id, address) pairs and
	// addresses a MemoryLimiter tracks at once: about 200 bytes each,
	// whatever the requests held.
	DefaultLimiterKeys = 100_000
)

// maxKeyLen bounds the bytes of a client id or address a MemoryLimiter
// keeps: longer ones are cut. Real client ids and addresses are shorter;
// only junk ids collide, and they share their limit. At 62, a limitKey is
// 127 bytes: Go's maps keep keys of up to 128 bytes inline, and allocate
// for larger ones on every insert.
const maxKeyLen = 62

// MemoryLimits configures a MemoryLimiter. The zero value is the
// defaults.
type MemoryLimits struct {
	// ClientFailures is how many failed authentications one client id
	// may have from one address per Window: 0 is DefaultClientFailures,
	// negative is no such limit. Attempts whose address is "" (exempt
	// from limits by address) share one count per client id.
	ClientFailures int
	// AddrFailures is how many failed authentications one address may
	// have per Window: 0 is DefaultAddrFailures, negative is no limit by
	// address.
	AddrFailures int
	// Window is the period the limits are counted over: 0 is
	// DefaultFailureWindow.
	Window time.Duration
	// MaxKeys bounds the keys tracked at once: 0 is DefaultLimiterKeys.
	// A key is forgotten once its failures have aged out (checked once a
	// Window, or once a second while full); when that is not enough, a
	// new key takes the place of the one with the fewest pending failures
	// among a few sampled at random, so the most attacked keys stay.
	MaxKeys int
	// Now is the clock: nil is time.Now. Give the service's clock
	// (oauthapp.Service.Now) so that both agree.
	Now func() time.Time
}

// MemoryLimiter is the in-memory Limiter: it limits failed authentications
// per client id and address, and per address, within one process. It
// starts no goroutine; memory is bounded by MaxKeys, and a key whose
// failures have all aged out of the window is forgotten.
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

	mu        sync.Mutex
	tat       map[limitKey]int64 // theoretical arrival time, Unix ns
	lastSweep int64
}

// rate is one limit: interval between failures once the burst is spent,
// and the burst's span (the window). A zero interval is no limit.
type rate struct {
	interval, window int64
}

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

// keyText is up to maxKeyLen bytes of a client id or an address.
type keyText struct {
	n uint8
	b [maxKeyLen]byte
}

// text copies the first maxKeyLen bytes of s.
func text(s string) keyText {
	var t keyText
	t.n = uint8(copy(t.b[:], s))
	return t
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

// limit is one limit as it applies to an attempt: the rate, and the key
// it is counted under.
type limit struct {
	r rate
	k limitKey
}

// limits returns the limits that apply to a: those set, with something to
// key on.
func (l *MemoryLimiter) limits(a Attempt) (out [2]limit, n int) {
	if l.client.interval != 0 && a.ClientID != "" {
		out[n] = limit{l.client, limitKey{client: text(a.ClientID), addr: text(a.Addr)}}
		n++
	}
	if l.addr.interval != 0 && a.Addr != "" {
		out[n] = limit{l.addr, limitKey{byAddr: true, addr: text(a.Addr)}}
		n++
	}
	return out, n
}

// Allow refuses an attempt whose client id from its address, or whose
// address, has used its failures; retryAfter is the longer wait of the
// two. An attempt it allows is counted as a failure under both until
// Done.
func (l *MemoryLimiter) Allow(_ context.Context, a Attempt) (time.Duration, bool) {
	lim, n := l.limits(a)
	now := l.now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait int64
	for _, x := range lim[:n] {
		if tat, ok := l.tat[x.k]; ok {
			wait = max(wait, tat-now-(x.r.window-x.r.interval))
		}
	}
	if wait > 0 {
		return time.Duration(wait), false
	}
	for _, x := range lim[:n] {
		tat, ok := l.tat[x.k]
		if !ok {
			l.makeRoom(now)
		}
		l.tat[x.k] = max(tat, now) + x.r.interval
	}
	return 0, true
}

// Done keeps the failure Allow counted for the attempt when failed, and
// takes it back otherwise. A key with nothing left pending is forgotten.
func (l *MemoryLimiter) Done(_ context.Context, a Attempt, failed bool) {
	lim, n := l.limits(a)
	now := l.now().UnixNano()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range lim[:n] {
		tat, ok := l.tat[x.k]
		if !ok {
			continue // evicted meanwhile
		}
		if !failed {
			tat -= x.r.interval
		}
		if tat <= now {
			delete(l.tat, x.k)
		} else {
			l.tat[x.k] = tat
		}
	}
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

// Len returns how many keys ((client id, address) pairs and addresses)
// the limiter tracks.
func (l *MemoryLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.tat)
}
