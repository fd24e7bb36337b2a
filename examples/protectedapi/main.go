package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// routes are the API's routes and the permission each needs.
var routes = []scope.Route{
	{Pattern: "GET /v1/Accounts/{AccountSid}/Invoices", Permission: "/billing/invoices/invoice/list"},
	{Pattern: "GET /v1/Accounts/{AccountSid}/Invoices/{InvoiceSid}", Permission: "/billing/invoices/invoice/read"},
}

// listInvoices and readInvoice are the service's existing handlers; the
// only new line in each is IdentityFrom.
func listInvoices(w http.ResponseWriter, r *http.Request) {
	id, _ := oauthhttp.IdentityFrom(r.Context())
	w.Header().Set("Content-Type", "application/json")
	// An error here is the client gone mid-answer: nothing left to tell it.
	_ = json.NewEncoder(w).Encode(map[string]any{"account_sid": id.AccountSID, "invoices": []string{}, "requested_by": id.AppSID})
}

func readInvoice(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "no invoice "+r.PathValue("InvoiceSid"), http.StatusNotFound)
}

// newAPI registers the API on mux, each route behind the bearer middleware.
func newAPI(mux *http.ServeMux, srv *oauthhttp.Server) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle(routes[0].Pattern, srv.ProtectFunc(listInvoices))
	mux.Handle(routes[1].Pattern, srv.ProtectFunc(readInvoice))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on (\":0\" picks a free port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := serve(ctx, *addr, os.Stdout, logger); err != nil {
		logger.Error("protectedapi", "error", err)
		os.Exit(1)
	}
}

// newServer is a service on an in-memory store, with a new Ed25519
// signing key, the API's catalog and base as its issuer, and its OAuth
// server.
func newServer(base string, logger *slog.Logger) (*oauthapp.Service, *oauthhttp.Server, error) {
	catalog, err := scope.NewCatalog(routes)
	if err != nil {
		return nil, nil, err
	}
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		return nil, nil, err
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		return nil, nil, err
	}
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer(base), oauthapp.WithCatalog(catalog), oauthapp.WithLogger(logger))
	if err != nil {
		return nil, nil, err
	}
	srv, err := oauthhttp.New(svc, oauthhttp.WithLogger(logger), oauthhttp.WithRealm("billing"))
	return svc, srv, err
}

// serve listens on addr, then prints the demo app's credentials, so that
// whoever reads them can use them at once, and serves until ctx ends.
func serve(ctx context.Context, addr string, stdout io.Writer, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	svc, srv, err := newServer(base, logger)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	newAPI(mux, srv)
	srv.Register(mux)

	// The demo's one account and user, under ids of the host's own.
	owner := oauthapp.Actor{UserSID: "demo-user", AccountSID: "demo-account", Role: oauthapp.RoleOwner}
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "billing reader", Permissions: oauthapp.Permissions{Allow: []string{"/billing/invoices/*"}}})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	// The demo app's credentials go to stdout as one JSON line, for the
	// person trying the example, once the server listens; the log never
	// carries a secret.
	logger.Info("listening", "addr", ln.Addr().String(), "token_url", srv.Endpoints().Token, "account_sid", owner.AccountSID, "client_id", app.SID)
	if err := json.NewEncoder(stdout).Encode(map[string]string{
		"token_url": srv.Endpoints().Token, "api_base": base + "/v1", "account_sid": owner.AccountSID,
		"client_id": app.SID, "client_secret": sec.Reveal(),
	}); err != nil {
		_ = hs.Close()
		return err
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
