package postgres

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

// presetSID stores the next new app under the SID a test names, so that
// a test can ask instances for an app before it exists. It hides Watch:
// the creating instance must evict its own cached miss by itself.
type presetSID struct {
	store.Store
	mu   sync.Mutex
	next string
}

func (p *presetSID) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	p.mu.Lock()
	app.SID, p.next = p.next, ""
	p.mu.Unlock()
	return p.Store.CreateApp(ctx, app)
}

// TestNewAppIsFoundByAnotherInstanceWithinBound: instances that cached
// "no such app" for a client id (oauthapp.WithCache) find the app created
// under that id through another instance at once on the creating
// instance and within the propagation bound on another, by the creation's
// notification: an instance with the same cache but no notifications
// still refuses it then.
func TestNewAppIsFoundByAnotherInstanceWithinBound(t *testing.T) {
	d := newDeployment(t)
	preset := &presetSID{Store: openStore(t, testPool(t), d.schema)}
	writer := d.service(t, preset, oauthapp.WithCache(cacheStale, 0))
	reader := d.instance(t)
	deaf := d.service(t, unwatched{openStore(t, testPool(t), d.schema)}, oauthapp.WithCache(cacheStale, 0))
	wrong, err := secret.Generate()
	if err != nil {
		t.Fatal(err)
	}
	const trials = 30
	latencies := make([]time.Duration, trials)
	for i := range latencies {
		sid := oauthapptest.NewSID("OQ")
		for _, svc := range []*oauthapp.Service{writer, reader, deaf} {
			if p := authenticates(svc, sid, wrong.Reveal()); !errors.Is(p.do(), p.want) {
				t.Fatalf("an unknown client id was not refused")
			}
		}
		preset.mu.Lock()
		preset.next = sid
		preset.mu.Unlock()
		app, sec := d.newApp(t, writer)
		if app.SID != sid {
			t.Fatalf("created %s, want %s", app.SID, sid)
		}
		created := time.Now()
		found := probe{"AuthenticateClient", func() error {
			_, err := reader.AuthenticateClient(context.Background(), sid, sec, "")
			return err
		}, nil}
		accept(t, "the creating instance", probe{"AuthenticateClient", func() error {
			_, err := writer.AuthenticateClient(context.Background(), sid, sec, "")
			return err
		}, nil})
		latencies[i] = awaitAcceptance(t, created, found)
		if err := authenticates(deaf, sid, sec).do(); !errors.Is(err, oauthapp.ErrInvalidClient) {
			t.Fatalf("the instance without notifications: %v, want its cached miss (ErrInvalidClient)", err)
		}
	}
	slices.Sort(latencies)
	p50, p99 := percentile(latencies, 50), percentile(latencies, 99)
	t.Logf("%d trials, app created on one instance -> found by another that cached it missing: p50 %v, p99 %v", trials, p50, p99)
	if p99 > propagationBound {
		t.Errorf("p99 %v exceeds the %v bound", p99, propagationBound)
	}
}

// awaitAcceptance polls p until it succeeds and returns the time from
// since; it fails the test after refusalDeadline.
func awaitAcceptance(t *testing.T, since time.Time, p probe) time.Duration {
	t.Helper()
	for p.do() != nil {
		if time.Since(since) > refusalDeadline {
			t.Fatalf("%s still refused %v after the write returned", p.name, refusalDeadline)
		}
		time.Sleep(100 * time.Microsecond)
	}
	return time.Since(since)
}
