package postgres

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// The tests in this file run the whole service, oauthapp.Service, as two
// instances of one deployment: each with its own pool, Store and cache,
// sharing one schema and one signing key.

const (
	// cacheStale is the instances' cache bound. It is far longer than any
	// test, so an instance can only see another's change in time if a
	// notification evicts its cached entry.
	cacheStale = time.Minute
	// propagationBound is the documented bound on how long after a write
	// returns on one instance the other still honours what it removed.
	propagationBound = time.Second
	// refusalDeadline is how long a single wait for a refusal may last
	// before the test gives up: generous, for a loaded machine, yet far
	// under cacheStale, so a refusal seen within it came from a
	// notification.
	refusalDeadline = 10 * time.Second
	// permList is the permission the test apps grant and the test requests
	// ask for.
	permList = "/demo/messaging/messages/list"
)

// deployment is what the instances of one service share: the signing
// keys, an account owner who manages the apps and, on PostgreSQL, a schema
// with a Store of its own to read what is stored.
type deployment struct {
	keys   *token.KeySet
	owner  oauthapp.Actor
	schema string
	first  *Store
}

// newDeployment migrates a fresh schema and returns a deployment on it.
func newDeployment(t *testing.T) *deployment {
	t.Helper()
	first, _, schema := newTestStore(t)
	return &deployment{keys: oauthapptest.NewKeys(t, token.EdDSA), owner: oauthapptest.NewActor(oauthapp.RoleOwner), schema: schema, first: first}
}

// instance starts a service instance on a pool and Store of its own, with a
// cache of cacheStale, closed at cleanup before its Store and pool.
func (d *deployment) instance(t *testing.T) *oauthapp.Service {
	t.Helper()
	return d.service(t, openStore(t, testPool(t), d.schema), oauthapp.WithCache(cacheStale, 0))
}

// service returns a service on st with the deployment's keys and the
// real clock, closed at cleanup.
func (d *deployment) service(tb testing.TB, st store.Store, opts ...oauthapp.Option) *oauthapp.Service {
	tb.Helper()
	return oauthapptest.New(tb, oauthapptest.WithStore(st), oauthapptest.WithKeys(d.keys),
		oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithClock(time.Now)}, opts...)...)).Service
}

// unwatched hides the Store's Watch method: a service on it has the same
// cache but hears of no change, the control that shows what the watching
// instance would do without notifications.
type unwatched struct{ store.Store }

// newApp creates an app through svc and returns it with its secret.
func (d *deployment) newApp(tb testing.TB, svc *oauthapp.Service) (oauthapp.App, string) {
	tb.Helper()
	app, sec, err := svc.CreateApp(context.Background(), d.owner, oauthapp.NewApp{
		FriendlyName: "instances",
		Permissions:  oauthapp.Permissions{Allow: []string{permList}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return app, sec.Reveal()
}

// issue returns a token for the app, obtained with sec from svc.
func issue(tb testing.TB, svc *oauthapp.Service, appSID, sec string) string {
	tb.Helper()
	tok, err := svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: appSID, ClientSecret: sec})
	if err != nil {
		tb.Fatal(err)
	}
	return tok.AccessToken
}

// probe is one request an instance must come to refuse with want.
type probe struct {
	name string
	do   func() error
	want error
}

func (d *deployment) authorizes(svc *oauthapp.Service, tok string, want error) probe {
	return probe{"Authorize", func() error {
		_, err := svc.Authorize(context.Background(), tok, oauthapp.Resource{Permission: permList, AccountSID: d.owner.AccountSID})
		return err
	}, want}
}

func authenticates(svc *oauthapp.Service, appSID, sec string) probe {
	return probe{"AuthenticateClient", func() error {
		_, err := svc.AuthenticateClient(context.Background(), appSID, sec, "")
		return err
	}, oauthapp.ErrInvalidClient}
}

// accept fails the test unless every probe is accepted now.
func accept(t *testing.T, who string, probes ...probe) {
	t.Helper()
	for _, p := range probes {
		if err := p.do(); err != nil {
			t.Fatalf("%s: %s refused: %v", who, p.name, err)
		}
	}
}

// awaitRefusal polls the probes, in order and each in a tight loop, until
// each is refused with its error, and returns the time from since to the
// last refusal.
func awaitRefusal(t *testing.T, since time.Time, probes ...probe) time.Duration {
	t.Helper()
	for _, p := range probes {
		for {
			err := p.do()
			if errors.Is(err, p.want) {
				break
			}
			if err != nil {
				t.Fatalf("%s: got %v, want %v", p.name, err, p.want)
			}
			if time.Since(since) > refusalDeadline {
				t.Fatalf("%s still accepted %v after the write returned", p.name, refusalDeadline)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	return time.Since(since)
}

// TestOtherInstanceRefusesWithinBound: a rotation with no grace, a
// deletion, an app made to require DPoP-bound tokens or a revocation made
// through one instance is refused by
// another instance, whose cache held the app and the token's revocation
// status, within the propagation bound after the write returns. A third
// instance with the same cache but no notifications still accepts at that
// moment, which shows that the refusal came from the notification and not
// from a store read. It reports p50 and p99 per kind of write.
func TestOtherInstanceRefusesWithinBound(t *testing.T) {
	d := newDeployment(t)
	writer, reader := d.instance(t), d.instance(t)
	deaf := d.service(t, unwatched{openStore(t, testPool(t), d.schema)}, oauthapp.WithCache(cacheStale, 0))
	ctx := context.Background()
	const trials = 100

	for _, tc := range []struct {
		name string
		// write changes the app through writer and returns the probes,
		// for a given instance, of what the change must stop: the reader
		// must come to refuse them, the deaf instance still accepts them.
		write func(t *testing.T, app oauthapp.App, sec, tok string) (refused func(*oauthapp.Service) []probe)
	}{
		{"rotation with no grace kills the old secret and its tokens", func(t *testing.T, app oauthapp.App, sec, tok string) func(*oauthapp.Service) []probe {
			if _, _, err := writer.RotateSecret(ctx, d.owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(0)}); err != nil {
				t.Fatal(err)
			}
			return func(svc *oauthapp.Service) []probe {
				return []probe{d.authorizes(svc, tok, oauthapp.ErrSecretInactive), authenticates(svc, app.SID, sec)}
			}
		}},
		{"deletion kills the app's tokens and secret", func(t *testing.T, app oauthapp.App, sec, tok string) func(*oauthapp.Service) []probe {
			if err := writer.DeleteApp(ctx, d.owner, app.SID, 0); err != nil {
				t.Fatal(err)
			}
			return func(svc *oauthapp.Service) []probe {
				return []probe{d.authorizes(svc, tok, oauthapp.ErrAppDeleted), authenticates(svc, app.SID, sec)}
			}
		}},
		{"requiring DPoP-bound tokens kills the app's bearer tokens", func(t *testing.T, app oauthapp.App, sec, tok string) func(*oauthapp.Service) []probe {
			on := true
			if _, err := writer.UpdateApp(ctx, d.owner, app.SID, oauthapp.AppUpdate{DPoPBoundAccessTokens: &on}); err != nil {
				t.Fatal(err)
			}
			return func(svc *oauthapp.Service) []probe {
				return []probe{d.authorizes(svc, tok, oauthapp.ErrInvalidToken)}
			}
		}},
		{"revocation kills the token", func(t *testing.T, app oauthapp.App, sec, tok string) func(*oauthapp.Service) []probe {
			client, err := writer.AuthenticateClient(ctx, app.SID, sec, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := writer.Revoke(ctx, client, tok); err != nil {
				t.Fatal(err)
			}
			return func(svc *oauthapp.Service) []probe {
				return []probe{d.authorizes(svc, tok, oauthapp.ErrTokenRevoked)}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			latencies := make([]time.Duration, trials)
			for i := range latencies {
				app, sec := d.newApp(t, writer)
				tok := issue(t, writer, app.SID, sec)
				for _, svc := range []*oauthapp.Service{reader, deaf} {
					accept(t, "before the write", d.authorizes(svc, tok, nil), authenticates(svc, app.SID, sec))
				}

				refused := tc.write(t, app, sec, tok)
				written := time.Now()
				latencies[i] = awaitRefusal(t, written, refused(reader)...)
				accept(t, "instance without notifications", refused(deaf)...)
			}
			slices.Sort(latencies)
			p50, p99 := percentile(latencies, 50), percentile(latencies, 99)
			t.Logf("%d trials, write returned on one instance -> the other refuses: p50 %v, p99 %v, max %v",
				trials, p50, p99, latencies[trials-1])
			if p99 > propagationBound {
				t.Errorf("p99 %v exceeds the %v bound", p99, propagationBound)
			}
		})
	}
}

// percentile returns the p-th percentile of sorted durations, by nearest
// rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	return sorted[max(0, (len(sorted)*p+99)/100-1)]
}

// TestObserverLearnsHowLateChangesArrive: an instance with an observer
// hears of another instance's write with the time the database made it,
// so a metric of notification lag (package oauthotel's) has figures on
// PostgreSQL: each notice of a change committed after the instance
// started says its lag, and the lag is less than the time from before the
// write to the notice.
func TestObserverLearnsHowLateChangesArrive(t *testing.T) {
	d := newDeployment(t)
	notices := make(chan oauthapp.Notice, 16)
	watching := d.service(t, openStore(t, testPool(t), d.schema), oauthapp.WithCache(cacheStale, 0),
		oauthapp.WithObserver(oauthapp.Observer{Notification: func(n oauthapp.Notice) { notices <- n }}))
	writer := d.instance(t)
	app, sec := d.newApp(t, writer)
	// A first Authorize makes the watching instance load the app and
	// listen.
	tok := issue(t, writer, app.SID, sec)
	if _, err := watching.Authorize(context.Background(), tok, oauthapp.Resource{Permission: permList, AccountSID: d.owner.AccountSID}); err != nil {
		t.Fatal(err)
	}
	for len(notices) > 0 { // resyncs from starting to listen
		<-notices
	}
	before := time.Now()
	if err := writer.DeleteApp(context.Background(), d.owner, app.SID, 0); err != nil {
		t.Fatal(err)
	}
	for deadline := time.After(5 * time.Second); ; {
		select {
		case n := <-notices:
			if n.Kind != store.AppChanged {
				continue
			}
			if took := time.Since(before); !n.LagKnown || n.Lag < 0 || n.Lag > took+time.Second {
				t.Fatalf("notice %+v, %v after the write started; want a lag known, at most that (a second of clock skew allowed)", n, took)
			}
			return
		case <-deadline:
			t.Fatal("no AppChanged notice within 5s of the deletion")
		}
	}
}
