package oauthotel

import (
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Option configures New. A bad value is an error from New wrapping
// ErrInvalidOption.
type Option func(*config) error

type config struct {
	meters  metric.MeterProvider
	tracers trace.TracerProvider
	appSIDs bool
	now     func() time.Time
}

func defaults() config {
	return config{
		meters:  otel.GetMeterProvider(),
		tracers: otel.GetTracerProvider(),
		now:     time.Now,
	}
}

// WithMeterProvider sets where the metrics go. Default: the global one
// (otel.GetMeterProvider), which records nothing until the program sets
// one.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) error {
		if mp == nil {
			return fmt.Errorf("%w: WithMeterProvider: nil provider", ErrInvalidOption)
		}
		c.meters = mp
		return nil
	}
}

// WithTracerProvider sets where the spans go. Default: the global one
// (otel.GetTracerProvider), which records nothing until the program sets
// one. For metrics without spans, pass the no-op provider of package
// go.opentelemetry.io/otel/trace/noop; to trace a fraction of requests,
// give the provider a ratio sampler (BENCHMARKS.md has what a sampled
// span costs).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) error {
		if tp == nil {
			return fmt.Errorf("%w: WithTracerProvider: nil provider", ErrInvalidOption)
		}
		c.tracers = tp
		return nil
	}
}

// WithAppSIDs adds the attribute oauthapps.app_sid, the public SID of the
// app that authenticated, to the token request and authorization metrics
// and spans. It makes one series per app: turn it on only when the number
// of apps is small enough for the metrics backend. Default: off.
func WithAppSIDs(on bool) Option {
	return func(c *config) error {
		c.appSIDs = on
		return nil
	}
}

// WithClock sets the clock durations are measured with. Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock: nil clock", ErrInvalidOption)
		}
		c.now = now
		return nil
	}
}
