package oauthapp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// presetSIDs stores each new app under the SID a test names next, as a
// host restoring apps with known ids would, so that a test can ask for an
// app's SID before the app exists.
type presetSIDs struct {
	store.Store
	mu   sync.Mutex
	next string
}

func (p *presetSIDs) set(sid string) {
	p.mu.Lock()
	p.next = sid
	p.mu.Unlock()
}

func (p *presetSIDs) CreateApp(ctx context.Context, app store.App) (store.App, error) {
	p.mu.Lock()
	if p.next != "" {
		app.SID, p.next = p.next, ""
	}
	p.mu.Unlock()
	return p.Store.CreateApp(ctx, app)
}

// wrongSecret is a well-formed secret, its checksum right, that no app
// has: checking it costs a lookup of the client.
var wrongSecret = func() string {
	s, err := secret.Generate()
	if err != nil {
		panic(err)
	}
	return s.Reveal()
}()

func authenticate(svc *oauthapp.Service, sid, sec string) error {
	_, err := svc.AuthenticateClient(ctx, sid, sec, "")
	return err
}

// TestCacheAnswersAnUnknownClientFromMemory: with WithCache an unknown
// client id, or a deleted app's, is answered without a store read once it
// has been asked for, as a known one is, so that answer times do not tell
// them apart.
func TestCacheAnswersAnUnknownClientFromMemory(t *testing.T) {
	mem := store.NewMemory()
	k := oauthapptest.New(t, oauthapptest.WithStore(mem))
	counted := storetest.NewReadCounter(mem)
	cached := cachedOn(t, k, counted, time.Minute)
	app := k.NewApp(permList)
	sec := k.Secret(app.SID)
	deleted := k.NewApp(permList)
	require.NoError(t, authenticate(cached, deleted.SID, k.Secret(deleted.SID)))
	k.Delete(deleted.SID)

	unknown := oauthapptest.NewSID("OQ")
	for _, sid := range []string{app.SID, unknown, deleted.SID} {
		_ = authenticate(cached, sid, wrongSecret) // the first ask reads the store
	}
	before := counted.Reads()
	for range 3 {
		require.NoError(t, authenticate(cached, app.SID, sec))
		assert.ErrorIs(t, authenticate(cached, app.SID, wrongSecret), oauthapp.ErrInvalidClient)
		assert.ErrorIs(t, authenticate(cached, unknown, wrongSecret), oauthapp.ErrInvalidClient)
		assert.ErrorIs(t, authenticate(cached, deleted.SID, wrongSecret), oauthapp.ErrInvalidClient)
	}
	assert.Equal(t, before, counted.Reads(), "known, unknown and deleted ids are all answered from memory")

	k.Advance(time.Minute)
	assert.ErrorIs(t, authenticate(cached, unknown, wrongSecret), oauthapp.ErrInvalidClient)
	assert.Equal(t, before+1, counted.Reads(), "an unknown id is read again once its entry is maxStale old")
}

// TestCachedMissNeverHidesANewApp: an app created under a SID that a
// cache holds as missing is found at once through the service that
// created it (even on a store without notifications) and through another
// instance that hears the store's notifications; an instance that hears
// none finds it within the cache's bound.
func TestCachedMissNeverHidesANewApp(t *testing.T) {
	const bound = 5 * time.Second
	k := oauthapptest.New(t)
	preset := &presetSIDs{Store: blindStore{k.Store}}
	creator := cachedOn(t, k, preset, bound)           // no notifications: its own create evicts
	listener := cachedOn(t, k, k.Store, bound)         // the memory store's notifications evict
	deaf := cachedOn(t, k, blindStore{k.Store}, bound) // only the bound helps

	sid := oauthapptest.NewSID("OQ")
	for _, svc := range []*oauthapp.Service{creator, listener, deaf} {
		require.ErrorIs(t, authenticate(svc, sid, wrongSecret), oauthapp.ErrInvalidClient) // cached as missing
	}
	preset.set(sid)
	app, sec, err := creator.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	require.Equal(t, sid, app.SID)

	assert.NoError(t, authenticate(creator, sid, sec.Reveal()), "the creating instance")
	assert.NoError(t, authenticate(listener, sid, sec.Reveal()), "an instance that hears notifications")
	k.Advance(bound - time.Nanosecond)
	assert.ErrorIs(t, authenticate(deaf, sid, sec.Reveal()), oauthapp.ErrInvalidClient, "an instance without notifications, inside the bound")
	k.Advance(time.Nanosecond)
	assert.NoError(t, authenticate(deaf, sid, sec.Reveal()), "an instance without notifications, at the bound")
}
