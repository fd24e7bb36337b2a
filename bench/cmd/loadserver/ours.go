package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/postgres"
	"github.com/oauthapps/oauthapps/token"
)

type oursConfig struct {
	dsn, schema string
	seed        bool
	cache       time.Duration
	apps        int
	clients     int
	alg         token.Algorithm
}

// newOurs is our token endpoint and bearer middleware on the memory store
// or on PostgreSQL, tokens signed with c.alg, apps spread ten to an account except
// the first clients' apps, which share one account.
func newOurs(ctx context.Context, c oursConfig) (*backend, error) {
	key, err := token.GenerateKey(c.alg)
	if err != nil {
		return nil, err
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		return nil, err
	}
	var st store.Store = store.NewMemory()
	if c.dsn != "" {
		if st, err = openPostgres(ctx, c.dsn, c.schema, c.seed); err != nil {
			return nil, err
		}
	}
	catalog, err := scope.NewCatalog([]scope.Route{{Pattern: apiPattern, Permission: scopeRead}})
	if err != nil {
		return nil, err
	}
	opts := []oauthapp.Option{oauthapp.WithIssuer(tokenIssuer), oauthapp.WithAudience(audience),
		oauthapp.WithTokenTTL(tokenTTL), oauthapp.WithCatalog(catalog)}
	if c.cache > 0 {
		opts = append(opts, oauthapp.WithCache(c.cache, 0))
	}
	svc, err := oauthapp.New(st, keys, opts...)
	if err != nil {
		return nil, err
	}
	// All the harness's clients come from one address, and the failure
	// limiter counts an attempt from when it starts until it succeeds:
	// beyond DefaultAddrFailures (30) in flight at once, attempts from one
	// address wait. The peers have no such limiter, so the harness lifts
	// the limit by address; the limit per client id stays.
	limiter, err := oauthhttp.NewMemoryLimiter(oauthhttp.WithAddrFailures(-1), oauthhttp.WithLimiterClock(svc.Metadata().Clock))
	if err != nil {
		return nil, err
	}
	srv, err := oauthhttp.New(svc, oauthhttp.WithLimiter(limiter))
	if err != nil {
		return nil, err
	}
	b := &backend{
		token: srv.Token(),
		api:   srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })),
	}
	if c.dsn != "" && !c.seed {
		return b, nil // the driver kept the credentials of the seeding run
	}
	b.clients, b.account, err = createApps(ctx, svc, c.apps, c.clients)
	return b, err
}

// createApps creates n apps and returns the credentials of the first
// clients of them, whose apps are all in one account. The others go ten
// to an account. Four goroutines create them, for PostgreSQL's sake.
func createApps(ctx context.Context, svc *oauthapp.Service, n, clients int) ([]loadproto.Client, string, error) {
	perms := oauthapp.Permissions{Allow: []string{scopeRead, scopeWrite}}
	// Account and user ids are the host's own: here Twilio-style, the
	// first account's random so that runs on one database do not share it.
	first := oauthapp.Actor{UserSID: "US" + rand.Text(), AccountSID: "AC" + rand.Text(), Role: oauthapp.RoleOwner}
	out := make([]loadproto.Client, min(n, clients))
	const workers = 4
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				owner := first
				if i >= len(out) {
					owner.AccountSID = fmt.Sprintf("AC%032x", i/10)
				}
				app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: fmt.Sprintf("load %d", i), Permissions: perms})
				if err != nil {
					errs[w] = err
					return
				}
				if i < len(out) {
					out[i] = loadproto.Client{ID: app.SID, Secret: sec.Reveal()}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, "", err
		}
	}
	return out, first.AccountSID, nil
}

// openPostgres opens the store on the schema; with seed, on an empty
// schema made afresh.
func openPostgres(ctx context.Context, dsn, schema string, seed bool) (*postgres.Store, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if seed {
		if _, err := pool.Exec(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`); err != nil {
			return nil, err
		}
		if err := postgres.Migrate(ctx, pool, postgres.WithSchema(schema)); err != nil {
			return nil, err
		}
	}
	return postgres.New(ctx, pool, postgres.WithSchema(schema))
}
