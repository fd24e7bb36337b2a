package secret

import "fmt"

// Defaults of the Argon2id options: the OWASP minimum for Argon2id.
const (
	defaultArgon2Time    = 2
	defaultArgon2Memory  = 19 * 1024 // KiB
	defaultArgon2Threads = 1
)

// Option sets a parameter of an Argon2id hasher; see NewArgon2id. A value
// out of bounds makes NewArgon2id fail with an error wrapping
// ErrInvalidOption.
type Option func(*config) error

// config holds the Argon2id parameters; zero means the default.
type config struct {
	time    uint32
	memory  uint32
	threads uint8
}

// WithArgon2Time sets the number of passes over the memory. Default 2;
// allowed 1 to 64.
func WithArgon2Time(passes uint32) Option {
	return func(c *config) error {
		if passes < 1 || passes > argon2MaxTime {
			return fmt.Errorf("%w: WithArgon2Time: %d passes outside 1..%d", ErrInvalidOption, passes, argon2MaxTime)
		}
		c.time = passes
		return nil
	}
}

// WithArgon2Memory sets the memory in KiB. Default 19456 (19 MiB); allowed
// 8 KiB per lane to 1 GiB.
func WithArgon2Memory(kib uint32) Option {
	return func(c *config) error {
		if kib < 8 || kib > argon2MaxMemory {
			return fmt.Errorf("%w: WithArgon2Memory: %d KiB outside 8..%d", ErrInvalidOption, kib, argon2MaxMemory)
		}
		c.memory = kib
		return nil
	}
}

// WithArgon2Threads sets the number of lanes (and goroutines) per hash.
// Default 1; allowed 1 to 255.
func WithArgon2Threads(lanes uint8) Option {
	return func(c *config) error {
		if lanes < 1 {
			return fmt.Errorf("%w: WithArgon2Threads: 0 lanes", ErrInvalidOption)
		}
		c.threads = lanes
		return nil
	}
}
