package oauthapptest

import (
	"net/http"
	"net/http/httptest"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// Server is a kit behind a real OAuth server on a loopback port, for tests
// of client code: an x/oauth2 client config, a retry on 401, a refresh
// near a token's expiry. Its service's issuer is URL, and its clock is the
// kit's: Advance makes the server refuse expired tokens as a real one
// would at that time (clients keep their own clock, as they do in
// production).
type Server struct {
	// Kit is the service behind the server, with its store, keys, clock
	// and account.
	*Kit
	// OAuth is the oauthhttp server mounted on Mux; its Protect guards
	// routes a test adds.
	OAuth *oauthhttp.Server
	// HTTP is the running httptest server, closed when the test ends.
	HTTP *httptest.Server
	// Mux serves HTTP. The OAuth endpoints are mounted on it; a test may
	// add routes of its own, such as one guarded by OAuth.Protect.
	Mux *http.ServeMux

	// URL is the server's base URL and the service's issuer.
	URL string
	// TokenURL is the token endpoint (RFC 6749 section 3.2).
	TokenURL string
	// JWKSURL is the JWK Set of the verification keys.
	JWKSURL string
	// MetadataURL is the authorization server metadata (RFC 8414).
	MetadataURL string
	// IntrospectionURL is the introspection endpoint (RFC 7662).
	IntrospectionURL string
	// RevocationURL is the revocation endpoint (RFC 7009).
	RevocationURL string
}

// ClientConfig is what an OAuth client needs to get tokens for an app with
// the client credentials grant (RFC 6749 section 4.4), field for field as
// golang.org/x/oauth2/clientcredentials.Config names it.
type ClientConfig struct {
	// ClientID is the app's SID.
	ClientID string
	// ClientSecret is the app's current secret, as the kit last saw it.
	ClientSecret string
	// TokenURL is the server's token endpoint.
	TokenURL string
	// Scopes are the permissions to ask for; none asks for everything the
	// app's policy allows.
	Scopes []string
}

// NewServer starts a kit's service behind an oauthhttp.Server on an
// httptest.Server and returns it. It takes New's options; the service's
// issuer is the server's URL unless WithServiceOptions sets another, and
// WithServerOptions configures the oauthhttp server. A setup failure
// fails t with t.Fatalf; the server and the service are closed when the
// test ends (t.Cleanup).
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	cfg := configure(t, "NewServer", opts)
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	kit := newKit(t, cfg, []oauthapp.Option{oauthapp.WithIssuer(ts.URL)})
	srv, err := oauthhttp.New(kit.Service, append([]oauthhttp.Option{oauthhttp.WithBaseURL(ts.URL)}, cfg.server...)...)
	if err != nil {
		t.Fatalf("oauthapptest: NewServer: building the oauthhttp server: %v", err)
	}
	srv.Register(mux)
	e := srv.Endpoints()
	return &Server{
		Kit:              kit,
		OAuth:            srv,
		HTTP:             ts,
		Mux:              mux,
		URL:              ts.URL,
		TokenURL:         e.Token,
		JWKSURL:          e.JWKS,
		MetadataURL:      e.Metadata,
		IntrospectionURL: e.Introspection,
		RevocationURL:    e.Revocation,
	}
}

// DPoPClient returns an HTTP client whose requests carry DPoP-bound
// tokens of the app (RFC 9449), asking for the given permissions (none:
// everything the app's policy allows): a dpopclient.Transport with a key
// of its own, on the kit's clock, so that its proofs are fresh at the
// server's time. For tests of code that calls a DPoP-protected API.
func (s *Server) DPoPClient(app oauthapp.App, permissions ...string) *http.Client {
	s.t.Helper()
	tr, err := dpopclient.New(dpopclient.Config{
		ClientID:     app.SID,
		ClientSecret: s.Secret(app.SID),
		TokenURL:     s.TokenURL,
		Scopes:       permissions,
		Base:         s.HTTP.Client().Transport,
		Now:          s.Clock.Now,
	})
	if err != nil {
		s.t.Fatalf("oauthapptest: DPoPClient: %v", err)
	}
	return &http.Client{Transport: tr}
}

// ClientConfig returns what a client needs to get tokens for the app from
// the server, asking for the given permissions (none: everything the app's
// policy allows).
func (s *Server) ClientConfig(app oauthapp.App, permissions ...string) ClientConfig {
	s.t.Helper()
	return ClientConfig{
		ClientID:     app.SID,
		ClientSecret: s.Secret(app.SID),
		TokenURL:     s.TokenURL,
		Scopes:       permissions,
	}
}
