package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded SQL file, named "<version>_<name>.sql".
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // fs.Glob returns sorted names
		base := strings.TrimSuffix(path.Base(name), ".sql")
		num, label, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version < 1 || (len(ms) > 0 && version <= ms[len(ms)-1].version) {
			return nil, fmt.Errorf("postgres: migration file %s: want <version>_<name>.sql numbered upwards from 1, each number once", name)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: version, name: label, sql: string(body)})
	}
	return ms, nil
}

// latestVersion is the schema version this code needs.
func latestVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		panic("postgres: embedded migrations are broken: " + fmt.Sprint(err))
	}
	return ms[len(ms)-1].version
}

// Migrate creates or upgrades the schema (WithSchema; default "oauthapps")
// to the version this code needs, applying the embedded migrations that the
// schema's version table does not list yet. It is idempotent, and safe when
// several instances call it at once: they take a transaction-scoped
// advisory lock on the schema name, so one applies the migrations and the
// others then find nothing to do. All pending migrations apply in one
// transaction, READ COMMITTED whatever the database's default, so that an
// instance that waited for the lock sees what the first one made; on
// error nothing changes. The applied versions are recorded in the
// schema's oauthapps_migrations table.
//
// It needs no superuser: the role needs CREATE on the database when the
// schema does not exist yet, or, for a schema an administrator created, the
// right to create tables, functions and triggers in it. Options other than
// WithSchema are ignored.
func Migrate(ctx context.Context, pool *pgxpool.Pool, opts ...Option) error {
	cfg, err := newConfig(opts)
	if err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	// READ COMMITTED whatever the database's default: each statement
	// must see what was committed before it started, so that an instance
	// that waited for the lock sees the schema the first one made. Under
	// REPEATABLE READ the snapshot would date from the lock statement,
	// taken before the lock was granted.
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		return migrateTx(ctx, tx, cfg.schema, ms)
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate schema %s: %w", cfg.schema, err)
	}
	return nil
}

// versionTable lists the migrations applied to a schema. Its name is this
// library's own, so that a schema shared with another tool (whose table is
// often schema_migrations) is not misread.
const versionTable = "oauthapps_migrations"

func migrateTx(ctx context.Context, tx pgx.Tx, schema string, ms []migration) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "oauthapps.migrate."+schema); err != nil {
		return err
	}
	// CREATE SCHEMA IF NOT EXISTS checks the database privilege before it
	// looks for the schema, so look first: a role without CREATE on the
	// database can still migrate a schema made for it.
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		return err
	}
	quoted := pgx.Identifier{schema}.Sanitize()
	if !exists {
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+quoted); err != nil {
			return err
		}
	}
	versions := pgx.Identifier{schema, versionTable}.Sanitize()
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+versions+` (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, "SELECT version FROM "+versions)
	if err != nil {
		return err
	}
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return err
	}
	if v := unknownVersion(applied, ms); v != 0 {
		return fmt.Errorf("%w: version %d is applied, which this code does not know", ErrSchemaTooNew, v)
	}
	// Every embedded migration not applied yet runs, in version order:
	// numbers may have gaps, and one with a lower number than an applied
	// one may arrive later (a branch that reserved it landed later); each
	// migration touches its own tables, so the order between them does
	// not matter.
	for _, m := range ms {
		if slices.Contains(applied, m.version) {
			continue
		}
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.sql, "{{schema}}", quoted)); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+versions+" (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return err
		}
	}
	return nil
}

// unknownVersion returns an applied version that no embedded migration
// has, or 0 when there is none.
func unknownVersion(applied []int, ms []migration) int {
	for _, v := range applied {
		if !slices.ContainsFunc(ms, func(m migration) bool { return m.version == v }) {
			return v
		}
	}
	return 0
}

// missingVersion returns the version of an embedded migration that is not
// applied, or 0 when every one is.
func missingVersion(applied []int, ms []migration) int {
	for _, m := range ms {
		if !slices.Contains(applied, m.version) {
			return m.version
		}
	}
	return 0
}

// readApplied lists the versions applied to a schema: none if the
// schema or its version table does not exist.
func readApplied(ctx context.Context, pool *pgxpool.Pool, schema string) ([]int, error) {
	var table *string
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1)::text", pgx.Identifier{schema, versionTable}.Sanitize()).Scan(&table); err != nil {
		return nil, err
	}
	if table == nil {
		return nil, nil
	}
	rows, err := pool.Query(ctx, "SELECT version FROM "+pgx.Identifier{schema, versionTable}.Sanitize())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

// schemaVersion reads the schema's applied version: 0 if the schema or its
// version table does not exist.
func schemaVersion(ctx context.Context, pool *pgxpool.Pool, schema string) (int, error) {
	var table *string
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1)::text", pgx.Identifier{schema, versionTable}.Sanitize()).Scan(&table); err != nil {
		return 0, err
	}
	if table == nil {
		return 0, nil
	}
	var v int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+pgx.Identifier{schema, versionTable}.Sanitize()).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}
