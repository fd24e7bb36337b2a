package scenario

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/adminhttp"
)

var idempotencyCases = []testCase{
	{"a retried create returns the first answer and creates one app", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		first := e.do(tok, "POST", apps(), createBody("once"), "Idempotency-Key", "create-1")
		wantStatus(t, first, 201)
		events := e.eventCount()
		again := e.do(tok, "POST", apps(), createBody("once"), "Idempotency-Key", "create-1")
		wantStatus(t, again, 201)
		if !bytes.Equal(first.body, again.body) || again.header.Get("ETag") != first.header.Get("ETag") || again.header.Get("Location") != first.header.Get("Location") {
			t.Errorf("the retry's answer differs:\n%s\n%s", first.body, again.body)
		}
		if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
			t.Error("only the replay says Idempotent-Replayed: true")
		}
		if e.eventCount() != events {
			t.Error("the retry emitted events")
		}
		sids, _ := walk(t, e, tok, apps())
		if len(sids) != 1 {
			t.Errorf("%d apps after a create and its retry, want 1", len(sids))
		}
		wantProblem(t, e.do(tok, "POST", apps(), createBody("twice"), "Idempotency-Key", "create-1"), 422, adminhttp.ProblemIdempotencyKeyReused, "Idempotency-Key")
		other := e.caller(newActor("administrator", owner.AccountSID))
		wantProblem(t, e.do(other, "POST", apps(), createBody("once"), "Idempotency-Key", "create-1"), 422, adminhttp.ProblemIdempotencyKeyReused, "Idempotency-Key")
		stranger, _ := e.owner()
		wantStatus(t, e.do(stranger, "POST", apps(), createBody("once"), "Idempotency-Key", "create-1"), 201)
		if sids, _ := walk(t, e, tok, apps()); len(sids) != 1 {
			t.Error("keys of another account touched this one")
		}
	}},
	{"a retried rotation returns the first answer and rotates once", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		m := e.create(t, tok, "x")
		sid, original := str(m, "sid"), str(m, "client_secret")
		first := e.do(tok, "POST", secretsPath(sid), `{"grace_period":0}`, "Idempotency-Key", "rotate-1")
		wantStatus(t, first, 201)
		again := e.do(tok, "POST", secretsPath(sid), `{"grace_period":0}`, "Idempotency-Key", "rotate-1")
		wantStatus(t, again, 201)
		if !bytes.Equal(first.body, again.body) {
			t.Error("the retry's answer differs")
		}
		got := e.do(tok, "GET", appPath(sid), "")
		if got.header.Get("ETag") != `"2"` {
			t.Errorf("ETag %q: the app was rotated more than once", got.header.Get("ETag"))
		}
		if e.issue(sid, str(first.obj(t), "client_secret")) != nil {
			t.Error("the secret of the first answer does not work")
		}
		if e.issue(sid, original) == nil {
			t.Error("grace 0: the original secret still works")
		}
	}},
	{"requests racing with one key create one app: the others get its answer or 409", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		results := make([]result, 8)
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = e.do(tok, "POST", apps(), createBody("raced"), "Idempotency-Key", "race-1")
			}()
		}
		wg.Wait()
		var first []byte
		for _, r := range results {
			switch r.status {
			case 201:
				if first == nil {
					first = r.body
				} else if !bytes.Equal(first, r.body) {
					t.Error("two different 201 answers for one key")
				}
			case 409:
				wantProblem(t, r, 409, adminhttp.ProblemConflict, "Idempotency-Key")
			default:
				t.Errorf("status %d: %s", r.status, r.body)
			}
		}
		if sids, _ := walk(t, e, tok, apps()); len(sids) != 1 {
			t.Errorf("%d apps from one key, want 1", len(sids))
		}
	}},
	{"a failed request does not hold its key; an expired key acts again", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		wantStatus(t, e.do(tok, "POST", apps(), `{"friendly_name":"x"}`, "Idempotency-Key", "k"), 400)
		wantStatus(t, e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "k"), 201)
		e.clock.Advance(adminhttp.DefaultIdempotencyTTL)
		again := e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "k")
		wantStatus(t, again, 201)
		if again.header.Get("Idempotent-Replayed") != "" {
			t.Error("an expired key was replayed")
		}
		if sids, _ := walk(t, e, tok, apps()); len(sids) != 2 {
			t.Errorf("%d apps, want 2", len(sids))
		}
	}},
	{"a malformed Idempotency-Key is 400", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		long := string(bytes.Repeat([]byte("k"), 256))
		for _, k := range []string{long, "tab\tkey", "é"} {
			wantProblem(t, e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", k), 400, adminhttp.ProblemInvalidRequest, "Idempotency-Key")
		}
	}},
	{"the record stays within its capacity", func(t *testing.T, e *env) {
		small := newEnv(t, e.wrap, adminhttp.WithIdempotency(time.Hour, 2))
		tok, _ := small.owner()
		for _, k := range []string{"a", "b", "c"} {
			wantStatus(t, small.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", k), 201)
		}
		// "a" was the oldest and made room for "c": a retry acts again.
		r := small.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "a")
		if r.header.Get("Idempotent-Replayed") != "" {
			t.Error("the oldest key was kept beyond capacity")
		}
		if r := small.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "c"); r.header.Get("Idempotent-Replayed") != "true" {
			t.Error("a recent key was forgotten")
		}
	}},
}
