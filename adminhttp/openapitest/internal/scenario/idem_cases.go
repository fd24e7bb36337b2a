package scenario

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
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
		e.clock.Advance(oauthapp.IdempotencyKeyTTL)
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
	{"kept answers are purged after a day", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		for _, k := range []string{"a", "b"} {
			wantStatus(t, e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", k), 201)
		}
		e.clock.Advance(oauthapp.IdempotencyKeyTTL)
		if p, err := e.svc.Purge(context.Background()); err != nil || p.IdempotencyKeys != 2 {
			t.Errorf("Purge after a day: %d idempotency keys, %v; want 2", p.IdempotencyKeys, err)
		}
		if r := e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "a"); r.header.Get("Idempotent-Replayed") != "" {
			t.Error("a purged key was replayed")
		}
	}},
	{"the role is checked before the key: a billing user reusing an owner's key gets 403", func(t *testing.T, e *env) {
		tok, owner := e.owner()
		wantStatus(t, e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "owners-key"), 201)
		billing := e.caller(newActor("billing", owner.AccountSID))
		for _, body := range []string{createBody("x"), createBody("other")} {
			wantProblem(t, e.do(billing, "POST", apps(), body, "Idempotency-Key", "owners-key"), 403, adminhttp.ProblemForbidden, "")
		}
	}},
	{"every POST takes an Idempotency-Key: update and key addition replay", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		sid := str(e.create(t, tok, "x"), "sid")
		k := newEd25519Key()
		body := keyBody("k1", "", k.publicPEM)
		first := e.do(tok, "POST", keysPath(sid), body, "Idempotency-Key", "add-1")
		wantStatus(t, first, 201)
		again := e.do(tok, "POST", keysPath(sid), body, "Idempotency-Key", "add-1")
		wantStatus(t, again, 201)
		if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("ETag") != first.header.Get("ETag") {
			t.Errorf("the retried key addition was not replayed:\n%s\n%s", first.body, again.body)
		}
		upd := e.do(tok, "POST", appPath(sid), `{"friendly_name":"renamed"}`, "Idempotency-Key", "upd-1")
		wantStatus(t, upd, 200)
		if r := e.do(tok, "POST", appPath(sid), `{"friendly_name":"renamed"}`, "Idempotency-Key", "upd-1"); r.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r.body, upd.body) {
			t.Error("the retried update was not replayed")
		}
		if got := e.do(tok, "GET", appPath(sid), ""); got.header.Get("ETag") != `"3"` {
			t.Errorf("ETag %q after a create, a key and an update, each retried: want \"3\"", got.header.Get("ETag"))
		}
		wantProblem(t, e.do(tok, "POST", appPath(sid), `{"friendly_name":"other"}`, "Idempotency-Key", "upd-1"), 422, adminhttp.ProblemIdempotencyKeyReused, "Idempotency-Key")
	}},
	{"a retry on an instance without the key-encryption key is 409 and creates nothing", func(t *testing.T, e *env) {
		tok, _ := e.owner()
		wantStatus(t, e.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "k"), 201)
		other := e.sibling(t)
		r := other.do(tok, "POST", apps(), createBody("x"), "Idempotency-Key", "k")
		wantProblem(t, r, 409, adminhttp.ProblemAnswerUnavailable, "Idempotency-Key")
		if r.header.Get("Retry-After") != "" {
			t.Error("a retry cannot help, yet Retry-After is set")
		}
		if sids, _ := walk(t, e, tok, apps()); len(sids) != 1 {
			t.Errorf("%d apps, want 1", len(sids))
		}
	}},
}
