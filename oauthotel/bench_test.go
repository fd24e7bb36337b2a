package oauthotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/oauthotel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The benchmarks below run each path three times in a row, so that
// benchstat -col /mode gives the cost of the instrumentation as a ratio
// from one run:
//
//   - mode=bare: no observer.
//   - mode=metrics: instrumented into the OpenTelemetry SDK, every
//     measurement aggregated, spans started but not sampled (a sampler
//     that keeps none, as a ratio sampler does for most requests).
//   - mode=traced: the same with every span sampled and handed to a
//     batching span processor.
type benchMode struct {
	name    string
	otel    bool
	sampler sdktrace.Sampler
}

var benchModes = []benchMode{
	{"mode=bare", false, nil},
	{"mode=metrics", true, sdktrace.NeverSample()},
	{"mode=traced", true, sdktrace.AlwaysSample()},
}

func benchInstrumentation(b *testing.B, sampler sdktrace.Sampler) *oauthotel.Instrumentation {
	b.Helper()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	inst, err := oauthotel.New(oauthotel.WithMeterProvider(mp), oauthotel.WithTracerProvider(tp))
	if err != nil {
		b.Fatal(err)
	}
	return inst
}

// benchStack is a service on the memory store with a one-minute cache,
// signing with EdDSA and reading the wall clock as in production, its
// token endpoint, and one app with its secret.
func benchStack(b *testing.B, m benchMode) (*oauthapp.Service, http.Handler, oauthapp.App, string) {
	b.Helper()
	svcOpts := []oauthapp.Option{oauthapp.WithClock(time.Now), oauthapp.WithIssuer(issuer), oauthapp.WithCache(time.Minute, 0)}
	var srvOpts []oauthhttp.Option
	if m.otel {
		inst := benchInstrumentation(b, m.sampler)
		svcOpts = append(svcOpts, inst.ServiceOption())
		srvOpts = append(srvOpts, inst.ServerOption())
	}
	kit := oauthapptest.New(b, oauthapptest.WithServiceOptions(svcOpts...))
	app := kit.NewApp(permList, permRead)
	srv, err := oauthhttp.New(kit.Service, srvOpts...)
	if err != nil {
		b.Fatal(err)
	}
	return kit.Service, srv.Token(), app, kit.Secret(app.SID)
}

// BenchmarkTokenEndpoint is a client_secret_basic token request through
// the token endpoint's handler.
func BenchmarkTokenEndpoint(b *testing.B) {
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			_, h, app, sec := benchStack(b, m)
			body := url.Values{"grant_type": {"client_credentials"}, "scope": {permList}}.Encode()
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					r := httptest.NewRequest(http.MethodPost, oauthhttp.TokenPath, strings.NewReader(body))
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					r.SetBasicAuth(app.SID, sec)
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatal(w.Code, w.Body)
					}
				}
			})
		})
	}
}

// BenchmarkAuthorize is the check of a bearer token for a resource, with
// the cache warm: the fastest path there is, so the one where the
// instrumentation weighs most.
func BenchmarkAuthorize(b *testing.B) {
	for _, m := range benchModes {
		b.Run(m.name, func(b *testing.B) {
			svc, _, app, sec := benchStack(b, m)
			tok, err := svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec, Scope: permList})
			if err != nil {
				b.Fatal(err)
			}
			res := oauthapp.Resource{Permission: permList, AccountSID: app.AccountSID}
			ctx := context.Background()
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					if _, err := svc.Authorize(ctx, tok.AccessToken, res); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkHooks is the instrumentation alone, spans sampled into the
// batching processor: what the observers run for one request, without
// the request. Its cpu-ns/op (which counts the processor's goroutine too)
// over the bare cpu-ns/op of the benchmarks above bounds the overhead,
// measured without their noise.
func BenchmarkHooks(b *testing.B) {
	inst := benchInstrumentation(b, sdktrace.AlwaysSample())
	svc, web := inst.ServiceObserver(), inst.HTTPObserver()
	ctx := context.Background()
	b.Run("path=token", func(b *testing.B) {
		b.ReportAllocs()
		reportCPU(b, func() {
			for b.Loop() {
				ctx, endpoint := web.TokenEndpoint(ctx)
				ctx, issue := svc.TokenRequest(ctx)
				svc.CacheLookup(ctx, oauthapp.CacheApps, true)
				issue(oauthapp.TokenOutcome{Grant: oauthapp.GrantClientCredentials, AppSID: "OQ0"})
				endpoint(oauthhttp.EndpointOutcome{Status: http.StatusOK})
			}
		})
	})
	b.Run("path=authorize", func(b *testing.B) {
		b.ReportAllocs()
		reportCPU(b, func() {
			for b.Loop() {
				ctx, done := svc.Authorization(ctx)
				svc.CacheLookup(ctx, oauthapp.CacheRevocations, true)
				svc.CacheLookup(ctx, oauthapp.CacheApps, true)
				done(oauthapp.AuthorizationOutcome{Permission: permList, AppSID: "OQ0"})
			}
		})
	})
}
