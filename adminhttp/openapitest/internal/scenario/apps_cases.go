package scenario

import (
	"slices"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

var createCases = []testCase{
	{"create answers 201 with the app, its ETag, its Location and its secret shown once", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		before := e.eventCount()
		r := e.do(tok, "POST", apps(), `{"friendly_name":"billing sync","description":"nightly","policy":{"allow":["/demo/messaging/*"],"deny":["`+PermRead+`"]},"access_token_ttl":900}`)
		wantStatus(t, r, 201)
		m := r.obj(t)
		sid := str(m, "sid")
		if _, err := oauthapp.ParseAppSID(sid); err != nil {
			t.Fatalf("sid %q: %v", sid, err)
		}
		for k, want := range map[string]any{
			"account_sid": owner.AccountSID, "creator_sid": owner.UserSID, "friendly_name": "billing sync",
			"description": "nightly", "type": "client_credentials", "status": "active", "client_id": sid,
			"access_token_ttl": float64(900), "region": "us1", "url": appPath(sid),
		} {
			if m[k] != want {
				t.Errorf("%s = %v, want %v", k, m[k], want)
			}
		}
		policy, _ := m["policy"].(map[string]any)
		if allow, _ := policy["allow"].([]any); len(allow) != 1 || allow[0] != "/demo/messaging/*" {
			t.Errorf("policy.allow = %v", policy["allow"])
		}
		if r.header.Get("ETag") != `"1"` || r.header.Get("Location") != appPath(sid) {
			t.Errorf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("an answer holding a secret must not be cached: Cache-Control %q", r.header.Get("Cache-Control"))
		}
		sec := str(m, "client_secret")
		if err := e.issue(sid, sec); err != nil {
			t.Errorf("the client secret of the answer does not work: %v", err)
		}
		got := e.do(tok, "GET", appPath(sid), "")
		if strings.Contains(string(got.body), sec) || got.obj(t)["client_secret"] != nil {
			t.Errorf("the secret is shown again after the create")
		}
		ev := e.changesSince(before)
		if len(ev) != 1 || ev[0].Kind != oauthapp.EventAppCreated || ev[0].Actor != owner || ev[0].AppSID != sid {
			t.Errorf("audit events %+v, want one app.created by the owner", ev)
		}
	}},
	{"create names the offending field and creates nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		for _, c := range []struct{ body, field string }{
			{`{"policy":{"allow":["` + PermList + `"]}}`, "friendly_name"},
			{`{"friendly_name":"","policy":{"allow":["` + PermList + `"]}}`, "friendly_name"},
			{`{"friendly_name":"` + strings.Repeat("x", 129) + `","policy":{"allow":["` + PermList + `"]}}`, "friendly_name"},
			{`{"friendly_name":"x","description":"a\u0000b","policy":{"allow":["` + PermList + `"]}}`, "description"},
			{`{"friendly_name":"x"}`, "policy"},
			{`{"friendly_name":"x","policy":{"allow":[]}}`, "policy"},
			{`{"friendly_name":"x","policy":{"allow":["/Not/A/Permission"]}}`, "policy"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"access_token_ttl":59}`, "access_token_ttl"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"access_token_ttl":0}`, "access_token_ttl"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"access_token_ttl":2592001}`, "access_token_ttl"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"access_token_ttl":"1h"}`, "access_token_ttl"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"access_token_ttl":99999999999999999}`, "access_token_ttl"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"region":"eu9"}`, "region"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"type":"authorization_code"}`, "type"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"]},"colour":"red"}`, "colour"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"],"maybe":[]}}`, "maybe"},
			{`{"friendly_name":7,"policy":{"allow":["` + PermList + `"]}}`, "friendly_name"},
			{`{"Friendly_Name":"x","policy":{"allow":["` + PermList + `"]}}`, "Friendly_Name"},
			{`{"friendly_name":"x","policy":{"Allow":["` + PermList + `"]}}`, "Allow"},
			{`{"friendly_name":"x","friendly_name":"y","policy":{"allow":["` + PermList + `"]}}`, "friendly_name"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"],"allow":[]}}`, "allow"},
			{`{"friendly_name":"x","policy":{"allow":["` + PermList + `"],"deny":[{"a":1}]}}`, "policy.deny"},
		} {
			before := e.eventCount()
			r := e.do(tok, "POST", apps(), c.body)
			wantProblem(t, r, 400, adminhttp.ProblemInvalidRequest, c.field)
			if n := e.eventCount() - before; n != 0 {
				t.Errorf("%s: a refused create emitted %d events", c.body, n)
			}
		}
		if s := e.stored(t, owner.AccountSID); s != "" {
			t.Errorf("refused creates stored apps:\n%s", s)
		}
	}},
}

var listCases = []testCase{
	{"list shows the account's apps only, in pages, with next_page_url", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		other, _ := e.owner()
		var want []string
		for i := range 5 {
			want = append(want, str(e.create(t, tok, "app "+string(rune('a'+i))), "sid"))
			e.create(t, other, "theirs")
		}
		slices.Sort(want)
		got, pages := walk(t, e, tok, apps()+"?PageSize=2")
		if !slices.Equal(got, want) {
			t.Errorf("listed %v, want %v", got, want)
		}
		if pages != 3 {
			t.Errorf("%d pages of 2 for 5 apps, want 3", pages)
		}
		r := e.do(tok, "GET", apps(), "")
		wantStatus(t, r, 200)
		meta, _ := r.obj(t)["meta"].(map[string]any)
		if meta["page_size"] != float64(adminhttp.DefaultPageSize) || meta["next_page_url"] != nil || meta["key"] != "oauth_apps" {
			t.Errorf("meta of a one-page list: %v", meta)
		}
	}},
	{"pagination sees every app that existed once, in order, while apps are created between pages", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		var before []string
		for range 9 {
			before = append(before, str(e.create(t, tok, "old"), "sid"))
		}
		// Inserts between pages: two new apps after each page.
		order, _ := walkWith(t, e, tok, apps()+"?PageSize=3", func() {
			e.create(t, tok, "new")
			e.create(t, tok, "new")
		})
		seen := map[string]int{}
		for _, sid := range order {
			seen[sid]++
		}
		for _, sid := range before {
			if seen[sid] != 1 {
				t.Errorf("app %s that existed before the walk was listed %d times", sid, seen[sid])
			}
		}
		for sid, n := range seen {
			if n != 1 {
				t.Errorf("app %s listed %d times", sid, n)
			}
		}
		if !slices.IsSorted(order) {
			t.Errorf("pages are not in one stable order: %v", order)
		}
	}},
	{"list refuses a bad page size, a forged page token and unknown parameters", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		for _, c := range []struct{ query, field string }{
			{"?PageSize=0", "PageSize"},
			{"?PageSize=1001", "PageSize"},
			{"?PageSize=ten", "PageSize"},
			{"?PageToken=%21%21", "PageToken"},
			{"?PageToken=bm90LWEtc2lk", "PageToken"},
			{"?Page=2", "Page"},
		} {
			wantProblem(t, e.do(tok, "GET", apps()+c.query, ""), 400, adminhttp.ProblemInvalidRequest, c.field)
		}
	}},
}

// walk follows next_page_url from first and returns the SIDs and the
// number of pages.
func walk(t *testing.T, e *env, tok, first string) (sids []string, pages int) {
	t.Helper()
	return walkWith(t, e, tok, first, func() {})
}

// walkWith is walk calling between after each page.
func walkWith(t *testing.T, e *env, tok, first string, between func()) (sids []string, pages int) {
	t.Helper()
	for next := first; next != ""; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		r := e.do(tok, "GET", next, "")
		wantStatus(t, r, 200)
		m := r.obj(t)
		list, _ := m["oauth_apps"].([]any)
		for _, a := range list {
			sids = append(sids, str(a.(map[string]any), "sid"))
		}
		next, _ = m["meta"].(map[string]any)["next_page_url"].(string)
		between()
	}
	return sids, pages
}

var fetchCases = []testCase{
	{"fetch answers the app with its ETag; a missing or malformed SID is 404", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		r := e.do(tok, "GET", appPath(sid), "")
		wantStatus(t, r, 200)
		if r.obj(t)["sid"] != sid || r.header.Get("ETag") != `"1"` {
			t.Errorf("fetch: %s ETag %q", r.body, r.header.Get("ETag"))
		}
		wantProblem(t, e.do(tok, "GET", appPath("OQ"+strings.Repeat("0", 32)), ""), 404, adminhttp.ProblemNotFound, "")
		wantProblem(t, e.do(tok, "GET", appPath("not-a-sid"), ""), 404, adminhttp.ProblemNotFound, "")
	}},
}
