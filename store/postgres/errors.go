package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/oauthapps/oauthapps/store"
)

// Errors of this package. The store's own methods return the sentinels of
// package store (store.ErrNotFound, store.ErrAlreadyExists,
// store.ErrConflict, store.ErrInvalid), wrapped with detail; these are for
// setting the store up. All work with errors.Is.
var (
	// ErrInvalidOption: an Option of Migrate or New was given an unusable
	// value; the wrapped message says which. Every bad option's error
	// wraps it.
	ErrInvalidOption = errors.New("postgres: invalid option")
	// ErrSchemaName wraps into ErrInvalidOption: the schema name given to
	// WithSchema is not a plain lowercase identifier of at most 48 bytes, or starts with pg_.
	ErrSchemaName = errors.New("postgres: invalid schema name")
	// ErrNotMigrated: the schema lacks migrations this code needs; call
	// Migrate first.
	ErrNotMigrated = errors.New("postgres: schema not migrated")
	// ErrSchemaTooNew: the schema has migrations this code does not know,
	// applied by a newer release; upgrade this program.
	ErrSchemaTooNew = errors.New("postgres: schema is newer than this code")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("postgres: store closed")
)

// wrap turns a driver error into the store's: no row becomes
// store.ErrNotFound, a unique violation store.ErrAlreadyExists, a value
// PostgreSQL refuses (SQLSTATE class 22, a not-null or check violation)
// store.ErrInvalid. Those carry the SQLSTATE but not the server's message,
// which may quote the value. Anything else, context errors included, is
// wrapped as it is.
func wrap(op string, err error) error {
	if noRows(err) {
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == sqlstateUniqueViolation:
			return fmt.Errorf("postgres: %s: %w (SQLSTATE %s)", op, store.ErrAlreadyExists, pgErr.Code)
		case strings.HasPrefix(pgErr.Code, "22"),
			pgErr.Code == sqlstateNotNullViolation,
			pgErr.Code == sqlstateCheckViolation:
			return fmt.Errorf("postgres: %s: %w (SQLSTATE %s)", op, store.ErrInvalid, pgErr.Code)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// SQLSTATE codes the store maps (PostgreSQL manual, appendix A).
const (
	sqlstateUniqueViolation  = "23505"
	sqlstateNotNullViolation = "23502"
	sqlstateCheckViolation   = "23514"

	sqlstateSerializationFailure = "40001"
	sqlstateDeadlockDetected     = "40P01"
)
