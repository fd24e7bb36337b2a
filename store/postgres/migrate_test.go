package postgres

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/oauthapps/oauthapps/store"
)

// appliedVersions lists the schema's version table.
func appliedVersions(t *testing.T, pool *pgxpool.Pool, schema string) []int {
	t.Helper()
	rows, err := pool.Query(context.Background(), "SELECT version FROM "+pgx.Identifier{schema, versionTable}.Sanitize()+" ORDER BY version")
	if err != nil {
		t.Fatalf("read versions: %v", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatalf("read versions: %v", err)
	}
	return vs
}

func wantAllVersions(t *testing.T, got []int) {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Fatalf("version table %v, want each embedded version once", got)
	}
	for i, v := range got {
		if v != ms[i].version {
			t.Fatalf("version table %v, want each embedded version once", got)
		}
	}
}

// TestMigrate: Migrate applies each migration once, run twice or by many
// instances at once, and leaves another tool's table alone.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)

	t.Run("twice in a row applies each migration once", func(t *testing.T) {
		schema := testSchema(t, pool)
		for range 2 {
			if err := Migrate(ctx, pool, WithSchema(schema)); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
		}
		wantAllVersions(t, appliedVersions(t, pool, schema))
	})

	for _, level := range []string{"read committed", "repeatable read", "serializable"} {
		t.Run("many instances at once all succeed and apply each migration once, default isolation "+level, func(t *testing.T) {
			pool := poolWithIsolation(t, level)
			schema := testSchema(t, pool)
			const instances = 6
			errs := together(instances, func(int) error { return Migrate(ctx, pool, WithSchema(schema)) })
			for i, err := range errs {
				if err != nil {
					t.Fatalf("Migrate %d: %v", i, err)
				}
			}
			wantAllVersions(t, appliedVersions(t, pool, schema))
			if _, err := New(ctx, pool, WithSchema(schema)); err != nil {
				t.Fatalf("New after concurrent migrations: %v", err)
			}
		})
	}

	t.Run("a schema_migrations table of another tool in the schema is left alone", func(t *testing.T) {
		schema := testSchema(t, pool)
		foreign := pgx.Identifier{schema, "schema_migrations"}.Sanitize()
		for _, q := range []string{
			"CREATE SCHEMA " + pgx.Identifier{schema}.Sanitize(),
			"CREATE TABLE " + foreign + " (version bigint PRIMARY KEY, dirty boolean NOT NULL)",
			"INSERT INTO " + foreign + " VALUES (20240101, false)",
		} {
			if _, err := pool.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := Migrate(ctx, pool, WithSchema(schema)); err != nil {
			t.Fatalf("Migrate into a schema another tool manages: %v", err)
		}
		wantAllVersions(t, appliedVersions(t, pool, schema))
		var version int64
		if err := pool.QueryRow(ctx, "SELECT version FROM "+foreign).Scan(&version); err != nil || version != 20240101 {
			t.Errorf("the other tool's table reads %d, %v; want 20240101 untouched", version, err)
		}
	})

}

// TestMigrateRefusesASchemaItCannotServe: New refuses a schema Migrate has
// not made, and New and Migrate refuse one that a newer version made.
func TestMigrateRefusesASchemaItCannotServe(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)

	t.Run("New before Migrate is ErrNotMigrated", func(t *testing.T) {
		schema := testSchema(t, pool)
		if _, err := New(ctx, pool, WithSchema(schema)); !errors.Is(err, ErrNotMigrated) {
			t.Fatalf("New on an empty schema: %v, want ErrNotMigrated", err)
		}
	})

	t.Run("a schema newer than the code is refused by New and Migrate", func(t *testing.T) {
		schema := testSchema(t, pool)
		if err := Migrate(ctx, pool, WithSchema(schema)); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, "INSERT INTO "+pgx.Identifier{schema, versionTable}.Sanitize()+" (version, name) VALUES (999, 'future')"); err != nil {
			t.Fatal(err)
		}
		if _, err := New(ctx, pool, WithSchema(schema)); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("New: %v, want ErrSchemaTooNew", err)
		}
		if err := Migrate(ctx, pool, WithSchema(schema)); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Migrate: %v, want ErrSchemaTooNew", err)
		}
	})

}

func TestMigrateMakesIndexes(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	t.Run("indexes back every query", func(t *testing.T) {
		schema := testSchema(t, pool)
		if err := Migrate(ctx, pool, WithSchema(schema)); err != nil {
			t.Fatal(err)
		}
		rows, err := pool.Query(ctx, "SELECT indexdef FROM pg_indexes WHERE schemaname = $1", schema)
		if err != nil {
			t.Fatal(err)
		}
		defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(defs, "\n")
		for _, cols := range []string{"apps USING btree (sid)", "apps USING btree (account_sid, sid)", "revoked_tokens USING btree (token_id)", "revoked_tokens USING btree (expires)"} {
			if !strings.Contains(all, cols) {
				t.Errorf("no index on %s among:\n%s", cols, all)
			}
		}
	})
}

func TestSchemaNameIsChecked(t *testing.T) {
	pool := testPool(t)
	for _, name := range []string{"", "Upper", "with-dash", "1digit", `q"uote`, "x; DROP TABLE y", strings.Repeat("a", 49), "pg_reserved"} {
		t.Run("refuses "+name, func(t *testing.T) {
			if err := Migrate(context.Background(), pool, WithSchema(name)); !errors.Is(err, ErrSchemaName) {
				t.Errorf("Migrate: %v, want ErrSchemaName", err)
			}
			if _, err := New(context.Background(), pool, WithSchema(name)); !errors.Is(err, ErrSchemaName) {
				t.Errorf("New: %v, want ErrSchemaName", err)
			}
		})
	}
}

// TestMigrateNeedsNoSuperuser runs Migrate and the store as a plain role:
// once with CREATE on the database, once in a schema an administrator made
// for it.
func TestMigrateNeedsNoSuperuser(t *testing.T) {
	ctx := context.Background()
	admin := testPool(t)
	role := "oauthapps_test_role_" + randomHex(4)
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"); err != nil {
		t.Fatal(err)
	}
	var database string
	if err := admin.QueryRow(ctx, "SELECT current_database()").Scan(&database); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, q := range []string{
			"REVOKE ALL ON DATABASE " + pgx.Identifier{database}.Sanitize() + " FROM " + role,
			"DROP OWNED BY " + role + " CASCADE",
			"DROP ROLE " + role,
		} {
			if _, err := admin.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(os.Getenv(dsnVar))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	plain, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)

	run := func(t *testing.T, schema string) {
		t.Helper()
		if err := Migrate(ctx, plain, WithSchema(schema)); err != nil {
			t.Fatalf("Migrate as %s: %v", role, err)
		}
		s, err := New(ctx, plain, WithSchema(schema))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		changes := make(chan store.Change, 10)
		stop := s.Watch(func(c store.Change) { changes <- c })
		defer stop()
		app, err := s.CreateApp(ctx, store.App{SID: appSID(), AccountSID: accountSID()})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteApp(ctx, app.SID); err != nil {
			t.Fatal(err)
		}
		if c := nextChange(t, changes, time.Second); c.AppSID != app.SID {
			t.Fatalf("got %+v, want AppChanged for %s", c, app.SID)
		}
	}

	t.Run("with CREATE on the database", func(t *testing.T) {
		if _, err := admin.Exec(ctx, "GRANT CREATE ON DATABASE "+pgx.Identifier{database}.Sanitize()+" TO "+role); err != nil {
			t.Fatal(err)
		}
		run(t, testSchema(t, admin))
	})

	t.Run("in a schema an administrator made", func(t *testing.T) {
		if _, err := admin.Exec(ctx, "REVOKE CREATE ON DATABASE "+pgx.Identifier{database}.Sanitize()+" FROM "+role); err != nil {
			t.Fatal(err)
		}
		schema := testSchema(t, admin)
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema+" AUTHORIZATION "+role); err != nil {
			t.Fatal(err)
		}
		run(t, schema)
	})
}
