// Package oauthotel reports what an oauthapps service does to
// OpenTelemetry: metrics of token requests, client authentication
// failures, authorizations, latency, the cache, the store and its
// notifications, and a span per token request and per authorization.
//
// It lives in a module of its own (github.com/oauthapps/oauthapps/oauthotel)
// so that the core module depends on no part of OpenTelemetry. It hooks in
// through the library's own observers: New returns an Instrumentation
// whose ServiceOption goes to oauthapp.New and whose ServerOption goes to
// oauthhttp.New.
//
//	inst, err := oauthotel.New(oauthotel.WithMeterProvider(mp), oauthotel.WithTracerProvider(tp))
//	svc, err := oauthapp.New(st, keys, inst.ServiceOption())
//	srv, err := oauthhttp.New(svc, inst.ServerOption())
//
// # Metrics
//
// Every instrument's name starts with "oauthapps.", durations are in
// seconds:
//
//   - oauthapps.token.requests (counter): IssueToken calls, by
//     oauthapps.grant_type and oauthapps.outcome (issued, invalid_client,
//     invalid_scope, unsupported_region, error).
//   - oauthapps.client.authentication.failures (counter): by
//     oauthapps.reason (malformed_secret, malformed_client_id,
//     unknown_client, wrong_secret, wrong_region, grace_ending, other).
//   - oauthapps.authorizations (counter): Authorize calls, by
//     oauthapps.decision (allowed, denied) and, when denied,
//     oauthapps.reason (oauthapp.DenyReason).
//   - oauthapps.authorize.duration (histogram): Authorize, by
//     oauthapps.decision.
//   - oauthapps.token_endpoint.duration (histogram): the token endpoint,
//     from request to answer, by oauthapps.outcome (issued or the OAuth
//     error code) and http.response.status_code.
//   - oauthapps.cache.lookups (counter): by oauthapps.cache (apps,
//     revocations) and oauthapps.cache.result (hit, miss); only with
//     oauthapp.WithCache.
//   - oauthapps.store.duration (histogram): each store call the service
//     makes, by oauthapps.store.method and oauthapps.store.outcome (ok,
//     not_found, conflict, error).
//   - oauthapps.store.notifications (counter) and
//     oauthapps.store.notification.lag (histogram, when the store says
//     when a change was made): by oauthapps.change (app, token, resync).
//
// # Traces
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
//
// # What it trusts and what it never records
//
// No attribute holds a secret, a token, a token id or any text of the
// request: the values are fixed words, the permission of the resource
// (from the host's route catalog, or what the host passed to Authorize),
// and, only with WithAppSIDs, the public SID of the app. So every metric
// has a bounded number of series; WithAppSIDs makes one per app.
package oauthotel
