package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

// shutdownGrace bounds how long in-flight requests may take to finish
// once a shutdown is asked for.
const shutdownGrace = 5 * time.Second

// demoLine is the one line of JSON -demo prints.
type demoLine struct {
	TokenURL     string `json:"token_url"`
	JWKSURL      string `json:"jwks_url"`
	MetadataURL  string `json:"metadata_url"`
	APIBase      string `json:"api_base"`
	AccountSID   string `json:"account_sid"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// JWTClientID and JWTClientKey are a second app, which authenticates
	// by private_key_jwt only (jwtclient.go): its client id and its
	// private ES256 key as PKCS#8 PEM, whose kid is jwtClientKID.
	JWTClientID  string `json:"jwt_client_id"`
	JWTClientKey string `json:"jwt_client_key"`
	MetricsURL   string `json:"metrics_url,omitempty"`

	// IntrospectionURL is the RFC 7662 endpoint; its answer for an active
	// token includes aud.
	IntrospectionURL string `json:"introspection_url"`
	// Audience is the aud claim of the demo's tokens, which an API checks
	// them for.
	Audience string `json:"audience"`

	// ConsoleURL opens the console (package console) signed in as the
	// demo Owner: a sign-in link good for one use.
	ConsoleURL string `json:"console_url"`

	adminDemo
}

// flags are the command line of tokenserver.
type flags struct {
	addr, metricsAddr string
	demo              bool
	backend           *backendFlags
	http              *httpFlags
}

// parseFlags reads the command line; a flag it does not know, or an
// argument after the flags, is an error.
func parseFlags(args []string, stderr io.Writer) (flags, error) {
	fs := flag.NewFlagSet("tokenserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (\":0\" picks a free port)")
	demo := fs.Bool("demo", false, "create a demo account and app and print its credentials as one JSON line")
	bf := addBackendFlags(fs)
	hf := addHTTPFlags(fs)
	metricsAddr := fs.String("metrics", "", "address to serve Prometheus metrics on, at "+MetricsPath+" (\"\" serves none)")
	if err := fs.Parse(args); err != nil {
		return flags{}, err
	}
	if fs.NArg() > 0 {
		return flags{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *hf.readTimeout <= 0 {
		return flags{}, fmt.Errorf("-read-timeout must be positive")
	}
	return flags{addr: *addr, metricsAddr: *metricsAddr, demo: *demo, backend: bf, http: hf}, nil
}

// run serves until ctx is done, then shuts down and returns nil; any
// failure to start is an error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	m, err := startMetrics(f.metricsAddr, logger)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = m.close(sctx)
	}()

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := baseURL(ln.Addr())
	issuer := base
	if *f.backend.issuer != "" {
		issuer = *f.backend.issuer
	}
	be, err := openBackend(ctx, f.backend, logger)
	if err != nil {
		return err
	}
	defer be.close()

	mux, line, err := routes(ctx, f, issuer, base, logger, be, m)
	if err != nil {
		return err
	}
	return serve(ctx, ln, logRequests(logger, mux), *f.http.readTimeout, logger, line, stdout)
}

// routes builds the service on be and registers every route on a mux: the
// OAuth endpoints, the demo API, the management API and the console; with
// -demo it also creates the demo account and apps and returns their line.
func routes(ctx context.Context, f flags, issuer, base string, logger *slog.Logger, be *backend, m *metrics) (*http.ServeMux, *demoLine, error) {
	svc, err := newService(issuer, logger, be, m.serviceOptions()...)
	if err != nil {
		return nil, nil, err
	}
	srv, err := oauthhttp.New(svc, append(append([]oauthhttp.Option{oauthhttp.WithLogger(logger)}, f.http.serverOptions()...), m.serverOptions()...)...)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	api := newMessages()
	api.register(mux, srv.Protect)
	admin, err := registerAdmin(mux, svc, base, logger)
	if err != nil {
		return nil, nil, err
	}
	users, err := registerConsole(mux, svc, base, logger)
	if err != nil {
		return nil, nil, err
	}
	var line *demoLine
	if f.demo {
		if line, err = createDemo(ctx, srv, api, admin, users); err != nil {
			return nil, nil, err
		}
		line.MetricsURL = m.metricsURL()
	}
	logger.Info("listening", "addr", base, "issuer", issuer, "token_endpoint", srv.Endpoints().Token, "demo", f.demo)
	return mux, line, nil
}

// serve answers on ln with h until ctx is done, printing line (when not
// nil) to stdout once it serves, then shuts down gracefully and returns
// nil; a failure to serve or to print is an error.
func serve(ctx context.Context, ln net.Listener, h http.Handler, readTimeout time.Duration, logger *slog.Logger, line *demoLine, stdout io.Writer) error {
	hs := newHTTPServer(h, readTimeout, logger)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if line != nil {
		if err := json.NewEncoder(stdout).Encode(line); err != nil {
			_ = hs.Close()
			return err
		}
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// baseURL is the http URL clients reach the listener at: an unspecified
// address (":0", "0.0.0.0", "[::]") is reached on the loopback.
func baseURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// newService is a service on the backend's store and keys, with the demo
// API's catalog, an audit hook that logs every event, and opts.
func newService(issuer string, logger *slog.Logger, be *backend, opts ...oauthapp.Option) (*oauthapp.Service, error) {
	catalog, err := scope.NewCatalog(demoRoutes)
	if err != nil {
		return nil, err
	}
	if be.kek != nil {
		// Every instance opens the answers another kept for an
		// Idempotency-Key.
		opts = append(opts, oauthapp.WithKeyEncryptionKey(be.kek))
	}
	return oauthapp.New(be.store, be.keys, append([]oauthapp.Option{
		oauthapp.WithIssuer(issuer),
		oauthapp.WithCatalog(catalog),
		oauthapp.WithLogger(logger),
		oauthapp.WithAudit(oauthapp.SlogAudit(logger))}, opts...)...)
}

// createDemo creates the demo account's Owner and app, seeds a message,
// and returns the line to print.
func createDemo(ctx context.Context, srv *oauthhttp.Server, api *messages, admin *admin, users *consoleUsers) (*demoLine, error) {
	owner := oauthapp.Actor{
		UserSID:    newSID("US"),
		AccountSID: newSID("AC"),
		Role:       oauthapp.RoleOwner,
	}
	app, sec, err := srv.Service().CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "demo",
		Description:  "created by tokenserver -demo",
		Permissions:  oauthapp.Permissions{Allow: []string{permList, permRead}},
	})
	if err != nil {
		return nil, err
	}
	api.add(owner.AccountSID, "Hello from the demo account")
	jwtID, jwtKey, err := createJWTApp(ctx, srv.Service(), owner)
	if err != nil {
		return nil, err
	}
	e := srv.Endpoints()
	return &demoLine{
		JWTClientID:  jwtID,
		JWTClientKey: jwtKey,
		TokenURL:     e.Token,
		JWKSURL:      e.JWKS,
		MetadataURL:  e.Metadata,
		APIBase:      e.Issuer + apiPrefix,
		AccountSID:   owner.AccountSID,
		ClientID:     app.SID,
		ClientSecret: sec.Reveal(),
		adminDemo:    admin.grant(owner),
		ConsoleURL:   users.link(owner),

		IntrospectionURL: e.Introspection,
		Audience:         srv.Service().Metadata().Audience,
	}, nil
}

// logRequests logs each request's method, path, status and duration.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
