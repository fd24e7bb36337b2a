package oauthhttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// credentials are the client id and secret a request presented.
type credentials struct {
	id, secret string
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

// maxBasic bounds the Authorization value decoded on the stack; longer
// values are decoded on the heap, and in any case a client id and secret
// are far shorter.
const maxBasic = 256

// parseBasic decodes "Basic base64(form-encoded id ':' form-encoded
// secret)"; the scheme is case-insensitive (RFC 7617, RFC 9110 section
// 11.1). Anything else is invalid_client, since the client did try to
// authenticate with the header.
func parseBasic(auth string) (credentials, *oauthError) {
	const scheme = "Basic "
	if len(auth) < len(scheme) || !strings.EqualFold(auth[:len(scheme)], scheme) {
		return credentials{}, errScheme
	}
	enc := strings.TrimLeft(auth[len(scheme):], " ")
	// Both buffers stay on the stack for any credentials of ours.
	var src [maxBasic * 4 / 3]byte
	var dst [maxBasic]byte
	in, out := src[:0], dst[:0]
	if len(enc) > len(src) {
		in, out = make([]byte, 0, len(enc)), make([]byte, 0, base64.StdEncoding.DecodedLen(len(enc)))
	}
	in = append(in, enc...)
	buf, err := base64.StdEncoding.AppendDecode(out, in)
	if err != nil {
		return credentials{}, errBadBasic
	}
	decoded := string(buf)
	id, sec, ok := strings.Cut(decoded, ":")
	if !ok {
		return credentials{}, errBadBasic
	}
	id, err1 := url.QueryUnescape(id)
	sec, err2 := url.QueryUnescape(sec)
	if err1 != nil || err2 != nil {
		return credentials{}, errBadBasic
	}
	if id == "" || sec == "" {
		return credentials{}, errBadBasic
	}
	return credentials{id: id, secret: sec}, nil
}

// authenticate checks the request's client credentials with the service,
// once the limiter allows. Every failure of the credentials themselves is
// invalid_client; a store failure is a server error.
func (s *Server) authenticate(r *http.Request, f *form) (oauthapp.Client, *oauthError) {
	c, e := clientCredentials(r.Header, f)
	if e != nil {
		return oauthapp.Client{}, e
	}
	attempt, e := s.admit(r, c.id)
	if e != nil {
		return oauthapp.Client{}, e
	}
	ctx := r.Context()
	client, err := s.svc.AuthenticateClient(ctx, c.id, c.secret, s.cfg.region)
	s.done(ctx, attempt, err)
	if err != nil {
		return oauthapp.Client{}, s.clientError(ctx, err)
	}
	return client, nil
}
