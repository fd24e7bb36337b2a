package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oauthapps/oauthapps/store"
)

// TestAppsStoredBeforeTheDefaultGraceKeepWorking: an app written by the
// code of migration 1 (AC/US SIDs, no default grace column) reads back
// unchanged after the later migrations, with the service default grace,
// and can then be given a grace of its own, zero included; an app of a
// host whose ids are UUIDs is stored as it is.
func TestAppsStoredBeforeTheDefaultGraceKeepWorking(t *testing.T) {
	ctx := context.Background()
	pool := testPool(t)
	schema := testSchema(t, pool)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTx(ctx, tx, schema, ms[:1]); err != nil {
		t.Fatalf("migration 1: %v", err)
	}
	old := store.App{
		SID: "OQ" + randomHex(16), AccountSID: "AC" + randomHex(16), Region: "us1", FriendlyName: "old",
		CreatedBy: "US" + randomHex(16), CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Policy:  store.Policy{Allow: []string{"/demo/messaging/messages/list"}},
		Secrets: store.Secrets{Current: store.Secret{ID: "abcdefgh", Hash: "sha256$x", Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}},
	}
	old.UpdatedAt = old.CreatedAt
	// The insert of the code that knew only migration 1.
	f := appFields(old)[:21]
	if _, err := tx.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "apps"}.Sanitize()+` (sid, account_sid, region, friendly_name, description, created_by,
		created_at, updated_at, policy_allow, policy_deny, token_ttl_ns,
		cur_id, cur_hash, cur_created, cur_expires, cur_last_used,
		prev_id, prev_hash, prev_created, prev_expires, prev_last_used, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 1)`, f...); err != nil {
		t.Fatalf("insert as migration 1's code: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	s := openStore(t, pool, schema)
	got, err := s.GetApp(ctx, old.SID)
	if err != nil {
		t.Fatal(err)
	}
	want := old
	want.Version = 1
	if got.DefaultGrace != nil || got.AccountSID != want.AccountSID || got.CreatedBy != want.CreatedBy || got.FriendlyName != "old" || got.Version != 1 {
		t.Errorf("the old app reads back as %+v", got)
	}
	zero := time.Duration(0)
	got.DefaultGrace = &zero
	updated, err := s.UpdateApp(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if updated.DefaultGrace == nil || *updated.DefaultGrace != 0 {
		t.Errorf("a default grace of zero reads back as %v", updated.DefaultGrace)
	}

	uuid := store.App{SID: "OQ" + randomHex(16), AccountSID: "9b2f6c1e-4d7a-4c1b-9a0e-3f5d8e2b7c61", CreatedBy: "ops+admin@example.com", Region: "us1", FriendlyName: "new"}
	if _, err := s.CreateApp(ctx, uuid); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListApps(ctx, uuid.AccountSID, "", 10)
	if err != nil || len(list) != 1 || list[0].CreatedBy != uuid.CreatedBy {
		t.Errorf("ListApps of a UUID account: %v %+v", err, list)
	}
}
