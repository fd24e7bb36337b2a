package oauthhttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// credentials are the client id and secret, or the client assertion, a
// request presented. With an assertion, id is the client it claims to be,
// not yet verified: for the limiter's count.
type credentials struct {
	id, secret string
	assertion  string
}

// authorizationHeader returns the one Authorization header value, "" when
// there is none; two or more are invalid_request.
func authorizationHeader(h http.Header) (string, *oauthError) {
	v := h["Authorization"]
	switch len(v) {
	case 0:
		return "", nil
	case 1:
		return v[0], nil
	}
	return "", errTwoAuthorization
}

// clientCredentials takes the client's credentials from the request: HTTP
// Basic (client_secret_basic, RFC 6749 section 2.3.1, with the id and
// secret each form-encoded) or client_id and client_secret in the body
// (client_secret_post). The token, introspection and revocation endpoints
// all authenticate through it.
func clientCredentials(h http.Header, f *form) (credentials, *oauthError) {
	auth, e := authorizationHeader(h)
	if e != nil {
		return credentials{}, e
	}
	if f[pClientAssertion] != "" || f[pClientAssertionType] != "" {
		return assertionCredentials(auth, f)
	}
	if auth == "" {
		if f[pClientID] == "" || f[pClientSecret] == "" {
			return credentials{}, errNoCredentials
		}
		return credentials{id: f[pClientID], secret: f[pClientSecret]}, nil
	}
	if f[pClientSecret] != "" {
		return credentials{}, errTwoMethods
	}
	c, e := parseBasic(auth)
	if e != nil {
		return credentials{}, e
	}
	if f[pClientID] != "" && f[pClientID] != c.id {
		return credentials{}, errClientIDMismatch
	}
	return c, nil
}

// parseBasic decodes "Basic base64(form-encoded id ':' form-encoded
// secret)"; the scheme is case-insensitive (RFC 7617, RFC 9110 section
// 11.1). Anything else is invalid_client, since the client did try to
// authenticate with the header.
func parseBasic(auth string) (credentials, *oauthError) {
	scheme, enc, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return credentials{}, errScheme
	}
	decoded, err := base64.StdEncoding.DecodeString(strings.TrimLeft(enc, " "))
	if err != nil {
		return credentials{}, errBadBasic
	}
	id, sec, ok := strings.Cut(string(decoded), ":")
	if !ok {
		return credentials{}, errBadBasic
	}
	id, err1 := url.QueryUnescape(id)
	sec, err2 := url.QueryUnescape(sec)
	if err1 != nil || err2 != nil || id == "" || sec == "" {
		return credentials{}, errBadBasic
	}
	return credentials{id: id, secret: sec}, nil
}

// authenticate checks the request's client credentials with the service,
// once the limiter allows. Every failure of the credentials themselves is
// invalid_client; a store failure is a server error.
func (s *Server) authenticate(r *http.Request, f *form) (oauthapp.Client, *oauthError) {
	c, attempt, e := s.admit(r, f)
	if e != nil {
		return oauthapp.Client{}, e
	}
	ctx := r.Context()
	var client oauthapp.Client
	var err error
	if c.assertion != "" {
		client, err = s.svc.AuthenticateAssertion(ctx, oauthapp.Assertion{ClientID: f[pClientID], JWT: c.assertion, Endpoint: s.endpoints.Token, Region: s.cfg.region})
	} else {
		client, err = s.svc.AuthenticateClient(ctx, c.id, c.secret, s.cfg.region)
	}
	s.done(ctx, attempt, err)
	if err != nil {
		return oauthapp.Client{}, s.clientError(ctx, err)
	}
	return client, nil
}
