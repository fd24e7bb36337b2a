package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/oauthotel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// MetricsPath is where -metrics serves the Prometheus text format.
const MetricsPath = "/metrics"

// metrics is the server's OpenTelemetry setup behind -metrics: the
// library's instruments (package oauthotel) on a meter provider whose
// reader is the OpenTelemetry Prometheus exporter, scraped at
// MetricsPath on a listener of its own, apart from the OAuth endpoints.
// A nil *metrics (no -metrics) adds nothing and closes nothing.
type metrics struct {
	inst     *oauthotel.Instrumentation
	provider *sdkmetric.MeterProvider
	hs       *http.Server
	served   chan error
	url      string
}

// startMetrics listens on addr and serves the metrics there; "" is no
// metrics at all.
func startMetrics(addr string, logger *slog.Logger) (*metrics, error) {
	if addr == "" {
		return nil, nil
	}
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	inst, err := oauthotel.New(oauthotel.WithMeterProvider(provider))
	if err != nil {
		_ = provider.Shutdown(context.Background())
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = provider.Shutdown(context.Background())
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+MetricsPath, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m := &metrics{
		inst:     inst,
		provider: provider,
		hs:       newHTTPServer(mux, defaultReadTimeout, logger),
		served:   make(chan error, 1),
		url:      baseURL(ln.Addr()) + MetricsPath,
	}
	go func() { m.served <- m.hs.Serve(ln) }()
	logger.Info("serving metrics", "url", m.url)
	return m, nil
}

// serviceOptions instrument the service.
func (m *metrics) serviceOptions() []oauthapp.Option {
	if m == nil {
		return nil
	}
	return []oauthapp.Option{m.inst.ServiceOption()}
}

// serverOptions instrument the OAuth endpoints.
func (m *metrics) serverOptions() []oauthhttp.Option {
	if m == nil {
		return nil
	}
	return []oauthhttp.Option{m.inst.ServerOption()}
}

// metricsURL is the scrape URL, "" without -metrics.
func (m *metrics) metricsURL() string {
	if m == nil {
		return ""
	}
	return m.url
}

// close stops serving the metrics, waiting at most until ctx ends.
func (m *metrics) close(ctx context.Context) error {
	if m == nil {
		return nil
	}
	err := m.hs.Shutdown(ctx)
	if served := <-m.served; !errors.Is(served, http.ErrServerClosed) && err == nil {
		err = served
	}
	return errors.Join(err, m.provider.Shutdown(ctx))
}
