package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// use calls UseAssertionID and returns its error.
func use(s store.AssertionIDs, client, jti string, expires, now time.Time) error {
	return s.UseAssertionID(context.Background(), client, jti, expires, now)
}

var assertionChecks = []check{
	{"an assertion id is accepted once until it expires", func(t *testing.T, s store.Store) {
		exp := base.Add(5 * time.Minute)
		if err := use(s, appSID(1), "jti-1", exp, base); err != nil {
			t.Fatalf("first use: %v", err)
		}
		for _, now := range []time.Time{base, base.Add(time.Minute), exp.Add(-1 * us)} {
			if err := use(s, appSID(1), "jti-1", exp, now); !errors.Is(err, store.ErrAlreadyExists) {
				t.Errorf("use again at %v: %v, want ErrAlreadyExists", now, err)
			}
		}
	}},
	{"ids are kept per client", func(t *testing.T, s store.Store) {
		exp := base.Add(5 * time.Minute)
		if err := use(s, appSID(1), "jti-1", exp, base); err != nil {
			t.Fatal(err)
		}
		if err := use(s, appSID(2), "jti-1", exp, base); err != nil {
			t.Errorf("the same jti of another client: %v, want accepted", err)
		}
	}},
	{"an entry past its expiry may be used again", func(t *testing.T, s store.Store) {
		exp := base.Add(5 * time.Minute)
		if err := use(s, appSID(1), "jti-1", exp, base); err != nil {
			t.Fatal(err)
		}
		if err := use(s, appSID(1), "jti-1", exp.Add(time.Minute), exp); err != nil {
			t.Errorf("use at the old expiry: %v, want accepted", err)
		}
		if err := use(s, appSID(1), "jti-1", exp.Add(time.Minute), exp); !errors.Is(err, store.ErrAlreadyExists) {
			t.Errorf("use again after the renewal: %v, want ErrAlreadyExists", err)
		}
	}},
	{"empty client id or jti is invalid", func(t *testing.T, s store.Store) {
		for _, c := range [][2]string{{"", "jti"}, {appSID(1), ""}} {
			if err := use(s, c[0], c[1], base.Add(time.Minute), base); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("UseAssertionID(%q, %q): %v, want ErrInvalid", c[0], c[1], err)
			}
		}
	}},
	{"purge removes expired entries only", func(t *testing.T, s store.Store) {
		for i, exp := range []time.Time{base, base.Add(time.Minute), base.Add(time.Hour)} {
			if err := use(s, appSID(1), "jti-"+string(rune('a'+i)), exp, base.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PurgeAssertionIDs(context.Background(), base.Add(time.Minute))
		if err != nil || n != 2 {
			t.Errorf("PurgeAssertionIDs = %d, %v; want 2", n, err)
		}
		if err := use(s, appSID(1), "jti-c", base.Add(2*time.Hour), base.Add(time.Minute)); !errors.Is(err, store.ErrAlreadyExists) {
			t.Errorf("an entry still live after the purge: %v, want ErrAlreadyExists", err)
		}
	}},
	{"concurrent uses of one id succeed once", func(t *testing.T, s store.Store) {
		const n = 16
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- use(s, appSID(1), "jti-race", base.Add(time.Minute), base)
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, store.ErrAlreadyExists):
				t.Errorf("concurrent use: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d concurrent uses succeeded, want 1", ok)
		}
	}},
}
