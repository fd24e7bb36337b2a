package oauthapp_test

import (
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cachedOn returns a service with a cache of the given bound on st, sharing
// the kit's keys and clock.
func cachedOn(t *testing.T, k *oauthapptest.Kit, st store.Store, bound time.Duration) *oauthapp.Service {
	t.Helper()
	s, err := oauthapp.New(st, k.Keys, oauthapp.WithClock(k.Clock.Now), oauthapp.WithCache(bound, 0))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestWarmServiceAuthorizesNewTokensWithoutStoreReads(t *testing.T) {
	k := oauthapptest.New(t)
	st := storetest.NewReadCounter(store.NewMemory())
	svc := cachedOn(t, k, st, time.Minute)
	app, _, err := svc.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	_, sec, err := svc.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(0)})
	require.NoError(t, err)
	issue := func() string {
		tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		return tok.AccessToken
	}
	// Warm up: the app and the revoked set are read once.
	_, err = svc.Authorize(ctx, issue(), oauthapp.Resource{Permission: permList})
	require.NoError(t, err)

	before := st.Reads()
	for range 5 {
		tok := issue()
		_, err := svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		_, err = svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
	}
	assert.Equal(t, before, st.Reads(), "store reads while issuing and authorizing new tokens on a warm service")
}

func TestRevocationByAnotherInstanceTakesEffectAtOnce(t *testing.T) {
	k := oauthapptest.New(t)
	st := storetest.NewReadCounter(store.NewMemory())
	// Two instances on one store: a revocation through a takes effect on
	// b at its next check, through the store's notification, with no
	// read of the store by b.
	a, b := cachedOn(t, k, st, time.Hour), cachedOn(t, k, st, time.Hour)
	app, _, err := a.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	_, sec, err := a.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(0)})
	require.NoError(t, err)
	tok, err := a.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	require.NoError(t, err)
	other, err := a.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	require.NoError(t, err)
	_, err = b.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)

	client, err := a.AuthenticateClient(ctx, app.SID, sec.Reveal(), "")
	require.NoError(t, err)
	before := st.Reads()
	require.NoError(t, a.Revoke(ctx, client, tok.AccessToken))
	_, err = b.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permList})
	assert.ErrorIs(t, err, oauthapp.ErrTokenRevoked)
	_, err = b.Authorize(ctx, other.AccessToken, oauthapp.Resource{Permission: permList})
	assert.NoError(t, err, "another token of the same app is not revoked")
	assert.Equal(t, before, st.Reads(), "store reads by the other instance")

	t.Run("and stays in effect until the token would have expired", func(t *testing.T) {
		k.Advance(time.Hour - time.Second) // the set is reloaded on the way: the revocation is stored
		_, err = b.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permList})
		assert.ErrorIs(t, err, oauthapp.ErrTokenRevoked)
	})
}

// deafStore passes everything through to a memory store, its list of live
// revocations included, but hands its notifications to the test: they
// arrive only when the test calls tell, as when a store's listener is
// away.
type deafStore struct {
	*store.Memory
	mu  sync.Mutex
	fns []func(store.Change)
}

func (s *deafStore) Watch(fn func(store.Change)) (stop func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fns = append(s.fns, fn)
	return func() {}
}

func (s *deafStore) tell(c store.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fn := range s.fns {
		fn(c)
	}
}

func TestRevokedSetWhileNotificationsAreLost(t *testing.T) {
	const bound = 5 * time.Second
	k := oauthapptest.New(t)
	st := &deafStore{Memory: store.NewMemory()}
	svc := cachedOn(t, k, st, bound)
	app, _, err := svc.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	_, sec, err := svc.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(0)})
	require.NoError(t, err)
	issue := func() (string, time.Time) {
		tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		return tok.AccessToken, k.Clock.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	on := func(bearer string) error {
		_, err := svc.Authorize(ctx, bearer, oauthapp.Resource{Permission: permList})
		return err
	}

	t.Run("a revocation elsewhere is seen within the cache bound", func(t *testing.T) {
		tok, exp := issue()
		require.NoError(t, on(tok)) // loads the set
		id, err := svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		// Another instance revokes; no notification arrives.
		require.NoError(t, st.RevokeToken(ctx, id.TokenID, exp))
		k.Advance(bound - time.Nanosecond)
		assert.NoError(t, on(tok), "served from the set just inside the bound")
		k.Advance(time.Nanosecond)
		assert.ErrorIs(t, on(tok), oauthapp.ErrTokenRevoked, "the set is loaded again at the bound")
	})
	t.Run("a Resync makes the next check load the set again", func(t *testing.T) {
		tok, exp := issue()
		id, err := svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		require.NoError(t, st.RevokeToken(ctx, id.TokenID, exp))
		assert.NoError(t, on(tok), "nothing told the service yet")
		st.tell(store.Change{Kind: store.Resync})
		assert.ErrorIs(t, on(tok), oauthapp.ErrTokenRevoked)
	})
	t.Run("a notified revocation applies at once", func(t *testing.T) {
		tok, exp := issue()
		id, err := svc.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		require.NoError(t, st.RevokeToken(ctx, id.TokenID, exp))
		st.tell(store.Change{Kind: store.TokenRevoked, TokenID: id.TokenID})
		assert.ErrorIs(t, on(tok), oauthapp.ErrTokenRevoked)
	})
}
