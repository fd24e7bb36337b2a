package oauthotel_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthotel"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func TestMetricsAndSpansAfterRealRequests(t *testing.T) {
	r := newRig(t)
	sendMixedRequests(t, r)
	rm := r.metrics(t)
	assertRequestMetrics(t, rm)
	assertCacheAndStoreMetrics(t, rm)
	assertRequestSpans(t, r)
}

// sendMixedRequests makes five token requests (two issued, a wrong
// secret, an unsupported grant, a scope the app lacks) and five
// authorizations (two allowed, a missing permission, another account, a
// malformed token).
func sendMixedRequests(t *testing.T, r *rig) {
	t.Helper()
	app := r.kit.NewApp(permList)
	other := r.kit.NewApp(permList)
	secret := r.kit.Secret(app.SID)
	account := r.kit.Owner.AccountSID
	list := strings.Replace(listPath, "{AccountSid}", account, 1)
	read := strings.NewReplacer("{AccountSid}", account, "{MessageSid}", "SM1").Replace(readPath)

	status, tok := r.token(t, grant(), app.SID, secret)
	require.Equal(t, http.StatusOK, status)
	status, _ = r.token(t, grant(), app.SID, secret)
	require.Equal(t, http.StatusOK, status)
	status, _ = r.token(t, grant(), app.SID, r.kit.Secret(other.SID))
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = r.token(t, map[string][]string{"grant_type": {"password"}}, app.SID, secret)
	require.Equal(t, http.StatusBadRequest, status)
	status, _ = r.token(t, map[string][]string{"grant_type": {"client_credentials"}, "scope": {permRead}}, app.SID, secret)
	require.Equal(t, http.StatusBadRequest, status)

	require.Equal(t, http.StatusOK, r.get(t, list, tok))
	require.Equal(t, http.StatusOK, r.get(t, list, tok))
	require.Equal(t, http.StatusForbidden, r.get(t, read, tok))
	require.Equal(t, http.StatusForbidden, r.get(t, strings.Replace(listPath, "{AccountSid}", oauthapptest.NewSID("AC"), 1), tok))
	require.Equal(t, http.StatusUnauthorized, r.get(t, list, "not.a.token"))
}

// assertRequestMetrics checks the counters and histograms of the requests
// sendMixedRequests made.
func assertRequestMetrics(t *testing.T, rm metricdata.ResourceMetrics) {
	t.Helper()
	assert.Equal(t, map[string]int64{
		"oauthapps.grant_type=client_credentials,oauthapps.outcome=issued":         2,
		"oauthapps.grant_type=client_credentials,oauthapps.outcome=invalid_client": 1,
		"oauthapps.grant_type=client_credentials,oauthapps.outcome=invalid_scope":  1,
	}, points(rm, "oauthapps.token.requests"), "the unsupported grant never reaches the service")
	assert.Equal(t, map[string]int64{"oauthapps.reason=wrong_secret": 1}, points(rm, "oauthapps.client.authentication.failures"))
	assert.Equal(t, map[string]int64{
		"oauthapps.decision=allowed":                                    2,
		"oauthapps.decision=denied,oauthapps.reason=insufficient_scope": 1,
		"oauthapps.decision=denied,oauthapps.reason=wrong_account":      1,
		"oauthapps.decision=denied,oauthapps.reason=invalid_token":      1,
	}, points(rm, "oauthapps.authorizations"))
	assert.Equal(t, map[string]int64{"oauthapps.decision=allowed": 2, "oauthapps.decision=denied": 3},
		points(rm, "oauthapps.authorize.duration"))
	assert.Equal(t, map[string]int64{
		"http.response.status_code=200,oauthapps.outcome=issued":                 2,
		"http.response.status_code=401,oauthapps.outcome=invalid_client":         1,
		"http.response.status_code=400,oauthapps.outcome=unsupported_grant_type": 1,
		"http.response.status_code=400,oauthapps.outcome=invalid_scope":          1,
	}, points(rm, "oauthapps.token_endpoint.duration"))
}

// assertCacheAndStoreMetrics checks the cache lookups and store calls of
// the requests sendMixedRequests made.
func assertCacheAndStoreMetrics(t *testing.T, rm metricdata.ResourceMetrics) {
	t.Helper()
	// The first token request misses the app, every later lookup of it
	// hits; the first authorization misses the revoked set (and loads it),
	// the next three (the last token does not validate) hit it.
	cache := points(rm, "oauthapps.cache.lookups")
	assert.Equal(t, int64(1), cache["oauthapps.cache=apps,oauthapps.cache.result=miss"], "apps misses: %v", cache)
	assert.Positive(t, cache["oauthapps.cache=apps,oauthapps.cache.result=hit"])
	assert.Equal(t, int64(1), cache["oauthapps.cache=revocations,oauthapps.cache.result=miss"])
	assert.Equal(t, int64(3), cache["oauthapps.cache=revocations,oauthapps.cache.result=hit"])
	// The verified-token cache: the token is verified on its first use
	// and found on its next three; the malformed one is looked up and
	// refused.
	assert.Equal(t, int64(2), cache["oauthapps.cache=tokens,oauthapps.cache.result=miss"])
	assert.Equal(t, int64(3), cache["oauthapps.cache=tokens,oauthapps.cache.result=hit"])
	storeCalls := points(rm, "oauthapps.store.duration")
	assert.Equal(t, int64(2), storeCalls["oauthapps.store.method=CreateApp,oauthapps.store.outcome=ok"])
	assert.Equal(t, int64(1), storeCalls["oauthapps.store.method=GetApp,oauthapps.store.outcome=ok"])
	// The revoked set is loaded once, whole, on the first authorization:
	// no token's revocation is read on its own.
	assert.Equal(t, int64(1), storeCalls["oauthapps.store.method=LiveRevocations,oauthapps.store.outcome=ok"])
	assert.Zero(t, storeCalls["oauthapps.store.method=IsTokenRevoked,oauthapps.store.outcome=ok"])
}

// assertRequestSpans checks the spans of the requests sendMixedRequests
// made.
func assertRequestSpans(t *testing.T, r *rig) {
	t.Helper()
	requests := r.spansNamed(oauthotel.SpanTokenRequest)
	require.Len(t, requests, 5, "one span per token request, the one refused before the service included")
	assert.Equal(t, map[string]string{"oauthapps.grant_type": "client_credentials", "oauthapps.outcome": "issued", "http.response.status_code": "200"},
		spanAttrs(requests[0]))
	assert.Equal(t, codes.Unset, requests[0].Status.Code)
	assert.Equal(t, map[string]string{"oauthapps.grant_type": "client_credentials", "oauthapps.outcome": "invalid_client", "oauthapps.reason": "wrong_secret",
		"http.response.status_code": "401", "oauthapps.oauth_error": "invalid_client"},
		spanAttrs(requests[2]), "a failed authentication names its reason on the request's span")
	assert.Equal(t, codes.Error, requests[2].Status.Code)
	assert.Equal(t, map[string]string{"http.response.status_code": "400", "oauthapps.oauth_error": "unsupported_grant_type"},
		spanAttrs(requests[3]), "the endpoint's own refusals have a span")
	assert.Equal(t, codes.Error, requests[3].Status.Code)
	authz := r.spansNamed(oauthotel.SpanAuthorize)
	require.Len(t, authz, 5)
	assert.Equal(t, map[string]string{"oauthapps.decision": "allowed", "oauthapps.permission": permList}, spanAttrs(authz[0]))
	assert.Equal(t, map[string]string{"oauthapps.decision": "denied", "oauthapps.permission": permRead, "oauthapps.reason": "insufficient_scope"}, spanAttrs(authz[2]))
	assert.Equal(t, codes.Error, authz[2].Status.Code)
}

func TestARefusedResourceCountsAsInvalidTargetNotAsAnError(t *testing.T) {
	r := newRig(t)
	app := r.kit.NewApp(permList)
	_, err := r.kit.Service.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: r.kit.Secret(app.SID), Resource: "https://elsewhere.example/api"})
	require.ErrorIs(t, err, oauthapp.ErrInvalidTarget)

	rm := r.metrics(t)
	assert.Equal(t, map[string]int64{"oauthapps.grant_type=client_credentials,oauthapps.outcome=invalid_target": 1}, points(rm, "oauthapps.token.requests"))
	spans := r.spansNamed(oauthotel.SpanTokenRequest)
	require.Len(t, spans, 1)
	assert.Equal(t, "invalid_target", spanAttrs(spans[0])["oauthapps.outcome"])
	assert.Equal(t, codes.Error, spans[0].Status.Code)
}

func TestAppSIDsOnlyWhenAskedFor(t *testing.T) {
	for _, on := range []bool{false, true} {
		r := newRig(t, oauthotel.WithAppSIDs(on))
		app := r.kit.NewApp(permList)
		_, tok := r.token(t, grant(), app.SID, r.kit.Secret(app.SID))
		require.NotEmpty(t, tok)
		require.Equal(t, http.StatusOK, r.get(t, strings.Replace(listPath, "{AccountSid}", r.kit.Owner.AccountSID, 1), tok))

		rm := r.metrics(t)
		wantTokens := "oauthapps.grant_type=client_credentials,oauthapps.outcome=issued"
		wantAuthz := "oauthapps.decision=allowed"
		if on {
			// attribute.Set sorts keys: app_sid comes first.
			wantTokens = "oauthapps.app_sid=" + app.SID + ",oauthapps.grant_type=client_credentials,oauthapps.outcome=issued"
			wantAuthz = "oauthapps.app_sid=" + app.SID + ",oauthapps.decision=allowed"
		}
		assert.Equal(t, map[string]int64{wantTokens: 1}, points(rm, "oauthapps.token.requests"), "app SIDs %v", on)
		assert.Equal(t, map[string]int64{wantAuthz: 1}, points(rm, "oauthapps.authorizations"), "app SIDs %v", on)
		for _, name := range []string{oauthotel.SpanTokenRequest, oauthotel.SpanAuthorize} {
			spans := r.spansNamed(name)
			require.Len(t, spans, 1)
			got, has := spanAttrs(spans[0])["oauthapps.app_sid"]
			assert.Equal(t, on, has, "%s has the app SID: %v", name, has)
			if on {
				assert.Equal(t, app.SID, got)
			}
		}
	}
}

func TestSpansAreChildrenOfTheCallersSpan(t *testing.T) {
	r := newRig(t)
	app := r.kit.NewApp(permList)
	ctx, parent := r.tp.Tracer("test").Start(context.Background(), "handler")
	tok, err := r.kit.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: r.kit.Secret(app.SID)})
	require.NoError(t, err)
	_, err = r.kit.Service.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	parent.End()

	for _, name := range []string{oauthotel.SpanTokenRequest, oauthotel.SpanAuthorize} {
		spans := r.spansNamed(name)
		require.Len(t, spans, 1, name)
		assert.Equal(t, parent.SpanContext().TraceID(), spans[0].SpanContext.TraceID(), name)
		assert.Equal(t, parent.SpanContext().SpanID(), spans[0].Parent.SpanID(), "%s is a child of the caller's span", name)
	}
}

func TestNotificationsAndTheirLag(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	inst, err := oauthotel.New(oauthotel.WithMeterProvider(mp))
	require.NoError(t, err)
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	st := &storetest.Lagged{Capable: store.NewMemory(), Now: clock.Now, Lag: 250 * time.Millisecond}
	kit := oauthapptest.New(t, oauthapptest.WithStore(st), oauthapptest.WithClock(clock),
		oauthapptest.WithServiceOptions(oauthapp.WithCache(time.Minute, 0), inst.ServiceOption()))
	kit.Delete(kit.NewApp(permList).SID)

	r := &rig{reader: reader}
	rm := r.metrics(t)
	// The creation and the deletion, each 250 ms late.
	assert.Equal(t, map[string]int64{"oauthapps.change=app": 2}, points(rm, "oauthapps.store.notifications"))
	assert.Equal(t, map[string]int64{"oauthapps.change=app": 2}, points(rm, "oauthapps.store.notification.lag"))
	assert.InDelta(t, 0.5, histogramSum(rm, "oauthapps.store.notification.lag"), 1e-9)
}

// histogramSum is the sum of every data point of the named histogram.
func histogramSum(rm metricdata.ResourceMetrics, name string) float64 {
	var sum float64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == name {
				for _, p := range h.DataPoints {
					sum += p.Sum
				}
			}
		}
	}
	return sum
}

func TestBadOptionsAreErrors(t *testing.T) {
	for name, opt := range map[string]oauthotel.Option{
		"nil meter provider":  oauthotel.WithMeterProvider(nil),
		"nil tracer provider": oauthotel.WithTracerProvider(nil),
		"nil clock":           oauthotel.WithClock(nil),
	} {
		_, err := oauthotel.New(opt)
		assert.True(t, errors.Is(err, oauthotel.ErrInvalidOption), "%s: %v", name, err)
	}
}
