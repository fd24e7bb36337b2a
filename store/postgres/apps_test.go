package postgres

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// testApp returns a full app record with times that carry nanoseconds, a
// monotonic reading and a non-UTC location, as callers may pass them.
func testApp(sid, account string) store.App {
	base := time.Now().In(time.FixedZone("UTC-7", -7*3600))
	return store.App{
		SID:          sid,
		AccountSID:   account,
		Region:       "us1",
		FriendlyName: "Billing sync",
		Description:  "pushes invoices",
		CreatedBy:    "US" + randomHex(16),
		CreatedAt:    base,
		UpdatedAt:    base.Add(time.Second + 123),
		Policy:       store.Policy{Allow: []string{"/twilio/voice/calls/*"}, Deny: []string{"/twilio/voice/calls/delete"}},
		TokenTTL:     90*time.Minute + 1,
		Secrets: store.Secrets{
			Current:  store.Secret{ID: "cur1", Hash: "sha256$abc", Created: base.Add(-time.Hour)},
			Previous: store.Secret{ID: "prev1", Hash: "sha256$def", Created: base.Add(-48 * time.Hour), Expires: base.Add(24 * time.Hour), LastUsed: base.Add(-time.Minute)},
		},
	}
}

func appSID() string     { return "OQ" + randomHex(16) }
func accountSID() string { return "AC" + randomHex(16) }

// stored is how the store gives an app back: times cut to microseconds in
// UTC, empty policy lists nil.
func stored(a store.App, version int64) store.App {
	norm := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Time{}
		}
		return t.Truncate(time.Microsecond).UTC()
	}
	a.CreatedAt, a.UpdatedAt = norm(a.CreatedAt), norm(a.UpdatedAt)
	for _, s := range []*store.Secret{&a.Secrets.Current, &a.Secrets.Previous} {
		s.Created, s.Expires, s.LastUsed = norm(s.Created), norm(s.Expires), norm(s.LastUsed)
	}
	if len(a.Policy.Allow) == 0 {
		a.Policy.Allow = nil
	}
	if len(a.Policy.Deny) == 0 {
		a.Policy.Deny = nil
	}
	a.Version = version
	return a
}

func TestCreateAndGetApp(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	full := testApp(appSID(), accountSID())
	bare := store.App{SID: appSID(), AccountSID: accountSID(), Policy: store.Policy{Allow: []string{}}}
	for _, tc := range []struct {
		name string
		app  store.App
	}{
		{"full record comes back in UTC at microsecond precision", full},
		{"zero times, empty strings and empty policy come back as zero values", bare},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.app.Version = 42 // the store owns Version
			got, err := s.CreateApp(ctx, tc.app)
			if err != nil {
				t.Fatalf("CreateApp: %v", err)
			}
			want := stored(tc.app, 1)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("CreateApp returned\n%+v\nwant\n%+v", got, want)
			}
			got, err = s.GetApp(ctx, tc.app.SID)
			if err != nil {
				t.Fatalf("GetApp: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("GetApp returned\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func TestCreateAppRefusesBadRecords(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	taken := testApp(appSID(), accountSID())
	if _, err := s.CreateApp(ctx, taken); err != nil {
		t.Fatal(err)
	}
	withName := func(name string) store.App {
		a := testApp(appSID(), accountSID())
		a.FriendlyName = name
		return a
	}
	withAllow := func(perm string) store.App {
		a := testApp(appSID(), accountSID())
		a.Policy.Allow = []string{perm}
		return a
	}
	for _, tc := range []struct {
		name string
		app  store.App
		want error
	}{
		{"empty SID is invalid", store.App{AccountSID: accountSID()}, store.ErrInvalid},
		{"empty account SID is invalid", store.App{SID: appSID()}, store.ErrInvalid},
		{"taken SID already exists", testApp(taken.SID, accountSID()), store.ErrAlreadyExists},
		{"NUL byte in text is invalid", withName("a\x00b"), store.ErrInvalid},
		{"invalid UTF-8 is invalid", withName("\xff\xfe"), store.ErrInvalid},
		{"NUL byte in a permission is invalid", withAllow("/a/\x00"), store.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateApp(ctx, tc.app)
			if !errors.Is(err, tc.want) {
				t.Fatalf("CreateApp: got %v, want %v", err, tc.want)
			}
			if tc.app.SID == "" {
				return
			}
			got, err := s.GetApp(ctx, tc.app.SID)
			if tc.want == store.ErrAlreadyExists {
				if err != nil || got.AccountSID != taken.AccountSID {
					t.Fatalf("the stored app changed: %+v, %v", got, err)
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("GetApp after refused create: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestGetMissingAppIsNotFound(t *testing.T) {
	s, _, _ := newTestStore(t)
	for _, sid := range []string{appSID(), ""} {
		if _, err := s.GetApp(context.Background(), sid); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetApp(%q): got %v, want ErrNotFound", sid, err)
		}
	}
}

func TestListApps(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	account, other := accountSID(), accountSID()
	// Byte order puts upper case before lower case; many collations do not.
	sids := []string{"OQA1", "OQB2", "OQa3", "OQb4", "OQc5"}
	for i := len(sids) - 1; i >= 0; i-- {
		if _, err := s.CreateApp(ctx, store.App{SID: sids[i], AccountSID: account}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateApp(ctx, store.App{SID: "OQB0", AccountSID: other}); err != nil {
		t.Fatal(err)
	}
	page := func(after string, limit int) []string {
		t.Helper()
		apps, err := s.ListApps(ctx, account, after, limit)
		if err != nil {
			t.Fatalf("ListApps(%q, %d): %v", after, limit, err)
		}
		var got []string
		for _, a := range apps {
			got = append(got, a.SID)
		}
		return got
	}
	for _, tc := range []struct {
		name  string
		after string
		limit int
		want  []string
	}{
		{"first page in byte order", "", 2, sids[:2]},
		{"next page starts after the given SID", "OQB2", 2, sids[2:4]},
		{"short last page", "OQb4", 2, sids[4:]},
		{"after the last SID is empty", "OQc5", 2, nil},
		{"limit larger than the account's apps", "", 1000, sids},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := page(tc.after, tc.limit); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, limit := range []int{0, -1, 1001} {
		t.Run("limit "+strconv.Itoa(limit)+" is invalid", func(t *testing.T) {
			if _, err := s.ListApps(ctx, account, "", limit); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func TestDeleteApp(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	app, err := s.CreateApp(ctx, testApp(appSID(), accountSID()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteApp(ctx, app.SID); err != nil {
		t.Fatalf("DeleteApp: %v", err)
	}
	if _, err := s.GetApp(ctx, app.SID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetApp after delete: %v, want ErrNotFound", err)
	}
	if err := s.DeleteApp(ctx, app.SID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second DeleteApp: %v, want ErrNotFound", err)
	}
}

func TestTouchSecret(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	at := time.Date(2030, 1, 2, 3, 4, 5, 678912345, time.UTC)
	for _, tc := range []struct {
		name, secretID string
		at             time.Time
		cur, prev      time.Time // expected LastUsed afterwards
	}{
		{"current slot moves forward", "cur1", at, at.Truncate(time.Microsecond), time.Time{}},
		{"previous slot moves forward", "prev1", at, time.Time{}, at.Truncate(time.Microsecond)},
		{"an unknown secret id changes nothing", "nope", at, time.Time{}, time.Time{}},
		{"the empty id does not touch an empty slot", "", at, time.Time{}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := testApp(appSID(), accountSID())
			app.Secrets.Previous.LastUsed = time.Time{}
			if tc.secretID == "" {
				app.Secrets.Previous = store.Secret{}
			}
			created, err := s.CreateApp(ctx, app)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.TouchSecret(ctx, app.SID, tc.secretID, tc.at); err != nil {
				t.Fatalf("TouchSecret: %v", err)
			}
			got, err := s.GetApp(ctx, app.SID)
			if err != nil {
				t.Fatal(err)
			}
			want := created
			want.Secrets.Current.LastUsed, want.Secrets.Previous.LastUsed = tc.cur, tc.prev
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after TouchSecret\n%+v\nwant\n%+v", got, want)
			}
		})
	}

	t.Run("an earlier time does not move it back", func(t *testing.T) {
		created, err := s.CreateApp(ctx, testApp(appSID(), accountSID()))
		if err != nil {
			t.Fatal(err)
		}
		for _, when := range []time.Time{at, at.Add(-time.Hour)} {
			if err := s.TouchSecret(ctx, created.SID, "cur1", when); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := s.GetApp(ctx, created.SID)
		if !got.Secrets.Current.LastUsed.Equal(at.Truncate(time.Microsecond)) || got.Version != created.Version {
			t.Fatalf("LastUsed %v version %d, want %v version %d", got.Secrets.Current.LastUsed, got.Version, at, created.Version)
		}
	})

	t.Run("a missing app is not an error", func(t *testing.T) {
		if err := s.TouchSecret(ctx, appSID(), "cur1", at); err != nil {
			t.Fatalf("TouchSecret of missing app: %v", err)
		}
	})
}

// TestContextIsHonoured checks that every kind of call gives up when its
// context ends, also while PostgreSQL is blocked on a lock.
func TestContextIsHonoured(t *testing.T) {
	s, pool, _ := newTestStore(t)
	ctx := context.Background()
	app, err := s.CreateApp(ctx, testApp(appSID(), accountSID()))
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()

	t.Run("a canceled context fails at once and writes nothing", func(t *testing.T) {
		calls := map[string]func() error{
			"CreateApp": func() error { _, err := s.CreateApp(canceled, testApp(appSID(), accountSID())); return err },
			"GetApp":    func() error { _, err := s.GetApp(canceled, app.SID); return err },
			"ListApps":  func() error { _, err := s.ListApps(canceled, app.AccountSID, "", 10); return err },
			"UpdateApp": func() error { _, err := s.UpdateApp(canceled, app); return err },
			"DeleteApp": func() error { return s.DeleteApp(canceled, app.SID) },
			"RevokeToken": func() error {
				return s.RevokeToken(canceled, "jti", time.Now().Add(time.Hour))
			},
			"PurgeRevokedTokens": func() error { _, err := s.PurgeRevokedTokens(canceled, time.Now()); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s: got %v, want context.Canceled", name, err)
			}
		}
		if got, err := s.GetApp(ctx, app.SID); err != nil || got.Version != app.Version {
			t.Fatalf("app changed: %+v %v", got, err)
		}
	})

	t.Run("a deadline interrupts an update waiting on a lock", func(t *testing.T) {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := tx.Exec(ctx, "SELECT 1 FROM "+s.q.apps+" WHERE sid = $1 FOR UPDATE", app.SID); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = s.UpdateApp(short, app)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("UpdateApp behind a lock: got %v, want context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited > 3*time.Second {
			t.Fatalf("UpdateApp returned after %v, long past its deadline", waited)
		}
	})
}
