package storetest

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/store"
)

// list calls ListApps, failing the test on error.
func list(t *testing.T, s store.Store, account, after string, limit int) []store.App {
	t.Helper()
	l, err := s.ListApps(context.Background(), account, after, limit)
	if err != nil {
		t.Fatalf("ListApps(%s, %q, %d): %v", account, after, limit, err)
	}
	return l
}

// sids returns the SIDs of apps, in order.
func sids(apps []store.App) []string {
	out := make([]string, len(apps))
	for i, a := range apps {
		out[i] = a.SID
	}
	return out
}

// walk lists every page of the account with the given limit and returns
// the apps and the page sizes. It stops at the first short page.
func walk(t *testing.T, s store.Store, account string, limit int) (apps []store.App, sizes []int) {
	t.Helper()
	after := ""
	for {
		page := list(t, s, account, after, limit)
		if len(page) > limit {
			t.Fatalf("ListApps with limit %d returned %d apps", limit, len(page))
		}
		apps = append(apps, page...)
		sizes = append(sizes, len(page))
		if len(page) < limit {
			return apps, sizes
		}
		after = page[len(page)-1].SID
		if len(sizes) > 1000 {
			t.Fatal("ListApps never returned a short page")
		}
	}
}

// seed creates, in a shuffled order, the apps numbered from nums in the
// account, and returns them as stored sorted by SID.
func seed(t *testing.T, s store.Store, account string, nums []int) []store.App {
	t.Helper()
	nums = slices.Clone(nums)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(nums), func(i, j int) { nums[i], nums[j] = nums[j], nums[i] })
	apps := make([]store.App, len(nums))
	for i, n := range nums {
		apps[i] = create(t, s, newApp(n, account))
	}
	slices.SortFunc(apps, func(a, b store.App) int { return cmp.Compare(a.SID, b.SID) })
	return apps
}

// numbers returns count numbers starting at from, step apart.
func numbers(from, count, step int) []int {
	out := make([]int, count)
	for i := range out {
		out[i] = from + i*step
	}
	return out
}

var listChecks = []check{
	{"pages walk every app of the account once, in ascending SID order", func(t *testing.T, s store.Store) {
		want := seed(t, s, accountSID(1), numbers(0, 61, 2))
		seed(t, s, accountSID(2), numbers(1, 20, 2)) // SIDs between account 1's
		got, sizes := walk(t, s, accountSID(1), 7)
		if !slices.Equal(sizes, []int{7, 7, 7, 7, 7, 7, 7, 7, 5}) {
			t.Errorf("page sizes %v, want eight pages of 7 and one of 5", sizes)
		}
		if !slices.Equal(sids(got), sids(want)) {
			t.Fatalf("walked SIDs %v,\nwant %v", sids(got), sids(want))
		}
		for i := range got {
			checkApp(t, "listed app", got[i], want[i])
		}
	}},
	{"a full last page is followed by an empty one", func(t *testing.T, s store.Store) {
		seed(t, s, accountSID(1), numbers(0, 10, 1))
		_, sizes := walk(t, s, accountSID(1), 5)
		if !slices.Equal(sizes, []int{5, 5, 0}) {
			t.Errorf("page sizes %v, want [5 5 0]", sizes)
		}
	}},
	{"an account with no apps lists nothing, though others have apps", func(t *testing.T, s store.Store) {
		seed(t, s, accountSID(2), numbers(0, 3, 1))
		if l := list(t, s, accountSID(1), "", 10); len(l) != 0 {
			t.Errorf("ListApps of an account with no apps = %v, want none", sids(l))
		}
	}},
	{"the empty account SID lists nothing, not every account", func(t *testing.T, s store.Store) {
		seed(t, s, accountSID(2), numbers(0, 3, 1))
		if l := list(t, s, "", "", 10); len(l) != 0 {
			t.Errorf("ListApps of the empty account SID = %v, want none", sids(l))
		}
	}},
	{"host account ids of every shape are kept and compared exactly", func(t *testing.T, s store.Store) {
		// A UUID, an integer, an e-mail address, a Twilio-style SID, one
		// that differs from another only in case, and one of 64 bytes.
		accounts := []string{
			"9b2f6c1e-4d7a-4c1b-9a0e-3f5d8e2b7c61", "42", "ops+billing@example.com",
			accountSID(7), "Acme", "acme", "x" + strings.Repeat("-._~:@+=", 7) + "0123456",
		}
		for i, acc := range accounts {
			seed(t, s, acc, numbers(100*i, 2, 1))
		}
		for i, acc := range accounts {
			l := list(t, s, acc, "", 10)
			want := []string{appSID(100 * i), appSID(100*i + 1)}
			if !slices.Equal(sids(l), want) {
				t.Errorf("ListApps(%q) = %v, want %v", acc, sids(l), want)
			}
			for _, a := range l {
				if a.AccountSID != acc {
					t.Errorf("app %s has account %q, want %q", a.SID, a.AccountSID, acc)
				}
			}
		}
	}},
	{"a limit outside 1 to 1000 is ErrInvalid", func(t *testing.T, s store.Store) {
		seed(t, s, accountSID(1), numbers(0, 2, 1))
		for _, limit := range []int{0, -1, 1001, -1 << 31} {
			_, err := s.ListApps(context.Background(), accountSID(1), "", limit)
			wantErr(t, "ListApps with an out-of-range limit", err, store.ErrInvalid)
		}
	}},
	{"limits 1 and 1000 are accepted", func(t *testing.T, s store.Store) {
		want := seed(t, s, accountSID(1), numbers(0, 3, 1))
		if l := list(t, s, accountSID(1), "", 1); !slices.Equal(sids(l), sids(want[:1])) {
			t.Errorf("ListApps with limit 1 = %v, want %v", sids(l), sids(want[:1]))
		}
		if l := list(t, s, accountSID(1), "", 1000); !slices.Equal(sids(l), sids(want)) {
			t.Errorf("ListApps with limit 1000 = %v, want %v", sids(l), sids(want))
		}
	}},
	{"the same query lists the same apps in the same order", func(t *testing.T, s store.Store) {
		seed(t, s, accountSID(1), numbers(0, 12, 3))
		first := sids(list(t, s, accountSID(1), appSID(4), 6))
		for range 3 {
			if again := sids(list(t, s, accountSID(1), appSID(4), 6)); !slices.Equal(again, first) {
				t.Fatalf("ListApps gave %v, then %v", first, again)
			}
		}
	}},
	{"after need not be a stored SID", func(t *testing.T, s store.Store) {
		all := seed(t, s, accountSID(1), numbers(10, 5, 10)) // apps 10, 20, 30, 40, 50
		for _, tc := range []struct {
			name  string
			after string
			want  []store.App
		}{
			{"between two SIDs", appSID(25), all[2:]},
			{"before the first SID", appSID(1), all},
			{"after the last SID", appSID(99), nil},
		} {
			if got := list(t, s, accountSID(1), tc.after, 10); !slices.Equal(sids(got), sids(tc.want)) {
				t.Errorf("%s: ListApps = %v, want %v", tc.name, sids(got), sids(tc.want))
			}
		}
	}},
	{"paging goes on from the last SID seen when apps change between pages", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		all := seed(t, s, accountSID(1), numbers(10, 6, 10)) // apps 10 to 60
		page := list(t, s, accountSID(1), "", 3)             // 10, 20, 30
		last := page[len(page)-1].SID
		for _, sid := range []string{last, all[3].SID} { // the last seen, and 40
			if err := s.DeleteApp(ctx, sid); err != nil {
				t.Fatalf("DeleteApp(%s): %v", sid, err)
			}
		}
		create(t, s, newApp(15, accountSID(1))) // sorts before the last seen
		create(t, s, newApp(55, accountSID(1)))
		got := list(t, s, accountSID(1), last, 3)
		want := []string{all[4].SID, appSID(55), all[5].SID}
		if !slices.Equal(sids(got), want) {
			t.Errorf("next page = %v, want %v", sids(got), want)
		}
	}},
	{"list returns apps as last updated", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		app.FriendlyName = "renamed"
		app = update(t, s, app)
		l := list(t, s, accountSID(1), "", 10)
		if len(l) != 1 {
			t.Fatalf("ListApps = %v, want one app", sids(l))
		}
		checkApp(t, "listed app", l[0], app)
	}},
}
