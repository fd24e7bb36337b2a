package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/postgres"
)

// exampleSchema returns a schema of its own for each example, so that runs
// sharing a database do not meet; the examples drop it at the end. A
// service would keep the default schema ("oauthapps").
func exampleSchema() string {
	return fmt.Sprintf("oauthapps_example_%d", rand.Uint64())
}

// Example shows the setup a service does once at startup (Migrate, then
// New) and the optimistic update that every change to an app goes
// through.
func Example() {
	schema := exampleSchema()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("OAUTHAPPS_POSTGRES_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	defer pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")

	// Migrate is idempotent and safe when several instances start at once.
	if err := postgres.Migrate(ctx, pool, postgres.WithSchema(schema)); err != nil {
		log.Fatal(err)
	}
	s, err := postgres.New(ctx, pool, postgres.WithSchema(schema))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	app, err := s.CreateApp(ctx, store.App{
		SID:        "OQ00000000000000000000000000000001",
		AccountSID: "AC00000000000000000000000000000001",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created, version", app.Version)

	read := app // what another request read at the same time
	app.FriendlyName = "Billing sync"
	if app, err = s.UpdateApp(ctx, app); err != nil {
		log.Fatal(err)
	}
	fmt.Println("updated, version", app.Version)

	read.FriendlyName = "Invoices"
	_, err = s.UpdateApp(ctx, read)
	fmt.Println("stale update is a conflict:", errors.Is(err, store.ErrConflict))
	// Output:
	// created, version 1
	// updated, version 2
	// stale update is a conflict: true
}

// openExample opens a pool and a migrated Store on schema, as a service
// does at startup (see Example); done closes both and drops the schema.
func openExample(ctx context.Context, schema string) (s *postgres.Store, done func()) {
	pool, err := pgxpool.New(ctx, os.Getenv("OAUTHAPPS_POSTGRES_DSN"))
	if err != nil {
		log.Fatal(err)
	}
	if err := postgres.Migrate(ctx, pool, postgres.WithSchema(schema)); err != nil {
		log.Fatal(err)
	}
	if s, err = postgres.New(ctx, pool, postgres.WithSchema(schema)); err != nil {
		log.Fatal(err)
	}
	return s, func() {
		s.Close()
		_, _ = pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		pool.Close()
	}
}

// ExampleStore_Watch shows a subscriber, such as a cache, hearing of a
// deletion made by another instance of the service (another pool and
// Store on the same database).
func ExampleStore_Watch() {
	ctx := context.Background()
	schema := exampleSchema()
	watcher, done := openExample(ctx, schema)
	defer done() // Close stops the listener goroutine
	other, doneOther := openExample(ctx, schema)
	defer doneOther()

	changes := make(chan store.Change, 16)
	stop := watcher.Watch(func(c store.Change) {
		select { // never block the listener
		case changes <- c:
		default:
		}
	})
	defer stop()

	app, err := other.CreateApp(ctx, store.App{
		SID:        "OQ00000000000000000000000000000002",
		AccountSID: "AC00000000000000000000000000000002",
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := other.DeleteApp(ctx, app.SID); err != nil {
		log.Fatal(err)
	}
	select {
	case c := <-changes:
		fmt.Println(c.Kind == store.AppChanged, c.AppSID)
	case <-time.After(5 * time.Second):
		fmt.Println("no notification")
	}
	// Output:
	// true OQ00000000000000000000000000000002
}

// ExampleStore_PurgeRevokedTokens shows the purge a service schedules: it
// removes the revoked ids whose tokens have expired anyway.
func ExampleStore_PurgeRevokedTokens() {
	ctx := context.Background()
	s, done := openExample(ctx, exampleSchema())
	defer done()

	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	_ = s.RevokeToken(ctx, "jti-expired", now.Add(-time.Minute))
	_ = s.RevokeToken(ctx, "jti-live", now.Add(time.Hour))

	// In a service: run this from a time.Ticker, hourly say.
	n, err := s.PurgeRevokedTokens(ctx, now)
	if err != nil {
		log.Fatal(err)
	}
	revoked, _ := s.IsTokenRevoked(ctx, "jti-live", now)
	fmt.Println("purged", n, "- live one still revoked:", revoked)
	// Output:
	// purged 1 - live one still revoked: true
}
