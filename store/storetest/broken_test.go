package storetest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// Broken stores, each with one bug the suite must catch.
type (
	// versionBlind writes whatever version the caller passes.
	versionBlind struct{ store.Store }
	// inclusiveExpiry still reports a token revoked at its expiry.
	inclusiveExpiry struct{ store.Store }
	// limitClamp never refuses a limit.
	limitClamp struct{ store.Store }
	// sharedPolicy returns Allow and Deny in one backing array without
	// capping Allow, so appending to Allow overwrites Deny.
	sharedPolicy struct{ store.Store }
)

// share lays a record's Allow and Deny out in one array, Allow uncapped.
func share(a store.App) store.App {
	allow, deny := a.Policy.Allow, a.Policy.Deny
	buf := append(append([]string{}, allow...), deny...)
	a.Policy.Allow, a.Policy.Deny = buf[:len(allow)], buf[len(allow):]
	return a
}

func (s sharedPolicy) CreateApp(ctx context.Context, a store.App) (store.App, error) {
	a, err := s.Store.CreateApp(ctx, a)
	return share(a), err
}

func (s sharedPolicy) GetApp(ctx context.Context, sid string) (store.App, error) {
	a, err := s.Store.GetApp(ctx, sid)
	return share(a), err
}

func (s versionBlind) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	if cur, err := s.Store.GetApp(ctx, app.SID); err == nil {
		app.Version = cur.Version
	}
	return s.Store.UpdateApp(ctx, app)
}

func (s inclusiveExpiry) IsTokenRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	return s.Store.IsTokenRevoked(ctx, id, now.Add(-time.Nanosecond))
}

func (s limitClamp) ListApps(ctx context.Context, account, after string, limit int) ([]store.App, error) {
	return s.Store.ListApps(ctx, account, after, min(max(limit, 1), 1000))
}

var brokenStores = map[string]struct {
	wrap     func(store.Store) store.Store
	mustFail string // a subtest that must fail, as go test names it
}{
	"version blind":    {func(s store.Store) store.Store { return versionBlind{s} }, "UpdateApp/a_stale_version_is_ErrConflict_and_writes_nothing"},
	"inclusive expiry": {func(s store.Store) store.Store { return inclusiveExpiry{s} }, "revoked_tokens/a_revoked_id_stays_revoked_until_its_expiry,_which_is_exclusive"},
	"limit clamp":      {func(s store.Store) store.Store { return limitClamp{s} }, "ListApps/a_limit_outside_1_to_1000_is_ErrInvalid"},
	"shared policy":    {func(s store.Store) store.Store { return sharedPolicy{s} }, "copies/appending_to_a_returned_Allow_list_leaves_its_Deny_list_alone"},
}

const brokenEnv = "STORETEST_BROKEN_STORE"

// TestBrokenStore runs the suite against the broken store named in the
// environment. It does something only when TestRunCatchesBrokenStores
// starts it in a child process, where it is expected to fail.
func TestBrokenStore(t *testing.T) {
	b, ok := brokenStores[os.Getenv(brokenEnv)]
	if !ok {
		t.Skip("runs only in the child process of TestRunCatchesBrokenStores")
	}
	storetest.Run(t, func(*testing.T) store.Store { return b.wrap(store.NewMemory()) })
}

func TestRunCatchesBrokenStores(t *testing.T) {
	for name, b := range brokenStores {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestBrokenStore$", "-test.v")
			cmd.Env = append(os.Environ(), brokenEnv+"="+name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a store with the bug %q:\n%s", name, out)
			}
			if want := "--- FAIL: TestBrokenStore/" + b.mustFail; !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
}
