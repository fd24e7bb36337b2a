package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// The benchmarks run against the server in OAUTHAPPS_POSTGRES_DSN, one
// round trip per operation, so they measure the server and the network as
// much as this code.

// benchApp returns a store with one app in it and resets the timer.
func benchApp(b *testing.B) (*Store, store.App) {
	s, _, _ := newTestStore(b)
	app, err := s.CreateApp(context.Background(), testApp(appSID(), accountSID()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	return s, app
}

func BenchmarkPostgresGet(b *testing.B) {
	s, app := benchApp(b)
	ctx := context.Background()
	for range b.N {
		if _, err := s.GetApp(ctx, app.SID); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPostgresUpdate(b *testing.B) {
	s, app := benchApp(b)
	ctx := context.Background()
	for range b.N {
		app.UpdatedAt = app.UpdatedAt.Add(time.Second)
		var err error
		if app, err = s.UpdateApp(ctx, app); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPostgresIsTokenRevoked(b *testing.B) {
	s, _, _ := newTestStore(b)
	ctx := context.Background()
	now := time.Now()
	if err := s.RevokeToken(ctx, "jti", now.Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if revoked, err := s.IsTokenRevoked(ctx, "jti", now); err != nil || !revoked {
			b.Fatal(revoked, err)
		}
	}
}

// BenchmarkPostgresFloorRoundTrip is the floor for the reads: one bare
// round trip through the pool.
func BenchmarkPostgresFloorRoundTrip(b *testing.B) {
	pool := testPool(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var one int
		if err := pool.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostgresFloorWrite is the floor for UpdateApp: a committed
// one-row update that changes nothing the triggers watch, so it costs a
// round trip and a commit but no compare-and-set and no notification.
func BenchmarkPostgresFloorWrite(b *testing.B) {
	s, app := benchApp(b)
	ctx := context.Background()
	for range b.N {
		if _, err := s.pool.Exec(ctx, "UPDATE "+s.q.apps+" SET version = version WHERE sid = $1", app.SID); err != nil {
			b.Fatal(err)
		}
	}
}

// benchAuthorize measures Service.Authorize of one EdDSA token on st, with
// the given service options, after one call has warmed whatever it caches.
func benchAuthorize(b *testing.B, st store.Store, opts ...oauthapp.Option) {
	d := &deployment{keys: oauthapptest.NewKeys(b, token.EdDSA), owner: oauthapptest.NewActor(oauthapp.RoleOwner)}
	svc := d.service(b, st, opts...)
	app, sec := d.newApp(b, svc)
	authorize := d.authorizes(svc, issue(b, svc, app.SID, sec), nil)
	if err := authorize.do(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := authorize.do(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizeMemory is the reference for BenchmarkAuthorizePostgres:
// the same service and token on the memory store, without a cache.
func BenchmarkAuthorizeMemory(b *testing.B) {
	benchAuthorize(b, store.NewMemory())
}

// BenchmarkAuthorizePostgres authorizes through a warm cache on the
// PostgreSQL store, watching it for changes: no round trip per request.
func BenchmarkAuthorizePostgres(b *testing.B) {
	s, _, _ := newTestStore(b)
	benchAuthorize(b, s, oauthapp.WithCache(cacheStale, 0))
}

// BenchmarkClientLookup sends a wrong, well-formed secret under a known
// client id and under an unknown one to a service with a warm cache on
// PostgreSQL. Both are answered from memory (the unknown id by the cached
// "no such app"), with one hash comparison each, so known/unknown stays
// near 1: the answer time does not tell whether a client id exists.
func BenchmarkClientLookup(b *testing.B) {
	s, _, _ := newTestStore(b)
	d := &deployment{keys: oauthapptest.NewKeys(b, token.EdDSA), owner: oauthapptest.NewActor(oauthapp.RoleOwner)}
	svc := d.service(b, s, oauthapp.WithCache(cacheStale, 0))
	app, _ := d.newApp(b, svc)
	wrong, err := secret.Generate()
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, id string }{
		{"known", app.SID},
		{"unknown", oauthapptest.NewSID("OQ")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			refused := authenticates(svc, bc.id, wrong.Reveal())
			if err := refused.do(); !errors.Is(err, refused.want) { // the first one fills the cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := refused.do(); !errors.Is(err, refused.want) {
					b.Fatal(err)
				}
			}
		})
	}
}
