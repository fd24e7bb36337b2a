package postgres

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Option configures Migrate and New. Pass the same schema option to both.
// A bad value makes them fail with an error wrapping ErrInvalidOption.
type Option func(*config) error

type config struct {
	schema       string
	listenConfig *pgx.ConnConfig
	backoffMin   time.Duration
	backoffMax   time.Duration
	healthCheck  time.Duration
	watchWait    time.Duration
	onError      func(error)
}

// DefaultSchema is the schema Migrate and New use when WithSchema is not
// given.
const DefaultSchema = "oauthapps"

func newConfig(opts []Option) (config, error) {
	c := config{
		schema:      DefaultSchema,
		backoffMin:  100 * time.Millisecond,
		backoffMax:  5 * time.Second,
		healthCheck: 15 * time.Second,
		watchWait:   5 * time.Second,
	}
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// schemaName keeps schema names plain, so that "<schema>.changes" fits in a
// PostgreSQL channel name (63 bytes).
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,47}$`)

// validSchema reports whether name is a plain schema name PostgreSQL lets a
// user create: names starting with pg_ are reserved for the system.
func validSchema(name string) bool {
	return schemaName.MatchString(name) && !strings.HasPrefix(name, "pg_")
}

// WithSchema sets the PostgreSQL schema that holds the tables: lowercase
// letters, digits and underscores, starting with a letter or underscore but
// not with pg_ (reserved by PostgreSQL), at most 48 bytes. Tenants or tests that share a database isolate by schema;
// notifications are per schema too. Default: "oauthapps" (DefaultSchema).
func WithSchema(name string) Option {
	return func(c *config) error {
		if !validSchema(name) {
			return fmt.Errorf("%w: WithSchema: %w", ErrInvalidOption, ErrSchemaName)
		}
		c.schema = name
		return nil
	}
}

// WithListenConfig sets how the Store opens its listening connection, the
// one connection outside the pool that Watch uses. It must reach PostgreSQL
// directly or through a session-mode pooler: LISTEN does not survive
// transaction pooling. The Store copies it and sets the application name
// "oauthapps-listener" unless one is set. Default: a copy of the pool's own
// connection config (the pool's hooks, such as BeforeConnect, do not run
// for this connection; pass a config here if they are needed).
func WithListenConfig(cfg *pgx.ConnConfig) Option {
	return func(c *config) error {
		if cfg == nil {
			return fmt.Errorf("%w: WithListenConfig: nil config", ErrInvalidOption)
		}
		c.listenConfig = cfg
		return nil
	}
}

// WithReconnectBackoff sets how long the listener waits before it tries to
// connect again after a failure: min after the first failure, doubling up
// to max, with jitter. Default: 100ms doubling up to 5s; min must be
// positive and max at least min.
func WithReconnectBackoff(min, max time.Duration) Option {
	return func(c *config) error {
		if min <= 0 || max < min {
			return fmt.Errorf("%w: WithReconnectBackoff: need 0 < min <= max, got %v, %v", ErrInvalidOption, min, max)
		}
		c.backoffMin, c.backoffMax = min, max
		return nil
	}
}

// WithHealthCheck sets how long the listening connection may stay silent
// before the listener pings it, so that a connection that died without a
// word (a dropped network path) is noticed within about twice this time
// (the ping itself may take this time, and at least a second).
// Zero or less turns the ping off; TCP keepalive then remains. Default: 15s.
func WithHealthCheck(interval time.Duration) Option {
	return func(c *config) error {
		c.healthCheck = interval
		return nil
	}
}

// WithWatchWait sets how long Watch waits for the listening connection to
// be ready, when it is not, before it returns anyway; a subscriber that
// returned early gets a Resync once listening starts. Default: 5s; zero
// or more.
func WithWatchWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("%w: WithWatchWait: negative %v", ErrInvalidOption, d)
		}
		c.watchWait = d
		return nil
	}
}

// WithListenErrors sets a function the listener calls, on its goroutine,
// with each error that cost it its connection or kept it from connecting,
// before it waits and retries; for logs and metrics. It must not block.
// The errors name the server and the user, never a password. Default: none.
func WithListenErrors(fn func(error)) Option {
	return func(c *config) error {
		c.onError = fn
		return nil
	}
}
