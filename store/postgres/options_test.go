package postgres

import (
	"errors"
	"testing"
	"time"
)

// TestBadOptionsAreRefused: every option with an unusable value makes
// Migrate and New fail with ErrInvalidOption, before any connection.
func TestBadOptionsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  Option
	}{
		{"schema with a dash", WithSchema("with-dash")},
		{"nil listen config", WithListenConfig(nil)},
		{"zero backoff", WithReconnectBackoff(0, time.Second)},
		{"backoff max below min", WithReconnectBackoff(time.Second, time.Millisecond)},
		{"negative watch wait", WithWatchWait(-time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := newConfig([]Option{tc.opt}); !errors.Is(err, ErrInvalidOption) {
				t.Errorf("newConfig: %v, want ErrInvalidOption", err)
			}
		})
	}
	if _, err := newConfig([]Option{WithSchema("x-y")}); !errors.Is(err, ErrSchemaName) {
		t.Errorf("a bad schema name is also ErrSchemaName: %v", err)
	}
}
