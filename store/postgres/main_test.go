package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// dsnVar names the environment variable that points the tests at a
// PostgreSQL server.
const dsnVar = "OAUTHAPPS_POSTGRES_DSN"

// TestMain skips the whole package, examples included, when no server is
// configured: every test and example here needs one. It says so on
// stderr, which plain "go test" and "go test -v" show. For a package that
// passes, "go test ./..." shows no output at all, only its summary line;
// the standard no-tests warning printed last makes that line end in
// "[no tests to run]".
func TestMain(m *testing.M) {
	if os.Getenv(dsnVar) == "" {
		fmt.Fprint(os.Stderr, skipMessage)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// skipMessage says why nothing ran and how to run it.
const skipMessage = "store/postgres: SKIPPED every test: they need a PostgreSQL server.\n" +
	"Set " + dsnVar + " to a database the tests may create schemas in, e.g. from store/postgres:\n" +
	"  " + dsnVar + "='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test -race ./...\n" +
	"testing: warning: no tests to run\n"

// testPool opens a pool on the test server, closed at cleanup.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), os.Getenv(dsnVar))
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// poolWithIsolation opens a pool whose sessions default to the given
// transaction isolation, as ALTER ROLE ... SET default_transaction_isolation
// would make them; closed at cleanup.
func poolWithIsolation(t testing.TB, level string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(os.Getenv(dsnVar))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["default_transaction_isolation"] = level
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// testSchema returns a fresh schema name, dropped with its contents at
// cleanup.
func testSchema(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	name := "oauthapps_test_" + randomHex(6)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

// newTestStore migrates a fresh schema and opens a Store on it, closed at
// cleanup.
func newTestStore(t testing.TB, opts ...Option) (*Store, *pgxpool.Pool, string) {
	t.Helper()
	pool := testPool(t)
	schema := testSchema(t, pool)
	s := openStore(t, pool, schema, opts...)
	return s, pool, schema
}

// openStore migrates schema in pool and opens a Store on it, closed at
// cleanup.
func openStore(t testing.TB, pool *pgxpool.Pool, schema string, opts ...Option) *Store {
	t.Helper()
	ctx := context.Background()
	opts = append([]Option{WithSchema(schema)}, opts...)
	if err := Migrate(ctx, pool, opts...); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// together runs fn(0..n-1) on n goroutines released at the same moment and
// returns their errors once all have ended.
func together(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
