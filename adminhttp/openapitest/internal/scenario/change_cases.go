package scenario

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
)

var updateCases = []testCase{
	{"update changes the named members only and moves the ETag on", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "before"), "sid")
		e.clock.Advance(time.Minute)
		before := e.eventCount()
		r := e.do(tok, "POST", appPath(sid), `{"friendly_name":"after","policy":{"allow":["`+PermList+`","`+PermRead+`"]},"access_token_ttl":120}`)
		wantStatus(t, r, 200)
		m := r.obj(t)
		if m["friendly_name"] != "after" || m["access_token_ttl"] != float64(120) || m["description"] != "" {
			t.Errorf("updated app: %s", r.body)
		}
		if m["date_updated"] == m["date_created"] {
			t.Errorf("date_updated did not move: %s", r.body)
		}
		if r.header.Get("ETag") != `"2"` {
			t.Errorf("ETag %q after one update, want \"2\"", r.header.Get("ETag"))
		}
		r = e.do(tok, "POST", appPath(sid), `{"access_token_ttl":0,"description":"d"}`)
		wantStatus(t, r, 200)
		if m := r.obj(t); m["access_token_ttl"] != float64(3600) || m["friendly_name"] != "after" || m["description"] != "d" {
			t.Errorf("ttl 0 returns to the default and other members stay: %s", r.body)
		}
		ev := e.changesSince(before)
		if len(ev) != 2 || ev[0].Kind != oauthapp.EventAppUpdated || ev[0].Actor != owner {
			t.Errorf("audit events %+v, want app.updated by the owner twice", ev)
		}
	}},
	{"update refuses bad members, names them, and changes nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		before := e.stored(t, owner.AccountSID)
		for _, c := range []struct{ body, field string }{
			{`{"friendly_name":""}`, "friendly_name"},
			{`{"friendly_name":"ok","policy":{"allow":[]}}`, "policy"},
			{`{"friendly_name":"ok","access_token_ttl":30}`, "access_token_ttl"},
			{`{"friendly_name":"ok","region":"us1"}`, "region"},
			{`{"sid":"OQ00000000000000000000000000000000"}`, "sid"},
			{`{}`, ""},
			{`[]`, ""},
		} {
			wantProblem(t, e.do(tok, "POST", appPath(sid), c.body), 400, adminhttp.ProblemInvalidRequest, c.field)
		}
		if after := e.stored(t, owner.AccountSID); after != before {
			t.Errorf("refused updates changed the app:\n%s\n%s", before, after)
		}
	}},
	{"update with a stale If-Match is 412 and changes nothing; the current one, or *, succeeds", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		r := e.do(tok, "POST", appPath(sid), `{"friendly_name":"y"}`, "If-Match", `"1"`)
		wantStatus(t, r, 200)
		etag := r.header.Get("ETag")
		before := e.stored(t, owner.AccountSID)
		for _, stale := range []string{`"1"`, `W/"2"`, `"99"`, `"abc"`, `"1", "3"`} {
			wantProblem(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"z"}`, "If-Match", stale), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		}
		wantProblem(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"z"}`, "If-Match", `1`), 400, adminhttp.ProblemInvalidRequest, "If-Match")
		if after := e.stored(t, owner.AccountSID); after != before {
			t.Errorf("a refused conditional update changed the app")
		}
		wantStatus(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"z"}`, "If-Match", `"1", `+etag), 200)
		wantStatus(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"w"}`, "If-Match", `*`), 200)
	}},
	{"of two concurrent updates with one ETag exactly one succeeds and the other is 412", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		for range 20 {
			created := e.do(tok, "POST", apps(), createBody("x"))
			wantStatus(t, created, 201)
			sid, etag := str(created.obj(t), "sid"), created.header.Get("ETag")
			statuses := make([]int, 2)
			var wg sync.WaitGroup
			for i, name := range []string{"first", "second"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = e.do(tok, "POST", appPath(sid), `{"friendly_name":"`+name+`"}`, "If-Match", etag).status
				}()
			}
			wg.Wait()
			if !(statuses[0] == 200 && statuses[1] == 412 || statuses[0] == 412 && statuses[1] == 200) {
				t.Fatalf("statuses %v, want one 200 and one 412", statuses)
			}
			got := e.do(tok, "GET", appPath(sid), "")
			if got.header.Get("ETag") != `"2"` {
				t.Errorf("ETag %q after one winning update, want \"2\"", got.header.Get("ETag"))
			}
		}
	}},
}

var deleteCases = []testCase{
	{"delete answers 204, then the app is 404 and its secret fails", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		m := e.create(t, tok, "x")
		sid, sec := str(m, "sid"), str(m, "client_secret")
		before := e.eventCount()
		r := e.do(tok, "DELETE", appPath(sid), "")
		wantStatus(t, r, 204)
		if len(r.body) != 0 {
			t.Errorf("204 with a body: %s", r.body)
		}
		wantProblem(t, e.do(tok, "GET", appPath(sid), ""), 404, adminhttp.ProblemNotFound, "")
		wantProblem(t, e.do(tok, "DELETE", appPath(sid), ""), 404, adminhttp.ProblemNotFound, "")
		if err := e.issue(sid, sec); err == nil {
			t.Error("the deleted app's secret still works")
		}
		ev := e.changesSince(before)
		if len(ev) != 1 || ev[0].Kind != oauthapp.EventAppDeleted || ev[0].Actor != owner {
			t.Errorf("audit events %+v, want one app.deleted by the owner", ev)
		}
	}},
	{"delete with a stale If-Match is 412 and deletes nothing", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		wantStatus(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"y"}`), 200)
		wantProblem(t, e.do(tok, "DELETE", appPath(sid), "", "If-Match", `"1"`), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		wantStatus(t, e.do(tok, "GET", appPath(sid), ""), 200)
		wantStatus(t, e.do(tok, "DELETE", appPath(sid), "", "If-Match", `"2"`), 204)
	}},
}

var rotateCases = []testCase{
	{"rotate answers 201 with a new secret; the old one keeps its grace", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		m := e.create(t, tok, "x")
		sid, first := str(m, "sid"), str(m, "client_secret")
		before := e.eventCount()
		r := e.do(tok, "POST", secretsPath(sid), `{"grace_period":3600}`)
		wantStatus(t, r, 201)
		second := str(r.obj(t), "client_secret")
		if second == "" || second == first {
			t.Fatalf("rotation did not answer a new secret")
		}
		if r.header.Get("ETag") != `"2"` || r.header.Get("Location") != secretsPath(sid) {
			t.Errorf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
		}
		if e.issue(sid, first) != nil || e.issue(sid, second) != nil {
			t.Error("both secrets must work inside the grace")
		}
		e.clock.Advance(time.Hour)
		if e.issue(sid, first) == nil {
			t.Error("the old secret works after its grace")
		}
		ev := e.changesSince(before)
		if len(ev) == 0 || ev[0].Kind != oauthapp.EventSecretRotated || ev[0].Actor != owner {
			t.Errorf("audit events %+v, want secret.rotated by the owner first", ev)
		}
	}},
	{"rotate with grace_period 0 stops the old secret at once; no body is the default grace", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		m := e.create(t, tok, "x")
		sid, first := str(m, "sid"), str(m, "client_secret")
		r := e.do(tok, "POST", secretsPath(sid), "")
		wantStatus(t, r, 201)
		second := str(r.obj(t), "client_secret")
		e.clock.Advance(23 * time.Hour)
		if e.issue(sid, first) != nil {
			t.Error("the default grace is 24 hours")
		}
		wantStatus(t, e.do(tok, "POST", secretsPath(sid), `{"grace_period":0}`), 201)
		if e.issue(sid, second) == nil || e.issue(sid, first) == nil {
			t.Error("grace 0 must stop the replaced secret at once, and the oldest one too")
		}
	}},
	{"rotate refuses a bad grace or a stale If-Match and rotates nothing", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		m := e.create(t, tok, "x")
		sid, first := str(m, "sid"), str(m, "client_secret")
		before := e.stored(t, owner.AccountSID)
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{"grace_period":-1}`), 400, adminhttp.ProblemInvalidRequest, "grace_period")
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{"grace_period":2592001}`), 400, adminhttp.ProblemInvalidRequest, "grace_period")
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{"grace":1}`), 400, adminhttp.ProblemInvalidRequest, "grace")
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{"Grace_Period":1}`), 400, adminhttp.ProblemInvalidRequest, "Grace_Period")
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{"grace_period":1,"grace_period":2}`), 400, adminhttp.ProblemInvalidRequest, "grace_period")
		wantProblem(t, e.do(tok, "POST", secretsPath(sid), `{}`, "If-Match", `"7"`), 412, adminhttp.ProblemPreconditionFailed, "If-Match")
		if after := e.stored(t, owner.AccountSID); after != before {
			t.Errorf("refused rotations changed the app")
		}
		if e.issue(sid, first) != nil {
			t.Error("the secret stopped working after refused rotations")
		}
		wantStatus(t, e.do(tok, "POST", secretsPath(sid), `{}`, "If-Match", `"1"`), 201)
	}},
}

var secretCases = []testCase{
	{"secrets lists metadata, current first, never a secret", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		m := e.create(t, tok, "x")
		sid, first := str(m, "sid"), str(m, "client_secret")
		r := e.do(tok, "POST", secretsPath(sid), `{"grace_period":600}`)
		second := str(r.obj(t), "client_secret")
		if err := e.issue(sid, second); err != nil {
			t.Fatal(err)
		}
		r = e.do(tok, "GET", secretsPath(sid), "")
		wantStatus(t, r, 200)
		if strings.Contains(string(r.body), first) || strings.Contains(string(r.body), second) {
			t.Fatal("the secrets list shows a secret")
		}
		list, _ := r.obj(t)["secrets"].([]any)
		if len(list) != 2 {
			t.Fatalf("%d secrets listed, want 2: %s", len(list), r.body)
		}
		cur, prev := list[0].(map[string]any), list[1].(map[string]any)
		if cur["status"] != "current" || cur["date_expires"] != nil || cur["date_last_used"] == nil {
			t.Errorf("current secret: %v", cur)
		}
		if prev["status"] != "previous" || prev["date_expires"] == nil || !strings.HasPrefix(first, "") {
			t.Errorf("previous secret: %v", prev)
		}
		e.clock.Advance(11 * time.Minute)
		list, _ = e.do(tok, "GET", secretsPath(sid), "").obj(t)["secrets"].([]any)
		if len(list) != 1 {
			t.Errorf("%d secrets listed after the grace, want 1", len(list))
		}
	}},
}

var graceCases = []testCase{
	{"an app's default_grace_period is the grace of rotations that name none", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		r := e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"default_grace_period":600}`)
		wantStatus(t, r, 201)
		m := r.obj(t)
		sid, first := str(m, "sid"), str(m, "client_secret")
		if m["default_grace_period"] != float64(600) {
			t.Errorf("default_grace_period %v, want 600", m["default_grace_period"])
		}
		wantStatus(t, e.do(tok, "POST", secretsPath(sid), ""), 201)
		e.clock.Advance(10 * time.Minute)
		if e.issue(sid, first) == nil {
			t.Error("the replaced secret outlived the app's grace")
		}
		r = e.do(tok, "POST", appPath(sid), `{"default_grace_period":0}`)
		wantStatus(t, r, 200)
		if r.obj(t)["default_grace_period"] != float64(0) {
			t.Errorf("default_grace_period after update: %s", r.body)
		}
		for _, bad := range []string{`-1`, `2592001`, `"1d"`} {
			wantProblem(t, e.do(tok, "POST", appPath(sid), `{"default_grace_period":`+bad+`}`), 400, adminhttp.ProblemInvalidRequest, "default_grace_period")
		}
		wantProblem(t, e.do(tok, "POST", apps(), `{"friendly_name":"x","policy":{"allow":["`+PermList+`"]},"default_grace_period":-5}`), 400, adminhttp.ProblemInvalidRequest, "default_grace_period")
		r = e.do(tok, "POST", apps(), createBody("y"))
		if r.obj(t)["default_grace_period"] != float64(86400) {
			t.Errorf("an app without its own grace shows the service default: %s", r.body)
		}
	}},
}
