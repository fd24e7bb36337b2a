package oauthhttp

import (
	"context"
	"net/http"
)

// Observer receives what the metrics of the HTTP face need, beside what
// the service's own oauthapp.Observer reports. Set it with WithObserver;
// package oauthotel (module github.com/oauthapps/oauthapps/otel) makes one
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

// observeToken puts the TokenEndpoint hook, when there is one, around the
// token endpoint.
func (s *Server) observeToken(h http.HandlerFunc) http.Handler {
	hook := s.cfg.observer.TokenEndpoint
	if hook == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, done := hook(r.Context())
		if ctx != nil && ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		ow := &outcomeWriter{ResponseWriter: w, status: http.StatusOK}
		h(ow, r)
		if done != nil {
			done(EndpointOutcome{Status: ow.status, Code: ow.code})
		}
	})
}

// outcomeWriter notes the status and the OAuth error code of an answer.
type outcomeWriter struct {
	http.ResponseWriter
	status int
	code   string
}

func (w *outcomeWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *outcomeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// noteCode tells an observed answer its OAuth error code.
func noteCode(w http.ResponseWriter, code string) {
	if ow, ok := w.(*outcomeWriter); ok {
		ow.code = code
	}
}
