package oauthapp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blindStore hides the memory store's change notifications, as a remote
// store without them would.
type blindStore struct{ store.Store }

func TestCacheServesAtMostMaxStale(t *testing.T) {
	const bound = 5 * time.Second
	k := oauthapptest.New(t)
	cached := cachedOn(t, k, blindStore{k.Store}, bound)
	on := func(bearer string) error {
		_, err := cached.Authorize(ctx, bearer, oauthapp.Resource{Permission: permList})
		return err
	}

	t.Run("a deletion elsewhere is seen within the bound", func(t *testing.T) {
		app := k.NewApp(permList)
		tok := k.Token(app)
		require.NoError(t, on(tok)) // read into the cache
		require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
		k.Advance(bound - time.Nanosecond)
		assert.NoError(t, on(tok), "served from the cache just inside the bound")
		k.Advance(time.Nanosecond)
		assert.ErrorIs(t, on(tok), oauthapp.ErrAppDeleted, "read again at the bound")
	})
	t.Run("a grace-0 rotation elsewhere is seen within the bound", func(t *testing.T) {
		app := k.NewApp(permList)
		tok := k.Token(app)
		require.NoError(t, on(tok))
		k.Rotate(app.SID, 0)
		k.Advance(bound)
		assert.ErrorIs(t, on(tok), oauthapp.ErrSecretInactive)
	})
	t.Run("a revocation elsewhere is seen within the bound", func(t *testing.T) {
		app := k.NewApp(permList)
		tok := k.Token(app)
		require.NoError(t, on(tok))
		client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
		require.NoError(t, err)
		require.NoError(t, k.Service.Revoke(ctx, client, tok))
		k.Advance(bound)
		assert.ErrorIs(t, on(tok), oauthapp.ErrTokenRevoked)
	})
	t.Run("changes made through the cached service itself apply at once", func(t *testing.T) {
		app, _, err := cached.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		require.NoError(t, err)
		_, sec, err := cached.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(time.Hour)})
		require.NoError(t, err)
		tok, err := cached.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		require.NoError(t, on(tok.AccessToken))
		require.NoError(t, cached.DeleteApp(ctx, k.Owner, app.SID, 0))
		assert.ErrorIs(t, on(tok.AccessToken), oauthapp.ErrAppDeleted)
	})
}

func TestCacheEvictsOnStoreNotifications(t *testing.T) {
	k := oauthapptest.New(t)
	// The memory store notifies: a long bound does not delay a change.
	cached := k.NewService(oauthapp.WithCache(time.Hour, 0))
	defer cached.Close()
	app := k.NewApp(permList)
	tok := k.Token(app)
	_, err := cached.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
	_, err = cached.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	assert.ErrorIs(t, err, oauthapp.ErrAppDeleted)
}

func TestNoCacheByDefault(t *testing.T) {
	k := oauthapptest.New(t)
	other, err := oauthapp.New(blindStore{k.Store}, k.Keys, oauthapp.WithClock(k.Clock.Now))
	require.NoError(t, err)
	app := k.NewApp(permList)
	tok := k.Token(app)
	_, err = other.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
	_, err = other.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	assert.ErrorIs(t, err, oauthapp.ErrAppDeleted, "without a cache the next request sees the deletion")
}

func TestCloseIsIdempotentAndStopsWatching(t *testing.T) {
	k := oauthapptest.New(t)
	cached := k.NewService(oauthapp.WithCache(10*time.Minute, 0))
	app := k.NewApp(permList)
	tok := k.Token(app)
	_, err := cached.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { _ = cached.Close(); close(done) }()
	require.NoError(t, cached.Close())
	<-done
	// No longer notified: the cached app outlives its deletion until the
	// bound, which is what a closed service promises and no more.
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
	_, err = cached.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	assert.NoError(t, err, "a closed service no longer hears of changes")
	k.Advance(10 * time.Minute)
	_, err = cached.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	assert.ErrorIs(t, err, oauthapp.ErrAppDeleted, "the staleness bound still holds")
}

// TestCacheBoundSurvivesAClockStepBack: an entry read before the wall
// clock stepped back (an NTP step, a VM restore) is stale, not "read in
// the future": maxStale still bounds how long a deleted app is served.
func TestCacheBoundSurvivesAClockStepBack(t *testing.T) {
	const bound = 5 * time.Second
	k := oauthapptest.New(t)
	cached := cachedOn(t, k, blindStore{k.Store}, bound)
	app := k.NewApp(permList)
	sec := k.Secret(app.SID)
	_, err := cached.AuthenticateClient(ctx, app.SID, sec, "") // read into the cache
	require.NoError(t, err)

	k.Clock.Set(k.Clock.Now().Add(-time.Hour))
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
	k.Advance(2 * bound)
	_, err = cached.AuthenticateClient(ctx, app.SID, sec, "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "a deleted app's secret authenticates 2×maxStale after the deletion")
}

// pausingStore holds the next GetApp after its read until released, so a
// test can act while a cache fill is under way; it counts reads.
type pausingStore struct {
	*store.Memory
	mu     sync.Mutex
	pause  chan struct{}
	paused chan struct{}
	reads  int
}

func (p *pausingStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	rec, err := p.Memory.GetApp(ctx, sid)
	p.mu.Lock()
	p.reads++
	pause := p.pause
	p.pause = nil
	p.mu.Unlock()
	if pause != nil {
		p.paused <- struct{}{}
		<-pause
	}
	return rec, err
}

func (p *pausingStore) readCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reads
}

// TestUnknownClientIDsDoNotDefeatTheCache: a token request with a made-up
// client id, which anyone can send, must not throw away the cache fills
// under way for real apps.
func TestUnknownClientIDsDoNotDefeatTheCache(t *testing.T) {
	mem := store.NewMemory()
	k := oauthapptest.New(t, oauthapptest.WithStore(mem))
	ps := &pausingStore{Memory: mem, paused: make(chan struct{}, 1)}
	cached := cachedOn(t, k, ps, time.Hour)
	app := k.NewApp(permList)
	tok := k.Token(app)
	res := oauthapp.Resource{Permission: permList}

	pause := make(chan struct{})
	ps.mu.Lock()
	ps.pause = pause
	ps.mu.Unlock()
	done := make(chan error, 1)
	go func() { _, err := cached.Authorize(ctx, tok, res); done <- err }()
	<-ps.paused
	_, err := cached.IssueToken(ctx, oauthapp.TokenRequest{ClientID: oauthapptest.NewSID("OQ"), ClientSecret: k.Secret(app.SID)})
	require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	close(pause)
	require.NoError(t, <-done)

	before := ps.readCount()
	_, err = cached.Authorize(ctx, tok, res)
	require.NoError(t, err)
	assert.Equal(t, before, ps.readCount(), "the app read just before is served from the cache")
}

// TestPurgeKeepsRevocationsForInstancesWhoseClocksRunBehind: a purge on an
// instance whose clock is ahead must not undo a revocation that an
// instance whose clock is behind still needs.
func TestPurgeKeepsRevocationsForInstancesWhoseClocksRunBehind(t *testing.T) {
	k := oauthapptest.New(t)
	fast := oauthapptest.NewClock(oauthapptest.Epoch.Add(10 * time.Second))
	fastSvc := k.NewService(oauthapp.WithClock(fast.Now))
	app := k.NewApp(permList)
	tok := k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, tok))

	// 5 s before the token's exp by the slow clock; 5 s past it by the fast one.
	k.Clock.Set(oauthapptest.Epoch.Add(time.Hour - 5*time.Second))
	fast.Set(oauthapptest.Epoch.Add(time.Hour + 5*time.Second))
	purged, err := fastSvc.Purge(ctx)
	require.NoError(t, err)
	assert.Zero(t, purged.Revocations)
	assert.ErrorIs(t, authorize(k, tok, permList), oauthapp.ErrTokenRevoked, "still revoked on the slow instance")
}
