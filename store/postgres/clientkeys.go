package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/oauthapps/oauthapps/store"
)

var _ store.AssertionIDs = (*Store)(nil)

// storedKey is a client key as the client_keys column holds it; its
// last-used time is kept apart, in client_keys_used.
type storedKey struct {
	ID        string    `json:"id"`
	Algorithm string    `json:"alg"`
	PublicKey string    `json:"key"`
	Created   time.Time `json:"created"`
}

// keyColumns are the client_keys and client_keys_used values of keys:
// times at microsecond precision, a zero LastUsed as null.
func keyColumns(keys []store.ClientKey) (list, used []byte) {
	l := make([]storedKey, len(keys))
	u := make(map[string]*time.Time, len(keys))
	for i, k := range keys {
		l[i] = storedKey{ID: k.ID, Algorithm: k.Algorithm, PublicKey: k.PublicKey, Created: k.Created.Truncate(time.Microsecond).UTC()}
		u[k.ID] = nil
		if !k.LastUsed.IsZero() {
			t := k.LastUsed.Truncate(time.Microsecond).UTC()
			u[k.ID] = &t
		}
	}
	// Marshalling plain structs, strings and times cannot fail.
	list, _ = json.Marshal(l)
	used, _ = json.Marshal(u)
	return list, used
}

// scanKeys reads the client_keys and client_keys_used columns back.
func scanKeys(list, used []byte) ([]store.ClientKey, error) {
	var l []storedKey
	if err := json.Unmarshal(list, &l); err != nil {
		return nil, fmt.Errorf("client_keys column: %w", err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	var u map[string]*time.Time
	if err := json.Unmarshal(used, &u); err != nil {
		return nil, fmt.Errorf("client_keys_used column: %w", err)
	}
	keys := make([]store.ClientKey, len(l))
	for i, k := range l {
		keys[i] = store.ClientKey{ID: k.ID, Algorithm: k.Algorithm, PublicKey: k.PublicKey, Created: utcOrZero(k.Created)}
		if t := u[k.ID]; t != nil {
			keys[i].LastUsed = t.UTC()
		}
	}
	return keys, nil
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// TouchClientKey moves the LastUsed time of the app's client key with that
// id forward to at; an earlier at, an unknown app or an unknown key id
// change nothing and are not errors. It changes no Version and publishes
// no change.
func (s *Store) TouchClientKey(ctx context.Context, appSID, keyID string, at time.Time) error {
	if keyID == "" || at.IsZero() {
		return nil
	}
	err := retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, s.q.touchClientKey, appSID, keyID, instant(at))
		return err
	})
	if err != nil {
		return wrap("touch client key", err)
	}
	return nil
}

// UseAssertionID records the client's assertion id until expires
// (microsecond precision), in one statement: it returns
// store.ErrAlreadyExists when the pair is recorded with an expiry after
// now. Two instances using one pair at once: the primary key lets exactly
// one of them write it.
func (s *Store) UseAssertionID(ctx context.Context, clientID, jti string, expires, now time.Time) error {
	if clientID == "" || jti == "" {
		return fmt.Errorf("postgres: use assertion id: empty client id or assertion id: %w", store.ErrInvalid)
	}
	var tag pgconn.CommandTag
	err := retry(ctx, func() (err error) {
		tag, err = s.pool.Exec(ctx, s.q.useAssertion, clientID, jti, instant(expires), instant(now))
		return err
	})
	if err != nil {
		return wrap("use assertion id", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: use assertion id: %w", store.ErrAlreadyExists)
	}
	return nil
}

// PurgeAssertionIDs removes the entries whose expiry is at or before now,
// in batches as PurgeRevokedTokens does, and returns how many it removed.
// Nothing calls it on its own: schedule it (oauthapp.Service.Purge).
func (s *Store) PurgeAssertionIDs(ctx context.Context, now time.Time) (int, error) {
	return s.purgeBatches(ctx, s.q.purgeAssertions, "purge assertion ids", now)
}
