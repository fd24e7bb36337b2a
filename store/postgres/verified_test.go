package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
)

// The tests in this file run two instances of one deployment on one
// schema, each with its own pool, Store, key ring and verified-token
// cache (on by default), on one fake clock: a token the reader instance
// has verified and keeps in its cache stops working there once the
// writer instance, or the store, ends it.

// permRead is a permission the test apps do not keep once their policy
// narrows to it.
const permRead = "/demo/messaging/messages/read"

// cachePair is a writer and a reader instance, and what a case needs to
// end a token on the reader.
type cachePair struct {
	clock          *oauthapptest.Clock
	owner          oauthapp.Actor
	admin          *Store
	kit            *oauthapptest.Kit // the writer's, which created the app
	writer, reader *oauthapp.Service
	rings          [2]*keyring.Ring // the writer's and the reader's
	lookups        *tokenLookups    // the reader's token-cache lookups
}

// tokenLookups records the reader's lookups in its verified-token cache.
type tokenLookups struct {
	mu   sync.Mutex
	hits []bool
}

func (l *tokenLookups) observer() oauthapp.Observer {
	return oauthapp.Observer{CacheLookup: func(_ context.Context, c oauthapp.CacheName, hit bool) {
		if c == oauthapp.CacheTokens {
			l.mu.Lock()
			l.hits = append(l.hits, hit)
			l.mu.Unlock()
		}
	}}
}

// last reports whether the last lookup was a hit.
func (l *tokenLookups) last() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits) > 0 && l.hits[len(l.hits)-1]
}

// newCachePair starts the two instances on a fresh schema; readerOpts
// configure the reader's service.
func newCachePair(t *testing.T, readerOpts ...oauthapp.Option) *cachePair {
	t.Helper()
	ctx := context.Background()
	pool := testPool(t)
	schema := testSchema(t, pool)
	kek := make([]byte, keyring.KEKSize)
	_, _ = rand.Read(kek)
	p := &cachePair{
		clock:   oauthapptest.NewClock(oauthapptest.Epoch),
		owner:   oauthapptest.NewActor(oauthapp.RoleOwner),
		admin:   openStore(t, pool, schema),
		lookups: &tokenLookups{},
	}
	instance := func(i int, opts ...oauthapp.Option) *oauthapptest.Kit {
		st := openStore(t, testPool(t), schema)
		ring, err := keyring.New(ctx, st, keyring.WithKeyEncryptionKey(kek), keyring.WithClock(p.clock.Now),
			keyring.WithRotation(10*24*time.Hour, time.Minute), keyring.WithMaxTokenTTL(time.Hour))
		if err != nil {
			t.Fatalf("key ring %d: %v", i, err)
		}
		t.Cleanup(func() { _ = ring.Close() })
		p.rings[i] = ring
		return oauthapptest.New(t, oauthapptest.WithStore(st), oauthapptest.WithKeys(ring.KeySet()),
			oauthapptest.WithClock(p.clock), oauthapptest.WithServiceOptions(opts...))
	}
	p.kit = instance(0)
	p.writer = p.kit.Service
	p.reader = instance(1, append([]oauthapp.Option{oauthapp.WithObserver(p.lookups.observer())}, readerOpts...)...).Service
	return p
}

// authorize asks the reader to authorize tok for permList on the owner's
// account.
func (p *cachePair) authorize(tok string) (oauthapp.Identity, error) {
	return p.reader.Authorize(context.Background(), tok, oauthapp.Resource{Permission: permList, AccountSID: p.owner.AccountSID})
}

// cached authorizes tok on the reader twice and fails the test unless the
// second time the token cache served it.
func (p *cachePair) cached(t *testing.T, tok string) oauthapp.Identity {
	t.Helper()
	if _, err := p.authorize(tok); err != nil {
		t.Fatalf("the reader refused a genuine token: %v", err)
	}
	id, err := p.authorize(tok)
	if err != nil || !p.lookups.last() {
		t.Fatalf("the second use on the reader: error %v, served from the token cache: %v; want no error, from the cache", err, p.lookups.last())
	}
	return id
}

// tokenCase ends a token the reader holds in its cache.
type tokenCase struct {
	name string
	// end ends tok of app (obtained with sec) through the writer or the
	// store, and returns once the reader must refuse it.
	end  func(t *testing.T, p *cachePair, app oauthapp.App, sec, tok string)
	want error
}

var tokenCases = []tokenCase{
	{"when its app is deleted", func(_ *testing.T, p *cachePair, app oauthapp.App, _, _ string) {
		p.kit.Delete(app.SID)
	}, oauthapp.ErrAppDeleted},
	{"when its secret is rotated with grace 0", func(t *testing.T, p *cachePair, app oauthapp.App, _, _ string) {
		if _, _, err := p.writer.RotateSecret(context.Background(), p.owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(0)}); err != nil {
			t.Fatal(err)
		}
	}, oauthapp.ErrSecretInactive},
	{"when it is revoked", func(t *testing.T, p *cachePair, app oauthapp.App, sec, tok string) {
		client, err := p.writer.AuthenticateClient(context.Background(), app.SID, sec, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.writer.Revoke(context.Background(), client, tok); err != nil {
			t.Fatal(err)
		}
	}, oauthapp.ErrTokenRevoked},
	{"when its app's policy no longer grants the permission", func(t *testing.T, p *cachePair, app oauthapp.App, _, _ string) {
		if _, err := p.writer.UpdateApp(context.Background(), p.owner, app.SID, oauthapp.AppUpdate{Permissions: &oauthapp.Permissions{Allow: []string{permRead}}}); err != nil {
			t.Fatal(err)
		}
	}, oauthapp.ErrInsufficientScope},
	{"when its signing key leaves the key set", endSigningKey, token.ErrUnknownKey},
	{"at its exp to the nanosecond", func(t *testing.T, p *cachePair, _ oauthapp.App, _, tok string) {
		id := p.cached(t, tok)
		p.clock.Set(id.ExpiresAt.Add(-time.Nanosecond))
		if _, err := p.authorize(tok); err != nil || !p.lookups.last() {
			t.Fatalf("a nanosecond before its exp: error %v, from the token cache: %v; want no error, from the cache", err, p.lookups.last())
		}
		p.clock.Advance(time.Nanosecond)
	}, token.ErrExpired},
}

// endSigningKey rotates the deployment's key through the writer's ring,
// lets the new key sign on both instances, checks that the reader still
// serves the token (signed by the old key, still published) from its
// cache, then withdraws the old key from the store and waits until the
// reader's ring has dropped it.
func endSigningKey(t *testing.T, p *cachePair, _ oauthapp.App, _, tok string) {
	ctx := context.Background()
	old := p.rings[1].KeySet().SigningKey().ID()
	if _, err := p.rings[0].Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	p.clock.Advance(time.Minute) // the publishing lead
	for _, r := range p.rings {
		if err := r.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p.rings[1].KeySet().SigningKey().ID() == old {
		t.Fatal("the reader still signs with the old key after the rotation")
	}
	p.cached(t, tok)
	if err := p.admin.DeleteSigningKey(ctx, old); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		if _, ok := p.rings[1].KeySet().Lookup(old); !ok {
			return
		}
		if time.Since(start) > refusalDeadline {
			t.Fatalf("the reader's ring still holds the withdrawn key after %v", refusalDeadline)
		}
	}
}

// TestCachedTokenStopsWorkingOnTheOtherInstance: a token the reader
// serves from its verified-token cache is refused there on the next
// request once it has been ended: on the request right after the write
// returns when the reader reads the store per request, and within the
// propagation bound when it caches apps and revocations (WithCache) and
// learns of the change by notification. Every state check runs on each
// request; only the signature check is cached.
func TestCachedTokenStopsWorkingOnTheOtherInstance(t *testing.T) {
	for _, mode := range []struct {
		name string
		opts []oauthapp.Option
	}{
		{"reader reads the store", nil},
		{"reader caches apps and revocations", []oauthapp.Option{oauthapp.WithCache(cacheStale, 0)}},
	} {
		for _, tc := range tokenCases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				p := newCachePair(t, mode.opts...)
				app := p.kit.NewAppFor(p.owner, permList, permRead)
				sec := p.kit.Secret(app.SID)
				tok := issue(t, p.writer, app.SID, sec)
				p.cached(t, tok)

				tc.end(t, p, app, sec, tok)
				ended := time.Now()
				if mode.opts == nil {
					if _, err := p.authorize(tok); !errors.Is(err, tc.want) {
						t.Fatalf("the next request on the reader: %v, want %v", err, tc.want)
					}
					return
				}
				waited := awaitRefusal(t, ended, probe{"Authorize", func() error { _, err := p.authorize(tok); return err }, tc.want})
				if waited > propagationBound {
					t.Errorf("refused %v after the change, more than the %v bound", waited, propagationBound)
				}
			})
		}
	}
}
