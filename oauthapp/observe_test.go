package oauthapp_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spanKey marks the context a hook hands back, as a tracer's span would.
type spanKey struct{}

// recorder keeps everything an Observer is told.
type recorder struct {
	mu      sync.Mutex
	tokens  []oauthapp.TokenOutcome
	authz   []oauthapp.AuthorizationOutcome
	fails   []oauthapp.Reason
	cache   map[oauthapp.CacheName][]bool
	calls   []storeCall
	notices []oauthapp.Notice
}

type storeCall struct {
	method string
	err    error
	// inSpan: the call's context is the one a request hook returned.
	inSpan bool
}

func (r *recorder) observer() oauthapp.Observer {
	r.cache = make(map[oauthapp.CacheName][]bool)
	return oauthapp.Observer{
		TokenRequest: func(ctx context.Context) (context.Context, func(oauthapp.TokenOutcome)) {
			return context.WithValue(ctx, spanKey{}, true), func(o oauthapp.TokenOutcome) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.tokens = append(r.tokens, o)
			}
		},
		Authorization: func(ctx context.Context) (context.Context, func(oauthapp.AuthorizationOutcome)) {
			return context.WithValue(ctx, spanKey{}, true), func(o oauthapp.AuthorizationOutcome) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.authz = append(r.authz, o)
			}
		},
		AuthenticationFailed: func(_ context.Context, reason oauthapp.Reason) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.fails = append(r.fails, reason)
		},
		CacheLookup: func(_ context.Context, c oauthapp.CacheName, hit bool) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.cache[c] = append(r.cache[c], hit)
		},
		StoreCall: func(ctx context.Context, method string) func(error) {
			inSpan := ctx.Value(spanKey{}) != nil
			return func(err error) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.calls = append(r.calls, storeCall{method, err, inSpan})
			}
		},
		Notification: func(n oauthapp.Notice) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.notices = append(r.notices, n)
		},
	}
}

// reset forgets what was recorded so far.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tokens, r.authz, r.fails, r.calls, r.notices = nil, nil, nil, nil, nil
	clear(r.cache)
}

func observed(t *testing.T, opts ...oauthapp.Option) (*oauthapptest.Kit, *recorder) {
	t.Helper()
	rec := &recorder{}
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithObserver(rec.observer()), oauthapp.WithRegions("us1", "eu1")}, opts...)...))
	return k, rec
}

func TestObserver_TokenRequestOutcomes(t *testing.T) {
	k, rec := observed(t)
	app := k.NewApp(permList)
	other := k.NewApp(permList)

	_, err := issue(k, app, permList)
	require.NoError(t, err)
	_, err = issue(k, app, permRead)
	require.ErrorIs(t, err, oauthapp.ErrInvalidScope)
	_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(other.SID)})
	require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID), Region: "ap9"})
	require.ErrorIs(t, err, oauthapp.ErrUnsupportedRegion)

	g := oauthapp.GrantClientCredentials
	assert.Equal(t, []oauthapp.TokenOutcome{
		{Grant: g, AppSID: app.SID},
		{Grant: g, Reason: oauthapp.ReasonInvalidScope, AppSID: app.SID},
		{Grant: g, Reason: oauthapp.ReasonInvalidClient},
		{Grant: g, Reason: oauthapp.ReasonUnsupportedRegion},
	}, rec.tokens, "an app id is reported only for a client that authenticated")
}

func TestObserver_AuthenticationFailureReasons(t *testing.T) {
	audit := &events{}
	k, rec := observed(t, oauthapp.WithAudit(audit.hook))
	app := k.NewApp(permList)
	other := k.NewApp(permList)
	euApp, euSecret, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "eu", Region: "eu1", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	graced := k.NewApp(permList)
	oldSecret := k.Secret(graced.SID)
	k.Rotate(graced.SID, 90*time.Second)
	k.Advance(45 * time.Second)

	for _, tc := range []struct {
		name           string
		id, secret, in string
		want           oauthapp.Reason
	}{
		{"a secret of the wrong shape", app.SID, "not-a-secret", "", oauthapp.ReasonMalformedSecret},
		{"a client id of the wrong shape", "client-1", k.Secret(app.SID), "", oauthapp.ReasonMalformedClientID},
		{"a client id no app has", oauthapptest.NewSID("OQ"), k.Secret(app.SID), "", oauthapp.ReasonUnknownClient},
		{"another app's secret", app.SID, k.Secret(other.SID), "", oauthapp.ReasonWrongSecret},
		{"an app of another region", euApp.SID, euSecret.Reveal(), "us1", oauthapp.ReasonWrongRegion},
		{"a previous secret with under a minute of grace", graced.SID, oldSecret, "", oauthapp.ReasonGraceEnding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec.reset()
			audit.take()
			_, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: tc.id, ClientSecret: tc.secret, Region: tc.in})
			require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			assert.Equal(t, oauthapp.ErrInvalidClient, err, "the bare sentinel, whatever the cause")
			assert.Equal(t, []oauthapp.Reason{tc.want}, rec.fails)
			evs := audit.take()
			require.Len(t, evs, 1)
			assert.Equal(t, tc.want, evs[0].Reason, "the audit event names the cause the observer hears")
		})
	}
	t.Run("AuthenticateClient reports its failures too", func(t *testing.T) {
		rec.reset()
		_, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(other.SID), "")
		require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
		assert.Equal(t, []oauthapp.Reason{oauthapp.ReasonWrongSecret}, rec.fails)
	})
}

func TestObserver_AuthorizationOutcomes(t *testing.T) {
	k, rec := observed(t)
	app := k.NewApp(permList)
	good := k.Token(app)
	revoked := k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, revoked))
	rotated := k.NewApp(permList)
	oldToken := k.Token(rotated)
	k.Rotate(rotated.SID, 0)
	deleted := k.NewApp(permList)
	deletedToken := k.Token(deleted)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, deleted.SID, 0))

	own := k.Owner.AccountSID
	for _, tc := range []struct {
		name   string
		bearer string
		res    oauthapp.Resource
		want   oauthapp.AuthorizationOutcome
	}{
		{"a good token for a covered permission", good, oauthapp.Resource{Permission: permList, AccountSID: own},
			oauthapp.AuthorizationOutcome{Permission: permList, AppSID: app.SID}},
		{"a permission the scope does not cover", good, oauthapp.Resource{Permission: permRead, AccountSID: own},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonInsufficientScope, Permission: permRead}},
		{"another account", good, oauthapp.Resource{Permission: permList, AccountSID: oauthapptest.NewSID("AC")},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonWrongAccount, Permission: permList}},
		{"another region", good, oauthapp.Resource{Permission: permList, Region: "eu1"},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonWrongRegion, Permission: permList}},
		{"not a token", "garbage", oauthapp.Resource{Permission: permList},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonInvalidToken, Permission: permList}},
		{"a revoked token", revoked, oauthapp.Resource{Permission: permList},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonTokenRevoked, Permission: permList}},
		{"a token of a rotated-out secret", oldToken, oauthapp.Resource{Permission: permList},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonSecretInactive, Permission: permList}},
		{"a token of a deleted app", deletedToken, oauthapp.Resource{Permission: permList},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonAppDeleted, Permission: permList}},
		{"a malformed permission", good, oauthapp.Resource{Permission: "Not/A/Permission"},
			oauthapp.AuthorizationOutcome{Reason: oauthapp.ReasonInvalidArgument, Permission: "Not/A/Permission"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec.reset()
			_, err := k.Service.Authorize(ctx, tc.bearer, tc.res)
			assert.Equal(t, tc.want.Reason == "", err == nil, "error: %v", err)
			assert.Equal(t, []oauthapp.AuthorizationOutcome{tc.want}, rec.authz)
		})
	}
}

func TestObserver_StoreCallsCarryTheRequestContext(t *testing.T) {
	k, rec := observed(t)
	app := k.NewApp(permList)
	tok := k.Token(app)
	rec.reset()

	_, err := k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	assert.Equal(t, []storeCall{{"IsTokenRevoked", nil, true}, {"GetApp", nil, true}}, rec.calls,
		"each store read is reported, in the context the Authorization hook returned")

	rec.reset()
	_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: oauthapptest.NewSID("OQ"), ClientSecret: k.Secret(app.SID)})
	require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	require.Len(t, rec.calls, 1)
	assert.Equal(t, "GetApp", rec.calls[0].method)
	assert.ErrorIs(t, rec.calls[0].err, store.ErrNotFound, "the store's error reaches the hook")
	assert.True(t, rec.calls[0].inSpan)

	rec.reset()
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
	assert.Contains(t, rec.calls, storeCall{"DeleteApp", nil, false}, "management calls are timed too")
}

func TestObserver_CacheLookups(t *testing.T) {
	t.Run("without any cache nothing is reported", func(t *testing.T) {
		k, rec := observed(t, oauthapp.WithTokenCache(0, 0))
		tok := k.Token(k.NewApp(permList))
		_, err := k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		assert.Empty(t, rec.cache)
	})
	t.Run("without WithCache only the verified-token cache is reported", func(t *testing.T) {
		k, rec := observed(t)
		tok := k.Token(k.NewApp(permList))
		for range 2 {
			_, err := k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
			require.NoError(t, err)
		}
		assert.Equal(t, map[oauthapp.CacheName][]bool{oauthapp.CacheTokens: {false, true}}, rec.cache,
			"the token is verified on its first use and found on its second")
	})
	t.Run("with a cache the first lookup misses and the next hits", func(t *testing.T) {
		k, rec := observed(t, oauthapp.WithCache(time.Minute, 0))
		app := k.NewApp(permList)
		tok := k.Token(app) // reads the app: a miss
		for range 2 {
			_, err := k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
			require.NoError(t, err)
		}
		assert.Equal(t, []bool{false, true, true}, rec.cache[oauthapp.CacheApps])
		assert.Equal(t, []bool{false, true}, rec.cache[oauthapp.CacheRevocations])
		assert.Equal(t, []bool{false, true}, rec.cache[oauthapp.CacheTokens])
	})
}

func TestObserver_NotificationLag(t *testing.T) {
	clock := oauthapptest.NewClock(oauthapptest.Epoch)
	rec := &recorder{}
	st := &storetest.Lagged{Capable: store.NewMemory(), Now: clock.Now, Lag: 1500 * time.Millisecond}
	k := oauthapptest.New(t, oauthapptest.WithStore(st), oauthapptest.WithClock(clock),
		oauthapptest.WithServiceOptions(oauthapp.WithCache(time.Minute, 0), oauthapp.WithObserver(rec.observer())))
	k.Delete(k.NewApp(permList).SID)

	// The creation and the deletion, each with the store's lag.
	lagged := oauthapp.Notice{Kind: store.AppChanged, Lag: 1500 * time.Millisecond, LagKnown: true}
	assert.Equal(t, []oauthapp.Notice{lagged, lagged}, rec.notices)

	t.Run("a store that does not stamp its changes gives no lag", func(t *testing.T) {
		rec := &recorder{}
		k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithCache(time.Minute, 0), oauthapp.WithObserver(rec.observer())))
		defer k.Service.Close()
		app := k.NewApp(permList)
		require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))
		// The creation and the deletion, neither with a lag.
		assert.Equal(t, []oauthapp.Notice{{Kind: store.AppChanged}, {Kind: store.AppChanged}}, rec.notices)
	})
}

func TestObserver_HooksMayReturnNoContextAndNoDoneFunction(t *testing.T) {
	quiet := func(context.Context) (context.Context, func(oauthapp.TokenOutcome)) { return nil, nil }
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithObserver(oauthapp.Observer{
		TokenRequest:  quiet,
		Authorization: func(context.Context) (context.Context, func(oauthapp.AuthorizationOutcome)) { return nil, nil },
		StoreCall:     func(context.Context, string) func(error) { return nil },
	})))
	tok := k.Token(k.NewApp(permList))
	_, err := k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	assert.NoError(t, err)
	_, err = k.Service.Authorize(ctx, "garbage", oauthapp.Resource{Permission: permList})
	assert.True(t, errors.Is(err, oauthapp.ErrInvalidToken))
}

// ExampleObserver counts failed client authentications by reason, as a
// metrics library would.
func ExampleObserver() {
	failures := map[oauthapp.Reason]int{}
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithObserver(oauthapp.Observer{
		AuthenticationFailed: func(_ context.Context, reason oauthapp.Reason) { failures[reason]++ },
	}))
	if err != nil {
		panic(err)
	}
	_, err = svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: oauthapptest.NewSID("OQ"), ClientSecret: "not a secret"})
	fmt.Println(errors.Is(err, oauthapp.ErrInvalidClient), failures)
	// Output: true map[malformed_secret:1]
}
