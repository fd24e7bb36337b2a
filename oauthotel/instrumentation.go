package oauthotel

import (
	"context"
	"fmt"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/store"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the meter and the tracer.
const ScopeName = "github.com/oauthapps/oauthapps/oauthotel"

// Span names.
const (
	// SpanTokenRequest is the span of a token request: started by the
	// token endpoint when the server is instrumented, so that requests it
	// refuses before the service (a wrong grant type, a malformed form)
	// have one too, else by IssueToken.
	SpanTokenRequest = "oauthapps.TokenRequest"
	SpanAuthorize    = "oauthapps.Authorize"
)

// endpointSpan marks a context whose span the token endpoint started, so
// that IssueToken adds to it instead of starting a second one.
type endpointSpan struct{}

// durationBuckets are the histogram bounds in seconds: from 100 µs, as a
// cached authorization takes tens of microseconds, to 10 s.
var durationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Instrumentation turns the observers of an oauthapp.Service and an
// oauthhttp.Server into OpenTelemetry metrics and spans. Create it with
// New; one may serve several services and servers. It is safe for
// concurrent use.
//
// Its instruments, each named "oauthapps.*", durations in seconds:
//
//   - oauthapps.token.requests (counter): IssueToken calls, by
//     oauthapps.grant_type and oauthapps.outcome (issued, or the
//     oauthapp.Reason of the refusal: invalid_client, invalid_scope,
//     invalid_target, unsupported_region, invalid_dpop_proof,
//     use_dpop_nonce, error).
//   - oauthapps.client.authentication.failures (counter): by
//     oauthapps.reason (the oauthapp.Reason of the cause:
//     malformed_secret, malformed_client_id, unknown_client,
//     wrong_secret, wrong_region, grace_ending, bad_assertion).
//   - oauthapps.authorizations (counter): Authorize calls, by
//     oauthapps.decision (allowed, denied) and, when denied,
//     oauthapps.reason (the oauthapp.Reason of the refusal).
//   - oauthapps.authorize.duration (histogram): Authorize, by
//     oauthapps.decision.
//   - oauthapps.token_endpoint.duration (histogram): the token endpoint,
//     from request to answer, by oauthapps.outcome (issued or the OAuth
//     error code) and http.response.status_code.
//   - oauthapps.cache.lookups (counter): by oauthapps.cache (apps,
//     revocations, only with oauthapp.WithCache; tokens, the
//     verified-token cache, unless oauthapp.WithTokenCache turns it off)
//     and oauthapps.cache.result (hit, miss).
//   - oauthapps.store.duration (histogram): each store call the service
//     makes, by oauthapps.store.method and oauthapps.store.outcome (ok,
//     not_found, conflict, error).
//   - oauthapps.store.notifications (counter) and
//     oauthapps.store.notification.lag (histogram, when the store says
//     when a change was made): by oauthapps.change (app, token, resync).
//
// Each token request has a span "oauthapps.TokenRequest" and each
// authorization a span "oauthapps.Authorize", children of the span in the
// caller's context, with the attributes of the metrics above and, for an
// authorization, the permission asked for (oauthapps.permission). The
// token endpoint starts the token request's span, so that a request it
// refuses before the service has one too (with http.response.status_code
// and oauthapps.oauth_error); IssueToken adds to it, or starts its own
// when called without the instrumented endpoint. A failed client
// authentication adds oauthapps.reason to the token request's span.
type Instrumentation struct {
	cfg    config
	tracer trace.Tracer
	spans  []trace.SpanStartOption

	// Counters without app SIDs are tallies read at collection; with
	// them (WithAppSIDs), token requests and authorizations go to
	// synchronous counters, as their series are not bounded.
	tokens        *tally[tokenKey]
	failures      *tally[oauthapp.Reason]
	authzs        *tally[oauthapp.Reason]
	lookups       *tally[cacheKey]
	changes       *tally[store.ChangeKind]
	tokensByApp   metric.Int64Counter
	authzsByApp   metric.Int64Counter
	authorizeTime metric.Float64Histogram
	endpointTime  metric.Float64Histogram
	storeTime     metric.Float64Histogram
	lagTime       metric.Float64Histogram

	decisionOpts [2][]metric.RecordOption // denied, allowed
	endpointOpts opts[endpointKey]
	storeOpts    opts[storeKey]
	changeOpts   opts[store.ChangeKind]
}

// New creates the instruments on the meter provider (WithMeterProvider)
// and the tracer (WithTracerProvider).
func New(options ...Option) (*Instrumentation, error) {
	cfg := defaults()
	for _, opt := range options {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	in := &Instrumentation{
		cfg:    cfg,
		tracer: cfg.tracers.Tracer(ScopeName),
		spans:  []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindInternal)},

		tokens:       newTally(tokenAttrs, tokenKeys()...),
		failures:     newTally(failureAttrs, authFailures...),
		authzs:       newTally(authorizationAttrs, denyReasons...),
		lookups:      newTally(cacheAttrs, cacheLookups...),
		changes:      newTally(changeAttrs, changeKinds...),
		decisionOpts: [2][]metric.RecordOption{recordOf(decisionAttrs(false)), recordOf(decisionAttrs(true))},
		endpointOpts: newOpts(endpointAttrs, endpointAnswers...),
		storeOpts:    newOpts(storeAttrs, storeKeys()...),
		changeOpts:   newOpts(changeAttrs, changeKinds...),
	}
	if err := in.createInstruments(cfg.meters.Meter(ScopeName)); err != nil {
		return nil, fmt.Errorf("oauthotel: creating instruments: %w", err)
	}
	return in, nil
}

// createInstruments creates every instrument on m: counters per app SID
// when WithAppSIDs is on, else counters observed from the tallies, and
// the duration histograms.
func (in *Instrumentation) createInstruments(m metric.Meter) error {
	b := &instruments{m: m}
	const (
		tokensName, tokensUnit, tokensDesc = "oauthapps.token.requests", "{request}", "Token requests, by grant type and outcome."
		authzsName, authzsUnit, authzsDesc = "oauthapps.authorizations", "{authorization}", "Authorizations of bearer tokens, allowed or denied, by reason."
	)
	if in.cfg.appSIDs {
		in.tokensByApp = b.counter(tokensName, tokensUnit, tokensDesc)
		in.authzsByApp = b.counter(authzsName, authzsUnit, authzsDesc)
	} else {
		b.tallied(tokensName, tokensUnit, tokensDesc, in.tokens.observe)
		b.tallied(authzsName, authzsUnit, authzsDesc, in.authzs.observe)
	}
	b.tallied("oauthapps.client.authentication.failures", "{failure}", "Failed client authentications, by reason.", in.failures.observe)
	b.tallied("oauthapps.cache.lookups", "{lookup}", "Lookups in the service's cache, hits and misses.", in.lookups.observe)
	b.tallied("oauthapps.store.notifications", "{notification}", "Store change notifications received.", in.changes.observe)
	in.authorizeTime = b.histogram("oauthapps.authorize.duration", "Time to authorize a bearer token.")
	in.endpointTime = b.histogram("oauthapps.token_endpoint.duration", "Time the token endpoint takes from request to answer.")
	in.storeTime = b.histogram("oauthapps.store.duration", "Time of each store call the service makes.")
	in.lagTime = b.histogram("oauthapps.store.notification.lag", "Time from a store change to its notification reaching the service.")
	return b.err
}

// instruments creates instruments on one meter and keeps the first error.
type instruments struct {
	m   metric.Meter
	err error
}

// counter creates a synchronous counter.
func (b *instruments) counter(name, unit, desc string) metric.Int64Counter {
	c, err := b.m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	b.err = joinFirst(b.err, err)
	return c
}

// tallied creates an asynchronous counter whose value observe reports at
// each collection.
func (b *instruments) tallied(name, unit, desc string, observe func(metric.Int64Observer)) {
	_, err := b.m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			observe(o)
			return nil
		}))
	b.err = joinFirst(b.err, err)
}

// histogram creates a histogram of durations in seconds.
func (b *instruments) histogram(name, desc string) metric.Float64Histogram {
	h, err := b.m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc), metric.WithExplicitBucketBoundaries(durationBuckets...))
	b.err = joinFirst(b.err, err)
	return h
}

func joinFirst(err, e error) error {
	if err != nil {
		return err
	}
	return e
}

func tokenKeys() []tokenKey {
	ks := make([]tokenKey, 0, len(tokenReasons))
	for _, r := range tokenReasons {
		ks = append(ks, tokenKey{oauthapp.GrantClientCredentials, r})
	}
	return ks
}

// ServiceOption is the option of oauthapp.New that instruments the
// service: WithObserver(ServiceObserver()).
func (in *Instrumentation) ServiceOption() oauthapp.Option {
	return oauthapp.WithObserver(in.ServiceObserver())
}

// ServerOption is the option of oauthhttp.New that instruments the
// server's endpoints: WithObserver(HTTPObserver()).
func (in *Instrumentation) ServerOption() oauthhttp.Option {
	return oauthhttp.WithObserver(in.HTTPObserver())
}

// ServiceObserver returns the observer of an oauthapp.Service, for a
// program that combines it with observers of its own.
func (in *Instrumentation) ServiceObserver() oauthapp.Observer {
	return oauthapp.Observer{
		TokenRequest:         in.tokenRequest,
		Authorization:        in.authorization,
		AuthenticationFailed: in.authenticationFailed,
		CacheLookup:          in.cacheLookup,
		StoreCall:            in.storeCall,
		Notification:         in.notification,
	}
}

// HTTPObserver returns the observer of an oauthhttp.Server.
func (in *Instrumentation) HTTPObserver() oauthhttp.Observer {
	return oauthhttp.Observer{TokenEndpoint: in.tokenEndpoint}
}

func (in *Instrumentation) tokenRequest(ctx context.Context) (context.Context, func(oauthapp.TokenOutcome)) {
	var span trace.Span
	owned := ctx.Value(endpointSpan{}) == nil
	if owned {
		ctx, span = in.tracer.Start(ctx, SpanTokenRequest, in.spans...)
	} else {
		span = trace.SpanFromContext(ctx)
	}
	return ctx, func(o oauthapp.TokenOutcome) {
		k := tokenKey{o.Grant, o.Reason}
		if in.cfg.appSIDs {
			in.tokensByApp.Add(ctx, 1, metric.WithAttributeSet(withApp(tokenAttrs(k), o.AppSID)))
		} else {
			in.tokens.add(k)
		}
		if span.IsRecording() {
			span.SetAttributes(KeyGrantType.String(o.Grant), KeyOutcome.String(tokenOutcome(o.Reason)))
			if in.cfg.appSIDs && o.AppSID != "" {
				span.SetAttributes(KeyAppSID.String(o.AppSID))
			}
			if o.Reason != "" {
				span.SetStatus(codes.Error, string(o.Reason))
			}
		}
		if owned {
			span.End()
		}
	}
}

func (in *Instrumentation) authorization(ctx context.Context) (context.Context, func(oauthapp.AuthorizationOutcome)) {
	start := in.cfg.now()
	ctx, span := in.tracer.Start(ctx, SpanAuthorize, in.spans...)
	return ctx, func(o oauthapp.AuthorizationOutcome) {
		took := in.cfg.now().Sub(start).Seconds()
		if in.cfg.appSIDs {
			in.authzsByApp.Add(ctx, 1, metric.WithAttributeSet(withApp(authorizationAttrs(o.Reason), o.AppSID)))
		} else {
			in.authzs.add(o.Reason)
		}
		allowed := o.Reason == ""
		in.authorizeTime.Record(ctx, took, in.decisionOpts[b2i(allowed)]...)
		if span.IsRecording() {
			decision := decisionDenied
			if allowed {
				decision = decisionAllowed
			}
			span.SetAttributes(KeyDecision.String(decision), KeyPermission.String(o.Permission))
			if in.cfg.appSIDs && o.AppSID != "" {
				span.SetAttributes(KeyAppSID.String(o.AppSID))
			}
			if !allowed {
				span.SetAttributes(KeyReason.String(string(o.Reason)))
				span.SetStatus(codes.Error, string(o.Reason))
			}
		}
		span.End()
	}
}

func (in *Instrumentation) authenticationFailed(ctx context.Context, reason oauthapp.Reason) {
	in.failures.add(reason)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(KeyReason.String(string(reason)))
	}
}

func (in *Instrumentation) cacheLookup(_ context.Context, cache oauthapp.CacheName, hit bool) {
	in.lookups.add(cacheKey{cache, hit})
}

func (in *Instrumentation) storeCall(ctx context.Context, method string) func(error) {
	start := in.cfg.now()
	return func(err error) {
		in.storeTime.Record(ctx, in.cfg.now().Sub(start).Seconds(), in.storeOpts.get(storeKey{method, storeOutcome(err)})...)
	}
}

func (in *Instrumentation) notification(n oauthapp.Notice) {
	in.changes.add(n.Kind)
	if n.LagKnown {
		in.lagTime.Record(context.Background(), n.Lag.Seconds(), in.changeOpts.get(n.Kind)...)
	}
}

func (in *Instrumentation) tokenEndpoint(ctx context.Context) (context.Context, func(oauthhttp.EndpointOutcome)) {
	start := in.cfg.now()
	parent := ctx
	ctx, span := in.tracer.Start(ctx, SpanTokenRequest, in.spans...)
	ctx = context.WithValue(ctx, endpointSpan{}, true)
	return ctx, func(o oauthhttp.EndpointOutcome) {
		// Recorded in the caller's context: an exemplar links to the
		// caller's span, which outlives this one.
		in.endpointTime.Record(parent, in.cfg.now().Sub(start).Seconds(), in.endpointOpts.get(endpointKey{o.Code, o.Status})...)
		if span.IsRecording() {
			span.SetAttributes(KeyHTTPStatus.Int(o.Status))
			if o.Code != "" {
				span.SetAttributes(KeyOAuthError.String(o.Code))
				span.SetStatus(codes.Error, o.Code)
			}
		}
		span.End()
	}
}

// withApp adds the app SID, if there is one, to a set.
func withApp(s attribute.Set, appSID string) attribute.Set {
	if appSID == "" {
		return s
	}
	kvs := append(s.ToSlice(), KeyAppSID.String(appSID))
	return attribute.NewSet(kvs...)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
