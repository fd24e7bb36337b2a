package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// day is how long the service keeps an answered idempotency key.
const day = 24 * time.Hour

// claimOf returns a claim of key in account n, running until a minute
// after base.
func claimOf(n int, key, claim string) store.IdempotencyKey {
	return store.IdempotencyKey{
		AccountSID: accountSID(n), Key: key, Claim: claim,
		Request: []byte("request " + key), Expires: base.Add(time.Minute),
	}
}

// claim calls ClaimIdempotencyKey at now and fails the test on an error.
func claim(t *testing.T, s store.Store, rec store.IdempotencyKey, now time.Time) store.IdempotencyKey {
	t.Helper()
	got, err := s.ClaimIdempotencyKey(context.Background(), rec, now)
	if err != nil {
		t.Fatalf("ClaimIdempotencyKey(%s, %s): %v", rec.Key, rec.Claim, err)
	}
	return got
}

// answer calls AnswerIdempotencyKey with the answer, kept a day.
func answer(t *testing.T, s store.Store, rec store.IdempotencyKey, text string) store.IdempotencyKey {
	t.Helper()
	rec.Answer, rec.Expires = []byte(text), base.Add(day)
	if err := s.AnswerIdempotencyKey(context.Background(), rec); err != nil {
		t.Fatalf("AnswerIdempotencyKey(%s, %s): %v", rec.Key, rec.Claim, err)
	}
	return rec
}

// held claims rec again at now and returns the record that holds the key,
// failing the test unless the claim is refused with ErrAlreadyExists.
func held(t *testing.T, s store.Store, rec store.IdempotencyKey, now time.Time) store.IdempotencyKey {
	t.Helper()
	rec.Claim, rec.Answer = "another attempt", nil
	got, err := s.ClaimIdempotencyKey(context.Background(), rec, now)
	if !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("claim of a held key at %v: %v, want ErrAlreadyExists", now, err)
	}
	return got
}

// idemDiff lists the fields in which got differs from want.
func idemDiff(got, want store.IdempotencyKey) string {
	var d string
	if got.AccountSID != want.AccountSID || got.Key != want.Key || got.Claim != want.Claim {
		d += fmt.Sprintf(" names %s/%s/%s, want %s/%s/%s;", got.AccountSID, got.Key, got.Claim, want.AccountSID, want.Key, want.Claim)
	}
	if !bytes.Equal(got.Request, want.Request) || !bytes.Equal(got.Answer, want.Answer) {
		d += fmt.Sprintf(" request %q answer %q, want %q and %q;", got.Request, got.Answer, want.Request, want.Answer)
	}
	if (got.Answer == nil) != (want.Answer == nil) {
		d += fmt.Sprintf(" answer nil %v, want %v;", got.Answer == nil, want.Answer == nil)
	}
	if !got.Expires.Equal(want.Expires) {
		d += fmt.Sprintf(" expires %v, want %v;", got.Expires, want.Expires)
	}
	return d
}

var idempotencyChecks = []check{
	{"a claimed key is held by its claim until it lapses", func(t *testing.T, s store.Store) {
		first := claimOf(1, "k", "c1")
		if d := idemDiff(claim(t, s, first, base), first); d != "" {
			t.Errorf("ClaimIdempotencyKey result:%s", d)
		}
		for _, now := range []time.Time{base, first.Expires.Add(-us)} {
			if d := idemDiff(held(t, s, first, now), first); d != "" {
				t.Errorf("the record that holds the key at %v:%s", now, d)
			}
		}
	}},
	{"an answer is kept until its expiry and returned to every later claim", func(t *testing.T, s store.Store) {
		first := answer(t, s, claim(t, s, claimOf(1, "k", "c1"), base), "the first answer")
		for _, now := range []time.Time{base.Add(time.Hour), base.Add(day - us)} {
			if d := idemDiff(held(t, s, first, now), first); d != "" {
				t.Errorf("the record at %v:%s", now, d)
			}
		}
		next := claimOf(1, "k", "c2")
		next.Expires = base.Add(day + time.Minute)
		if d := idemDiff(claim(t, s, next, base.Add(day)), next); d != "" {
			t.Errorf("a claim at the answer's expiry replaces it:%s", d)
		}
	}},
	{"keys are kept per account", func(t *testing.T, s store.Store) {
		claim(t, s, claimOf(1, "k", "c1"), base)
		claim(t, s, claimOf(2, "k", "c2"), base)
	}},
	{"only the claim that holds an unanswered key answers it", func(t *testing.T, s store.Store) {
		rec := claim(t, s, claimOf(1, "k", "c1"), base)
		other := rec
		other.Claim, other.Answer, other.Expires = "c2", []byte("not mine"), base.Add(day)
		wantErr(t, "AnswerIdempotencyKey by another claim", s.AnswerIdempotencyKey(context.Background(), other), store.ErrNotFound)
		done := answer(t, s, rec, "first")
		again := done
		again.Answer = []byte("second")
		wantErr(t, "AnswerIdempotencyKey a second time", s.AnswerIdempotencyKey(context.Background(), again), store.ErrNotFound)
		if d := idemDiff(held(t, s, rec, base), done); d != "" {
			t.Errorf("the record after refused answers:%s", d)
		}
	}},
	{"a lapsed claim is replaced, and then cannot answer", func(t *testing.T, s store.Store) {
		old := claim(t, s, claimOf(1, "k", "c1"), base)
		next := claimOf(1, "k", "c2")
		next.Expires = old.Expires.Add(time.Minute)
		claim(t, s, next, old.Expires)
		late := old
		late.Answer, late.Expires = []byte("late"), base.Add(day)
		wantErr(t, "AnswerIdempotencyKey by the lapsed claim", s.AnswerIdempotencyKey(context.Background(), late), store.ErrNotFound)
		if err := s.ReleaseIdempotencyKey(context.Background(), old); err != nil {
			t.Fatalf("ReleaseIdempotencyKey by the lapsed claim: %v", err)
		}
		if d := idemDiff(held(t, s, next, old.Expires), next); d != "" {
			t.Errorf("the new claim's record:%s", d)
		}
	}},
	{"a released key may be claimed again; an answered one is not released", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		rec := claim(t, s, claimOf(1, "k", "c1"), base)
		if err := s.ReleaseIdempotencyKey(ctx, rec); err != nil {
			t.Fatalf("ReleaseIdempotencyKey: %v", err)
		}
		again := claim(t, s, claimOf(1, "k", "c2"), base)
		done := answer(t, s, again, "kept")
		if err := s.ReleaseIdempotencyKey(ctx, done); err != nil {
			t.Fatalf("ReleaseIdempotencyKey of an answered key: %v", err)
		}
		if d := idemDiff(held(t, s, again, base), done); d != "" {
			t.Errorf("the answered record after a release:%s", d)
		}
	}},
	{"records are purged after 24 hours", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		answer(t, s, claim(t, s, claimOf(1, "answered", "c1"), base), "a day")
		claim(t, s, claimOf(1, "running", "c2"), base)
		later := claimOf(1, "later", "c3")
		later.Expires = base.Add(2 * day)
		claim(t, s, later, base)
		if n, err := s.PurgeIdempotencyKeys(ctx, base.Add(day-us)); err != nil || n != 1 {
			t.Errorf("PurgeIdempotencyKeys a moment before a day: %d, %v; want the lapsed claim alone", n, err)
		}
		if n, err := s.PurgeIdempotencyKeys(ctx, base.Add(day)); err != nil || n != 1 {
			t.Errorf("PurgeIdempotencyKeys after a day: %d, %v; want the answered record", n, err)
		}
		// What was purged is gone even to a clock that goes back.
		claim(t, s, claimOf(1, "answered", "c4"), base)
		held(t, s, later, base.Add(day))
	}},
	{"bad records are ErrInvalid and store nothing", func(t *testing.T, s store.Store) {
		ctx := context.Background()
		for name, mod := range map[string]func(*store.IdempotencyKey){
			"no account": func(r *store.IdempotencyKey) { r.AccountSID = "" },
			"no key":     func(r *store.IdempotencyKey) { r.Key = "" },
			"no claim":   func(r *store.IdempotencyKey) { r.Claim = "" },
			"no request": func(r *store.IdempotencyKey) { r.Request = nil },
			"an answer":  func(r *store.IdempotencyKey) { r.Answer = []byte("x") },
		} {
			rec := claimOf(1, "k", "c1")
			mod(&rec)
			_, err := s.ClaimIdempotencyKey(ctx, rec, base)
			wantErr(t, "ClaimIdempotencyKey with "+name, err, store.ErrInvalid)
		}
		rec := claim(t, s, claimOf(1, "k", "c1"), base)
		rec.Expires = base.Add(day)
		wantErr(t, "AnswerIdempotencyKey with no answer", s.AnswerIdempotencyKey(ctx, rec), store.ErrInvalid)
		rec.Expires = base.Add(time.Minute)
		if d := idemDiff(held(t, s, rec, base), rec); d != "" {
			t.Errorf("the record after a refused answer:%s", d)
		}
	}},
	{"records go in and come out as copies", func(t *testing.T, s store.Store) {
		rec := claimOf(1, "k", "c1")
		want := claimOf(1, "k", "c1")
		got := claim(t, s, rec, base)
		rec.Request[0], got.Request[0] = 'X', 'Y'
		done := answer(t, s, want, "answer")
		done.Answer[0] = 'Z'
		want.Answer, want.Expires = []byte("answer"), base.Add(day)
		if d := idemDiff(held(t, s, want, base), want); d != "" {
			t.Errorf("the record after its copies were changed:%s", d)
		}
	}},
	{"concurrent claims of one key: one holds it", func(t *testing.T, s store.Store) {
		const n = 16
		errs := make([]error, n)
		together(n, func(i int) {
			_, errs[i] = s.ClaimIdempotencyKey(context.Background(), claimOf(1, "k", fmt.Sprint("c", i)), base)
		})
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Errorf("concurrent claim: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d concurrent claims of one key succeeded, want 1", won)
		}
	}},
}
