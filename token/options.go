package token

import (
	"fmt"
	"time"
)

// Defaults of the Validator options.
const (
	// DefaultLeeway is how far in the future nbf and iat may lie: 30 s.
	DefaultLeeway = 30 * time.Second
	// DefaultMaxSize is the longest raw token Validate parses: 8 KiB.
	DefaultMaxSize = 8 << 10
)

// Option configures a Validator. A bad value makes NewValidator fail with
// an error wrapping ErrInvalidOption.
type Option func(*config) error

type config struct {
	leeway    time.Duration
	maxSize   int
	audiences []string // accepted besides NewValidator's audience
}

// WithLeeway sets how far in the future a token's nbf and iat may lie, to
// absorb clock skew between issuer and validator. Default DefaultLeeway
// (30 s); 0 to 5 minutes. It never extends exp: a token is expired at its
// exp exactly.
func WithLeeway(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 || d > 5*time.Minute {
			return fmt.Errorf("%w: leeway %v not in 0..5m", ErrInvalidOption, d)
		}
		c.leeway = d
		return nil
	}
}

// WithMaxSize sets the longest raw token, in bytes, that Validate parses;
// longer ones fail with ErrTooLarge before any decoding. Default
// DefaultMaxSize (8 KiB); 256 bytes to 1 MiB.
func WithMaxSize(n int) Option {
	return func(c *config) error {
		if n < 256 || n > 1<<20 {
			return fmt.Errorf("%w: max size %d not in 256..1048576", ErrInvalidOption, n)
		}
		c.maxSize = n
		return nil
	}
}

// WithAudiences makes the Validator also accept tokens whose aud holds one
// of audiences, besides the audience given to NewValidator: for a service
// that mints tokens for several resources (RFC 8707) and checks them all.
// Default none; each must be non-empty UTF-8.
func WithAudiences(audiences ...string) Option {
	return func(c *config) error {
		if !validAudience(audiences) {
			return fmt.Errorf("%w: audience must be non-empty UTF-8", ErrInvalidOption)
		}
		c.audiences = append(c.audiences, audiences...)
		return nil
	}
}
