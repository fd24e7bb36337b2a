package oauthhttp

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Standard paths of the endpoints, below the base URL. The metadata
// document of an issuer with a path is at MetadataPath followed by that
// path (RFC 8414 section 3.1).
const (
	TokenPath         = "/oauth2/token"
	IntrospectionPath = "/oauth2/introspect"
	RevocationPath    = "/oauth2/revoke"
	JWKSPath          = "/.well-known/jwks.json"
	MetadataPath      = "/.well-known/oauth-authorization-server"
)

// Server serves the OAuth endpoints of a Service and protects API routes
// with its tokens. It is safe for concurrent use. Create it with New.
type Server struct {
	svc       *oauthapp.Service
	meta      oauthapp.Metadata // the service's, read once by New
	cfg       config
	endpoints Endpoints
	basic     string // WWW-Authenticate value of invalid_client answers
	bearer    string // WWW-Authenticate prefix of bearer challenges
	dpop      string // WWW-Authenticate prefix of DPoP challenges (dpop.go)
	// origin is the base URL's scheme and host, which the URL of a DPoP
	// proof of an API request is rebuilt from (dpop.go).
	origin string
}

// Endpoints are the absolute URLs a Server serves, as the metadata
// document names them: the base URL followed by each path constant, but
// for Metadata, which is MetadataPath followed by the issuer's path at the
// issuer's scheme and host (RFC 8414 section 3.1; the base URL's when the
// issuer is not a URL).
type Endpoints struct {
	Issuer        string // the service's issuer: the iss claim of its tokens
	Token         string // the token endpoint (RFC 6749 section 3.2), at TokenPath
	Introspection string // the introspection endpoint (RFC 7662), at IntrospectionPath
	Revocation    string // the revocation endpoint (RFC 7009), at RevocationPath
	JWKS          string // the JWK Set of the verification keys, at JWKSPath
	Metadata      string // the authorization server metadata (RFC 8414)
}

// New returns a Server for the service. It fails with ErrNoBaseURL when
// the service's issuer is not an absolute http or https URL and
// WithBaseURL is not given, and with an error wrapping ErrInvalidOption
// (or oauthapp.ErrUnsupportedRegion, for WithRegion) for a bad option.
func New(svc *oauthapp.Service, opts ...Option) (*Server, error) {
	if svc == nil {
		return nil, fmt.Errorf("%w: nil service", ErrInvalidOption)
	}
	cfg := config{realm: DefaultRealm, logger: slog.New(slog.DiscardHandler), unknownRoute: http.NotFoundHandler()}
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.proxies != nil && cfg.clientAddr != nil:
		return nil, fmt.Errorf("%w: WithTrustedProxies and WithClientAddr both name the client address; give one", ErrInvalidOption)
	case cfg.proxies != nil:
		cfg.clientAddr = cfg.proxies.clientAddr
	case cfg.clientAddr == nil:
		cfg.clientAddr = RemoteHost
	}
	meta := svc.Metadata()
	if cfg.maxBody == 0 {
		// Room for the longest token and the other parameters.
		cfg.maxBody = min(max(DefaultMaxBodyBytes, int64(meta.MaxTokenSize)+1024), 1<<20)
	}
	if cfg.limiter == nil { // the default, on the service's clock; no error to check
		cfg.limiter, _ = NewMemoryLimiter(WithLimiterClock(meta.Clock))
	}
	if cfg.audience != "" && cfg.audience != meta.Audience && !slices.Contains(meta.Resources, cfg.audience) {
		return nil, fmt.Errorf("%w: WithAudience: the service issues no tokens for that audience", ErrInvalidOption)
	}
	if cfg.region != "" && !slices.Contains(meta.Regions, cfg.region) {
		return nil, fmt.Errorf("%w: WithRegion: %w: %q", ErrInvalidOption, oauthapp.ErrUnsupportedRegion, cfg.region)
	}
	issuerURL, _ := parseBaseURL(meta.Issuer)
	base := cmp.Or(cfg.baseURL, issuerURL)
	if base == nil {
		return nil, ErrNoBaseURL
	}
	// The metadata lives at the issuer's host when the issuer is a URL
	// (RFC 8414 section 3.1), else at the base URL's.
	metaAt := cmp.Or(issuerURL, base)
	return &Server{
		svc:  svc,
		meta: meta,
		cfg:  cfg,
		endpoints: Endpoints{
			Issuer:        meta.Issuer,
			Token:         base.JoinPath(TokenPath).String(),
			Introspection: base.JoinPath(IntrospectionPath).String(),
			Revocation:    base.JoinPath(RevocationPath).String(),
			JWKS:          base.JoinPath(JWKSPath).String(),
			Metadata:      (&url.URL{Scheme: metaAt.Scheme, Host: metaAt.Host, Path: MetadataPath + metaAt.Path}).String(),
		},
		basic:  `Basic realm="` + cfg.realm + `"`,
		bearer: `Bearer realm="` + cfg.realm + `"`,
		dpop:   dpopChallenge(cfg.realm),
		origin: (&url.URL{Scheme: base.Scheme, Host: base.Host}).String(),
	}, nil
}

// Endpoints returns the absolute URLs of the server's endpoints.
func (s *Server) Endpoints() Endpoints { return s.endpoints }

// Service returns the service the server wraps.
func (s *Server) Service() *oauthapp.Service { return s.svc }

// Register puts the token, introspection, revocation, JWKS and metadata
// endpoints on mux at the paths of their Endpoints URLs (the standard paths
// below the base URL's path). The patterns carry no method, so that the
// endpoints answer a wrong method with an OAuth error of their own. Like
// any ServeMux registration, it panics if mux already has one of these
// patterns.
func (s *Server) Register(mux *http.ServeMux) {
	for u, h := range map[string]http.Handler{
		s.endpoints.Token:         s.Token(),
		s.endpoints.Introspection: s.Introspection(),
		s.endpoints.Revocation:    s.Revocation(),
		s.endpoints.JWKS:          s.JWKS(),
		s.endpoints.Metadata:      s.Metadata(),
	} {
		u, _ := url.Parse(u) // New built it: it parses
		mux.Handle(u.EscapedPath(), h)
	}
}
