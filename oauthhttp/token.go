package oauthhttp

import (
	"context"
	"errors"
	"net/http"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Token returns the token endpoint of the client credentials grant
// (RFC 6749 section 4.4). See the package documentation for the order of
// its checks and its error answers.
func (s *Server) Token() http.Handler {
	hook := s.cfg.observer.TokenEndpoint
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var done func(EndpointOutcome)
		if hook != nil {
			var ctx context.Context
			if ctx, done = hook(r.Context()); ctx != nil {
				r = r.WithContext(ctx)
			}
		}
		body, e := s.issue(w, r)
		outcome := EndpointOutcome{Status: http.StatusOK}
		if e != nil {
			s.writeError(w, e)
			outcome = EndpointOutcome{Status: e.status, Code: e.code}
		} else {
			writeJSON(w, http.StatusOK, body)
		}
		if done != nil {
			done(outcome)
		}
	})
}

// issue answers a token request: the token, or the error to answer with.
func (s *Server) issue(w http.ResponseWriter, r *http.Request) (tokenBody, *oauthError) {
	f, e := s.readForm(w, r)
	if e == nil {
		e = checkGrantType(r.Header, &f)
	}
	if e != nil {
		return tokenBody{}, e
	}
	c, attempt, e := s.admit(r, &f)
	if e != nil {
		return tokenBody{}, e
	}
	ctx := r.Context()
	tok, err := s.svc.IssueToken(ctx, oauthapp.TokenRequest{
		ClientID:        c.id,
		ClientSecret:    c.secret,
		Scope:           f[pScope],
		Region:          s.cfg.region,
		ClientAssertion: c.assertion,
		Endpoint:        s.endpoints.Token,
		Resource:        f[pResource],
	})
	s.done(ctx, attempt, err)
	if err != nil {
		return tokenBody{}, s.tokenError(ctx, err)
	}
	return tokenBody{tok.AccessToken, tok.TokenType, tok.ExpiresIn, tok.Scope}, nil
}

// checkGrantType comes before client authentication: a request for
// another grant costs no hash. The Authorization header count is checked
// first, as it belongs to the request's shape.
func checkGrantType(h http.Header, f *form) *oauthError {
	if _, e := authorizationHeader(h); e != nil {
		return e
	}
	switch f[pGrantType] {
	case "":
		return errNoGrantType
	case "client_credentials":
		return nil
	}
	return errGrantType
}

// tokenError maps an IssueToken error onto its answer.
func (s *Server) tokenError(ctx context.Context, err error) *oauthError {
	var se *oauthapp.ScopeError
	switch {
	case errors.Is(err, oauthapp.ErrInvalidTarget):
		return errTarget
	case !errors.Is(err, oauthapp.ErrInvalidScope):
		return s.clientError(ctx, err)
	case errors.As(err, &se): // its permission parsed, so it holds no secret
		return &oauthError{status: http.StatusBadRequest, code: CodeInvalidScope, desc: "the scope " + se.Permission + " is not allowed for this client"}
	}
	return errMalformedScope
}

// clientError maps an authentication error: ErrInvalidClient is
// invalid_client, anything else (a store that cannot be reached, say) a
// logged 503 temporarily_unavailable.
func (s *Server) clientError(ctx context.Context, err error) *oauthError {
	if errors.Is(err, oauthapp.ErrInvalidClient) {
		return errClientAuth
	}
	s.cfg.logger.ErrorContext(ctx, "oauthhttp: request failed", "error", err)
	return errUnavailable
}

// tokenBody is the section 5.1 answer.
type tokenBody struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}
