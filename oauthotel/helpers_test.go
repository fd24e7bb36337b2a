package oauthotel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
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
	"github.com/oauthapps/oauthapps/scope"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

const (
	issuer   = "https://auth.example.test"
	permList = "/demo/messaging/messages/list"
	permRead = "/demo/messaging/messages/read"
	listPath = "/v1/Accounts/{AccountSid}/Messages"
	readPath = "/v1/Accounts/{AccountSid}/Messages/{MessageSid}"
)

var routes = []scope.Route{
	{Pattern: "GET " + listPath, Permission: permList},
	{Pattern: "GET " + readPath, Permission: permRead},
}

// rig is a whole deployment on a loopback listener, instrumented into an
// in-memory metric reader and span exporter, with the audit log and the
// server log in a buffer.
type rig struct {
	kit    *oauthapptest.Kit
	srv    *oauthhttp.Server
	ts     *httptest.Server
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	spans  *tracetest.InMemoryExporter
	logs   *bytes.Buffer
}

func newRig(t *testing.T, opts ...oauthotel.Option) *rig {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	spans := tracetest.NewInMemoryExporter()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() {
		_ = mp.Shutdown(context.Background())
		_ = tp.Shutdown(context.Background())
	})
	inst, err := oauthotel.New(append([]oauthotel.Option{oauthotel.WithMeterProvider(mp), oauthotel.WithTracerProvider(tp)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithCache(time.Minute, 0),
		oauthapp.WithLogger(logger), oauthapp.WithAudit(oauthapp.SlogAudit(logger)), inst.ServiceOption()))
	srv, err := oauthhttp.New(kit.Service, inst.ServerOption(), oauthhttp.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.Handle("GET "+listPath, srv.Protect(ok))
	mux.Handle("GET "+readPath, srv.Protect(ok))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &rig{kit: kit, srv: srv, ts: ts, reader: reader, tp: tp, spans: spans, logs: logs}
}

// token posts a token request with client_secret_basic and returns the
// status and the access token, if any.
func (r *rig) token(t *testing.T, form url.Values, id, secret string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.ts.URL+oauthhttp.TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" || secret != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := r.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body.AccessToken
}

// get calls the API with a bearer token and returns the status.
func (r *rig) get(t *testing.T, path, bearer string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := r.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func grant() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

// metrics collects what the reader holds.
func (r *rig) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// points returns, for the named metric, each data point's attributes (as
// "k=v,k=v" in the set's order) and its value: the sum of a counter, the
// count of a histogram.
func points(rm metricdata.ResourceMetrics, name string) map[string]int64 {
	out := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[attrString(p.Attributes)] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[attrString(p.Attributes)] += int64(p.Count)
				}
			}
		}
	}
	return out
}

func attrString(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.Emit())
	}
	return strings.Join(parts, ",")
}

// allMetricAttrs lists every attribute value of every data point.
func allMetricAttrs(rm metricdata.ResourceMetrics) []string {
	var out []string
	add := func(s attribute.Set) {
		for _, kv := range s.ToSlice() {
			out = append(out, string(kv.Key)+"="+kv.Value.Emit())
		}
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					add(p.Attributes)
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					add(p.Attributes)
				}
			}
		}
	}
	return out
}

// spanAttrs returns a span's attributes as a map of their emitted values.
func spanAttrs(s tracetest.SpanStub) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes {
		out[string(kv.Key)] = kv.Value.Emit()
	}
	return out
}

// spansNamed returns the ended spans with the given name.
func (r *rig) spansNamed(name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range r.spans.GetSpans() {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}
