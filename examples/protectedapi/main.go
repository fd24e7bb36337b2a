package main

import (
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"os"
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

// newAPI mounts the API on mux, each route behind the bearer middleware.
func newAPI(mux *http.ServeMux, srv *oauthhttp.Server) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle(routes[0].Pattern, srv.Protect(http.HandlerFunc(listInvoices)))
	mux.Handle(routes[1].Pattern, srv.Protect(http.HandlerFunc(readInvoice)))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := serve(*addr, logger); err != nil {
		logger.Error("protectedapi", "error", err)
		os.Exit(1)
	}
}

func serve(addr string, logger *slog.Logger) error {
	catalog, err := scope.NewCatalog(routes)
	if err != nil {
		return err
	}
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		return err
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		return err
	}
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer("http://"+addr), oauthapp.WithCatalog(catalog), oauthapp.WithLogger(logger))
	if err != nil {
		return err
	}
	srv, err := oauthhttp.New(svc, oauthhttp.WithLogger(logger), oauthhttp.WithRealm("billing"))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	newAPI(mux, srv)
	srv.Mount(mux)

	owner := oauthapp.Actor{UserSID: oauthapp.NewSID(oauthapp.UserSIDPrefix), AccountSID: oauthapp.NewSID(oauthapp.AccountSIDPrefix), Role: oauthapp.RoleOwner}
	app, sec, err := svc.CreateApp(context.Background(), owner, oauthapp.NewApp{FriendlyName: "billing reader", Permissions: oauthapp.Permissions{Allow: []string{"/billing/invoices/*"}}})
	if err != nil {
		return err
	}
	// The demo app's credentials go to stdout as one JSON line, for the
	// person trying the example; the log never carries a secret.
	logger.Info("listening", "addr", addr, "token_url", srv.Endpoints().Token, "account_sid", owner.AccountSID, "client_id", app.SID)
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{
		"token_url": srv.Endpoints().Token, "account_sid": owner.AccountSID,
		"client_id": app.SID, "client_secret": sec.Reveal(),
	}); err != nil {
		return err
	}
	hs := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return hs.ListenAndServe()
}
