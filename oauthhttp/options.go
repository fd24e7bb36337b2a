package oauthhttp

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// Defaults of the options.
const (
	// DefaultRealm is the realm of WWW-Authenticate challenges unless
	// WithRealm says otherwise.
	DefaultRealm = "oauthapps"
	// DefaultMaxBodyBytes bounds the body of a token, introspection or
	// revocation request: room for a token request naming 100 permissions
	// of 256 bytes (about 26 KiB form-encoded) and for the token such a
	// request gets (about 35 KiB).
	DefaultMaxBodyBytes = 64 << 10
)

// Option configures a Server. New checks every option: an invalid value is
// an error from New (wrapping ErrInvalidOption), never a panic later.
type Option func(*config) error

type config struct {
	realm        string
	maxBody      int64
	baseURL      *url.URL
	region       string
	logger       *slog.Logger
	unknownRoute http.Handler
	limiter      Limiter
	clientAddr   func(*http.Request) string
	proxies      *trustedProxies
	audience     string
	observer     Observer
}

// WithRealm sets the realm named in WWW-Authenticate challenges: printable
// ASCII without '"' or '\'. Default: DefaultRealm.
func WithRealm(realm string) Option {
	bad := realm == "" || strings.ContainsFunc(realm, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' || r == '\\' })
	return func(c *config) error {
		return set(&c.realm, realm, bad, "WithRealm: realm must be printable ASCII without quotes or backslashes, and not empty")
	}
}

// WithMaxBodyBytes bounds the body of token, introspection and revocation
// requests, 512 bytes to 1 MiB; a longer body is invalid_request.
// Default: DefaultMaxBodyBytes (64 KiB), or more when the service can mint
// longer tokens (oauthapp.Metadata.MaxTokenSize, as with a big route
// catalog), so that every token it mints can be introspected and revoked.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		return set(&c.maxBody, n, n < 512 || n > 1<<20, "WithMaxBodyBytes: outside 512..1048576")
	}
}

// WithBaseURL sets the absolute http or https URL the endpoints are served
// under, as clients reach them: the metadata document names the endpoints
// as this URL followed by their paths, and Register puts them at those
// paths. Default: the service's issuer (oauthapp.WithIssuer), which should
// be this URL anyway; New fails with ErrNoBaseURL when the issuer is not
// such a URL and this option is not given. Protect checks the htu of a
// DPoP proof against this URL's scheme and host and the request's path.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(base)
		if err != nil {
			return fmt.Errorf("%w: WithBaseURL: %v", ErrInvalidOption, err)
		}
		c.baseURL = u
		return nil
	}
}

// WithRegion sets the region this server runs in: token requests are made
// in it, and Protect refuses tokens of any other region. It must be one of
// the service's regions. Default: "", which is the service's default region
// for token requests and any of its regions for Protect.
func WithRegion(region string) Option {
	return func(c *config) error { c.region = region; return nil }
}

// WithLogger sets the logger for failures the client cannot see (a store
// error behind a 500, for one). It never receives a secret or a token.
// Default: discard.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error { return set(&c.logger, logger, logger == nil, "WithLogger: nil logger") }
}

// WithUnknownRoute sets what Protect does with a request whose route is
// not in the service's catalog (or when the service has no catalog): h
// answers it instead of the protected handler, which never runs. Default:
// http.NotFoundHandler(), a 404. A deployment that would rather not tell
// unknown routes from forbidden ones can answer 403 here.
func WithUnknownRoute(h http.Handler) Option {
	return func(c *config) error { return set(&c.unknownRoute, h, h == nil, "WithUnknownRoute: nil handler") }
}

// WithLimiter sets the limiter of failed client authentications (see
// Limiter). Default: a MemoryLimiter with its defaults on the service's
// clock (oauthapp.Metadata.Clock), so it follows a test's fake clock. A
// deployment of several processes behind one address gives its own.
func WithLimiter(l Limiter) Option {
	return func(c *config) error { return set(&c.limiter, l, l == nil, "WithLimiter: nil limiter") }
}

// WithClientAddr sets how a request's origin is named for the limiter
// (Attempt.Addr); "" exempts the request from limits by address. Default:
// RemoteHost, the host of http.Request.RemoteAddr. Behind a reverse proxy
// RemoteAddr is the proxy, and every client would share its limits: use
// WithTrustedProxies, or give a function that returns the client address
// the proxy vouches for (the entry your own proxy appends to
// X-Forwarded-For, not one the client could have written).
func WithClientAddr(addr func(r *http.Request) string) Option {
	return func(c *config) error { return set(&c.clientAddr, addr, addr == nil, "WithClientAddr: nil function") }
}

// WithObserver sets the hooks that tell metrics how the endpoints are
// doing (see Observer). Default: none.
func WithObserver(o Observer) Option {
	return func(c *config) error { c.observer = o; return nil }
}

// set stores an option's value v in *dst, unless the value is bad: then
// the option fails with an error wrapping ErrInvalidOption that says why.
func set[T any](dst *T, v T, bad bool, why string) error {
	if bad {
		return fmt.Errorf("%w: %s", ErrInvalidOption, why)
	}
	*dst = v
	return nil
}

// parseBaseURL accepts an absolute http or https URL with a host and
// neither query nor fragment, and drops a trailing slash from its path.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("want an http or https URL with a host and no user, query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// WithAudience sets the audience of the API that Protect guards: a token
// must carry it in its aud, so a token issued for another API (RFC 8707
// resource) is refused with invalid_token. It must be the service's
// audience or one of its resources (oauthapp.Metadata). Default:
// "", the service's audience (oauthapp.WithAudience).
func WithAudience(audience string) Option {
	return func(c *config) error {
		return set(&c.audience, audience, audience == "", "WithAudience: empty audience")
	}
}
