// Package oauthotel reports what an oauthapps service does to
// OpenTelemetry: metrics of token requests, client authentication
// failures, authorizations, latency, the cache, the store and its
// notifications, and a span per token request and per authorization. It
// lives in a module of its own (github.com/oauthapps/oauthapps/oauthotel) so
// that the core module depends on no part of OpenTelemetry, and hooks in
// through the library's own observers.
//
// # Where to start
//
// New returns an Instrumentation (which lists its instruments and spans)
// whose ServiceOption goes to oauthapp.New and whose ServerOption goes to
// oauthhttp.New:
//
//	inst, err := oauthotel.New(oauthotel.WithMeterProvider(mp), oauthotel.WithTracerProvider(tp))
//	svc, err := oauthapp.New(st, keys, inst.ServiceOption())
//	srv, err := oauthhttp.New(svc, inst.ServerOption())
//
// # What it trusts and what it never records
//
// No attribute holds a secret, a token, a token id or any text of the
// request: the values are fixed words, the permission of the resource
// (from the host's route catalog, or what the host passed to Authorize),
// and, only with WithAppSIDs, the public SID of the app. So every metric
// has a bounded number of series; WithAppSIDs makes one per app.
package oauthotel
