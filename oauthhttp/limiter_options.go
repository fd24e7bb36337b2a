package oauthhttp

import "time"

// LimiterOption configures a MemoryLimiter; pass them to
// NewMemoryLimiter. Each is checked there: a bad value is an error
// wrapping ErrInvalidOption.
type LimiterOption func(*limiterConfig) error

// limiterConfig is a MemoryLimiter's configuration, as its options set it.
type limiterConfig struct {
	clientFailures, addrFailures int
	window, maxWait              time.Duration
	maxKeys                      int
	now                          func() time.Time
}

// WithClientFailures sets how many failed authentications one client id
// may have from one address per window. Default DefaultClientFailures;
// negative is no such limit, 0 an error. Attempts whose address is ""
// (exempt from limits by address) share one count per client id.
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
// positive. A key is forgotten once nothing is pending on it (checked once
// a window, or once a second while full); when that is not enough, a new
// key takes the place of the one with the fewest pending failures among a
// few sampled at random, so the most attacked keys stay.
func WithLimiterKeys(n int) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.maxKeys, n, n <= 0, "WithLimiterKeys: the bound must be positive")
	}
}

// WithMaxWait bounds how long Allow holds an attempt back waiting for
// attempts in flight of the same key to end. Default DefaultMaxWait; it
// must be positive. Only a pile-up of slow checks on one key reaches it:
// with the default SHA-256 hasher a check ends in microseconds. An
// attempt still held back then is refused, with Retry-After 1.
func WithMaxWait(d time.Duration) LimiterOption {
	return func(c *limiterConfig) error {
		return set(&c.maxWait, d, d <= 0, "WithMaxWait: the bound must be positive")
	}
}

// WithLimiterClock sets the clock the windows are counted on. Default
// time.Now. Give the service's clock (oauthapp.Service.Now) so that both
// agree; New does so for the limiter it builds by default.
func WithLimiterClock(now func() time.Time) LimiterOption {
	return func(c *limiterConfig) error { return set(&c.now, now, now == nil, "WithLimiterClock: nil clock") }
}
