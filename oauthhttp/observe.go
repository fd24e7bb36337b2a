package oauthhttp

import "context"

// Observer receives what the metrics of the HTTP face need, beside what
// the service's own oauthapp.Observer reports. Set it with WithObserver;
// package oauthotel (module github.com/oauthapps/oauthapps/oauthotel) makes one
// that reports to OpenTelemetry.
//
// Every field is optional, and a nil field costs nothing per request. The
// hooks run on the request's goroutine and must not block; they receive
// no credential, and measure time with their own clock.
type Observer struct {
	// TokenEndpoint is called as the token endpoint takes a request. It
	// returns the context the request carries on with (nil keeps the
	// request's) and a function, which may be nil, called once the answer
	// is written, with its outcome.
	TokenEndpoint func(ctx context.Context) (context.Context, func(EndpointOutcome))
}

// EndpointOutcome is how the token endpoint answered a request.
type EndpointOutcome struct {
	// Status is the HTTP status of the answer.
	Status int
	// Code is "" when a token was issued, else the OAuth error code of
	// the answer: one of the Code constants of this package.
	Code string
}
