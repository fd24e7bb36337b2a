package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/oauthapps/oauthapps/store"
)

// CreateApp stores a new app and returns it as stored: Version 1, times cut
// to microseconds and in UTC. It returns store.ErrInvalid if SID or
// AccountSID is empty or a field holds text PostgreSQL cannot store (a NUL
// byte, invalid UTF-8), store.ErrAlreadyExists if the SID is taken.
func (s *Store) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	if app.SID == "" || app.AccountSID == "" {
		return store.App{}, fmt.Errorf("postgres: create app: SID and AccountSID are required: %w", store.ErrInvalid)
	}
	var got store.App
	err := retry(ctx, func() (err error) {
		got, err = scanApp(s.pool.QueryRow(ctx, s.q.createApp, appFields(app)...))
		return err
	})
	if err != nil {
		return store.App{}, wrap("create app", err)
	}
	return got, nil
}

// GetApp returns the app with that SID, or store.ErrNotFound.
func (s *Store) GetApp(ctx context.Context, sid string) (store.App, error) {
	app, err := scanApp(s.pool.QueryRow(ctx, s.q.getApp, sid))
	if err != nil {
		return store.App{}, wrap("get app", err)
	}
	return app, nil
}

// ListApps returns up to limit apps of the account whose SID sorts after
// the given one, in ascending SID order (byte order, whatever the
// database's collation). limit must be between 1 and 1000, else
// store.ErrInvalid.
func (s *Store) ListApps(ctx context.Context, accountSID, after string, limit int) ([]store.App, error) {
	if limit < 1 || limit > 1000 {
		return nil, fmt.Errorf("postgres: list apps: limit %d is not between 1 and 1000: %w", limit, store.ErrInvalid)
	}
	rows, err := s.pool.Query(ctx, s.q.listApps, accountSID, after, limit)
	if err != nil {
		return nil, wrap("list apps", err)
	}
	apps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.App, error) { return scanApp(row) })
	if err != nil {
		return nil, wrap("list apps", err)
	}
	return apps, nil
}

// UpdateApp replaces the stored app whose SID and Version match app's, in
// one statement, and returns it as stored with Version one higher.
// AccountSID, CreatedAt and CreatedBy keep their stored values, and a
// secret's LastUsed never moves back (see store.Apps.UpdateApp). It returns
// store.ErrNotFound if there is no such app and store.ErrConflict, writing
// nothing, if the stored version differs (also when a concurrent
// transaction deleted the app while this update waited for it).
func (s *Store) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	// $1 and $2 select the row; the fixed fields (account, creator,
	// creation time) are left out of the SET list.
	f := appFields(app)
	args := append([]any{app.SID, app.Version, f[2], f[3], f[4], f[7]}, f[8:]...)
	var got updated
	err := retry(ctx, func() error {
		rows, err := s.pool.Query(ctx, s.q.updateApp, args...)
		if err != nil {
			return err
		}
		got, err = pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (updated, error) {
			var u updated
			var err error
			u.app, err = scanApp(row, &u.ok)
			return u, err
		})
		return err
	})
	switch {
	case err != nil:
		return store.App{}, wrap("update app", err)
	case !got.ok:
		return store.App{}, fmt.Errorf("postgres: update app %s: stored version %d, given %d: %w",
			app.SID, got.app.Version, app.Version, store.ErrConflict)
	}
	return got.app, nil
}

// updated is one row of the update statement: the app as stored and
// whether the update wrote it.
type updated struct {
	ok  bool
	app store.App
}

// DeleteApp removes the app, or returns store.ErrNotFound.
func (s *Store) DeleteApp(ctx context.Context, sid string) error {
	var tag pgconn.CommandTag
	err := retry(ctx, func() (err error) {
		tag, err = s.pool.Exec(ctx, s.q.deleteApp, sid)
		return err
	})
	if err != nil {
		return wrap("delete app", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete app: %w", store.ErrNotFound)
	}
	return nil
}

// TouchSecret moves the LastUsed time of the app's secret with that id
// forward to at; an earlier at, an unknown app or an unknown secret id
// change nothing and are not errors. It changes no Version and publishes
// no change.
func (s *Store) TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error {
	if secretID == "" || at.IsZero() {
		return nil // the empty id names the empty previous slot
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, s.q.touchSecret, appSID, secretID, timestamp(at))
		return err
	})
	if err != nil {
		return wrap("touch secret", err)
	}
	return nil
}

// appFields are the query arguments $1..$27 of an app: every stored column
// but the version, in appColumns order.
func appFields(a store.App) []any {
	c, p := a.Secrets.Current, a.Secrets.Previous
	keys, used := keyColumns(a.Keys)
	return []any{
		a.SID, a.AccountSID, a.Region, a.FriendlyName, a.Description, a.CreatedBy,
		timestamp(a.CreatedAt), timestamp(a.UpdatedAt),
		textArray(a.Policy.Allow), textArray(a.Policy.Deny), int64(a.TokenTTL),
		c.ID, c.Hash, timestamp(c.Created), timestamp(c.Expires), timestamp(c.LastUsed),
		p.ID, p.Hash, timestamp(p.Created), timestamp(p.Expires), timestamp(p.LastUsed),
		graceNS(a.DefaultGrace),
		textArray(a.Resources), string(keys), string(used),
		string(federatedColumn(a.FederatedCredentials)),
		a.DPoPBoundAccessTokens,
	}
}

// graceNS stores an app's default grace in nanoseconds, nil as NULL.
func graceNS(g *time.Duration) *int64 {
	if g == nil {
		return nil
	}
	ns := int64(*g)
	return &ns
}

// scanApp reads one row of appColumns, after the given leading
// destinations.
func scanApp(row pgx.Row, lead ...any) (store.App, error) {
	var (
		a                             store.App
		created, updatedAt            pgtype.Timestamptz
		cCreated, cExpires, cLastUsed pgtype.Timestamptz
		pCreated, pExpires, pLastUsed pgtype.Timestamptz
		ttl                           int64
		grace                         *int64
		c, p                          = &a.Secrets.Current, &a.Secrets.Previous
		keys, used, federated         []byte
	)
	dest := append(lead,
		&a.SID, &a.AccountSID, &a.Region, &a.FriendlyName, &a.Description, &a.CreatedBy,
		&created, &updatedAt, &a.Policy.Allow, &a.Policy.Deny, &ttl,
		&c.ID, &c.Hash, &cCreated, &cExpires, &cLastUsed,
		&p.ID, &p.Hash, &pCreated, &pExpires, &pLastUsed, &grace,
		&a.Resources, &keys, &used, &federated, &a.DPoPBoundAccessTokens, &a.Version)
	if err := row.Scan(dest...); err != nil {
		return store.App{}, err
	}
	var err error
	if a.Keys, err = scanKeys(keys, used); err != nil {
		return store.App{}, err
	}
	if a.FederatedCredentials, err = scanFederated(federated); err != nil {
		return store.App{}, err
	}
	a.Resources = nilIfEmpty(a.Resources)
	a.CreatedAt, a.UpdatedAt = goTime(created), goTime(updatedAt)
	c.Created, c.Expires, c.LastUsed = goTime(cCreated), goTime(cExpires), goTime(cLastUsed)
	p.Created, p.Expires, p.LastUsed = goTime(pCreated), goTime(pExpires), goTime(pLastUsed)
	a.TokenTTL = time.Duration(ttl)
	if grace != nil {
		g := time.Duration(*grace)
		a.DefaultGrace = &g
	}
	a.Policy.Allow, a.Policy.Deny = nilIfEmpty(a.Policy.Allow), nilIfEmpty(a.Policy.Deny)
	return a, nil
}

// timestamp stores a time at microsecond precision, the zero time as NULL.
func timestamp(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t.Truncate(time.Microsecond), Valid: !t.IsZero()}
}

// instant stores a time at microsecond precision, the zero time included,
// for columns and comparisons where NULL would mean something else.
func instant(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t.Truncate(time.Microsecond), Valid: true}
}

// goTime reads a stored time back in UTC, NULL as the zero time.
func goTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// textArray stores nil as an empty array: the columns are NOT NULL.
func textArray(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func nilIfEmpty(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return ss
}

// noRows reports whether err says a query returned no row.
func noRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
