package main

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store/postgres"
)

// postgresDSN returns OAUTHAPPS_POSTGRES_DSN or skips the test, saying how
// to run it.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("OAUTHAPPS_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("set OAUTHAPPS_POSTGRES_DSN (such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the tokenserver instances on PostgreSQL")
	}
	return dsn
}

// manager is a kit of the test's own on the deployment's database, to
// create and delete apps as a management API of one more instance would.
// It reads the wall clock, as the instances do.
func manager(t *testing.T, dsn string) *oauthapptest.Kit {
	t.Helper()
	st, err := postgres.New(context.Background(), testPool(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return oauthapptest.New(t, oauthapptest.WithStore(st), oauthapptest.WithServiceOptions(oauthapp.WithClock(time.Now)))
}

// newClient creates an app in the account, allowed to list the demo
// messages.
func newClient(mgr *oauthapptest.Kit, account string) client {
	owner := oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: account, Role: oauthapp.RoleOwner}
	app := mgr.NewAppFor(owner, permList)
	return client{app.SID, mgr.Secret(app.SID), account}
}

// TestInstancesOnOnePostgres runs three tokenserver processes on one
// database and checks what a deployment of several instances relies on.
// The figures it logs are in BENCHMARKS.md.
func TestInstancesOnOnePostgres(t *testing.T) {
	dsn := freshDatabase(t, postgresDSN(t))
	d := newDeployment(t, dsn, "-key-lead", "2s")
	a := d.start(t, "a", "", true)
	b := d.start(t, "b", "", false)
	c := d.start(t, "c", "", false)
	all := []*process{a, b, c}
	demo := demoClient(a)
	first := a.mustToken(t, demo)

	t.Run("a token from one instance authorizes on the others and verifies from their JWKS", func(t *testing.T) {
		for _, p := range all {
			if got := p.api(demo, first); got != 200 {
				t.Errorf("%s: API answered %d", p.name, got)
			}
			if err := p.verifies(first); err != nil {
				t.Errorf("%s: %v", p.name, err)
			}
		}
		for _, p := range []*process{b, c} {
			if got := a.api(demo, p.mustToken(t, demo)); got != 200 {
				t.Errorf("a refused a token of %s: %d", p.name, got)
			}
		}
	})

	t.Run("an instance killed and started again accepts the tokens issued before", func(t *testing.T) {
		b.kill()
		b = d.start(t, "b", b.addr, false)
		all[1] = b
		if got := b.api(demo, first); got != 200 {
			t.Fatalf("restarted b answered %d", got)
		}
		if err := b.verifies(first); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a forced rotation: the new kid is in every JWKS before any token carries it", func(t *testing.T) {
		old := kidOf(first)
		if err := a.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
			t.Fatal(err)
		}
		publishedEverywhere := false
		var next string
		deadline := time.Now().Add(20 * time.Second)
		for {
			// JWKS first, tokens after: a token carrying a kid that was
			// not yet in every JWKS fetched before it is a failure.
			everywhere := true
			for _, p := range all {
				keys, err := p.jwks()
				if err != nil {
					t.Fatal(err)
				}
				for kid := range keys {
					if kid != old && next == "" {
						next = kid
					}
				}
				if _, ok := keys[next]; next == "" || !ok {
					everywhere = false
				}
			}
			publishedEverywhere = publishedEverywhere || everywhere
			carried := 0
			for _, p := range all {
				kid := kidOf(p.mustToken(t, demo))
				switch {
				case kid == old:
				case kid == next && publishedEverywhere:
					carried++
				default:
					t.Fatalf("%s issued a token with kid %q before every JWKS published it (new kid %q)", p.name, kid, next)
				}
			}
			if carried == len(all) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the new key %q never signed on every instance", next)
			}
			time.Sleep(50 * time.Millisecond)
		}
		for _, p := range all {
			if got := p.api(demo, first); got != 200 {
				t.Errorf("%s refused a token of the retired key: %d", p.name, got)
			}
			if err := p.verifies(first); err != nil {
				t.Errorf("%s: the retired key no longer verifies: %v", p.name, err)
			}
		}
	})

	t.Run("a key created anywhere reaches every JWKS within 1s", func(t *testing.T) {
		ctx := context.Background()
		st, err := postgres.New(ctx, testPool(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		kek, _ := base64.StdEncoding.DecodeString(d.kek)
		// A long lead, so that these keys are published only.
		ring, err := keyring.New(ctx, st, keyring.WithKeyEncryptionKey(kek), keyring.WithRotation(keyring.DefaultRotationPeriod, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ring.Close() })
		var lat []time.Duration
		for range 10 {
			kid, err := ring.Rotate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range all {
				lat = append(lat, within(t, time.Second, p.name+" publishes "+kid, func() bool {
					keys, err := p.jwks()
					_, ok := keys[kid]
					return err == nil && ok
				}))
			}
		}
		p50, p99 := percentiles(lat)
		t.Logf("key publication: %d samples, p50 %v, p99 %v", len(lat), p50, p99)
	})

	t.Run("an app deleted through one instance is refused by all within 1s", func(t *testing.T) {
		mgr := manager(t, dsn)
		var lat []time.Duration
		for range 10 {
			cl := newClient(mgr, demo.account)
			tok := a.mustToken(t, cl)
			for _, p := range all {
				if got := p.api(cl, tok); got != 200 {
					t.Fatalf("%s: the new app's token answered %d", p.name, got)
				}
			}
			mgr.Delete(cl.id)
			for _, p := range all {
				lat = append(lat, within(t, time.Second, p.name+" refuses the deleted app", func() bool {
					status, _ := p.token(cl)
					return status == 401 && p.api(cl, tok) == 401
				}))
			}
		}
		p50, p99 := percentiles(lat)
		t.Logf("app deletion: %d samples, p50 %v, p99 %v", len(lat), p50, p99)
	})

	t.Run("no secret or private key in any log", func(t *testing.T) {
		for _, p := range all {
			logs := p.logs.String()
			for _, s := range []string{demo.secret, "PRIVATE KEY", d.kek} {
				if strings.Contains(logs, s) {
					t.Errorf("%s logged %q", p.name, s[:min(len(s), 12)])
				}
			}
		}
	})
}
