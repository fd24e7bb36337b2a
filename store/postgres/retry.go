package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// maxAttempts bounds how often a write statement runs when PostgreSQL
// aborts it as a serialization failure or a deadlock.
const maxAttempts = 10

// retry runs one write statement, again when PostgreSQL aborts it with a
// serialization failure (SQLSTATE 40001) or a deadlock (40P01). Under the
// default READ COMMITTED isolation this store's statements never get
// either; a database, role or connection that defaults to REPEATABLE READ
// or SERIALIZABLE aborts a statement that races another write of the same
// row. Each statement runs as a transaction of its own, so an aborted one
// changed nothing, and run again with a fresh snapshot it sees the write it
// raced: an UpdateApp then finds the version it expects, or reports the
// conflict. A short pause, random and growing, separates the attempts, so
// that statements that collided do not collide again in step.
func retry(ctx context.Context, run func() error) error {
	for attempt := 1; ; attempt++ {
		err := run()
		if err == nil || attempt == maxAttempts || !serializationFailure(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(rand.Int64N(int64(attempt) * int64(2*time.Millisecond)))):
		}
	}
}

// serializationFailure reports whether err is PostgreSQL's answer to a
// statement that lost a race with another transaction.
func serializationFailure(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == sqlstateSerializationFailure || pgErr.Code == sqlstateDeadlockDetected)
}
