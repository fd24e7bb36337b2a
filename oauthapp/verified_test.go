package oauthapp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
)

// tokenRig is a service whose verified-token cache is on (the default),
// with an observer that records its lookups, and a token of one of its
// apps signed by a verify-only key of its set, which a case may remove.
type tokenRig struct {
	k       *oauthapptest.Kit
	rec     *recorder
	app     oauthapp.App
	tok     string
	oldKey  *token.Key
	expires time.Time
}

func newTokenRig(t *testing.T, opts ...oauthapp.Option) *tokenRig {
	t.Helper()
	old, err := token.GenerateKey(token.EdDSA)
	require.NoError(t, err)
	signing, err := token.GenerateKey(token.EdDSA)
	require.NoError(t, err)
	keys, err := token.NewKeySet(signing, old)
	require.NoError(t, err)
	issuing, err := token.NewKeySet(old)
	require.NoError(t, err)

	rec := &recorder{}
	k := oauthapptest.New(t, oauthapptest.WithKeys(keys),
		oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithObserver(rec.observer())}, opts...)...))
	// Another instance, on the same store and clock, still signs with
	// the key this one only verifies.
	issuer := oauthapptest.New(t, oauthapptest.WithStore(k.Store), oauthapptest.WithClock(k.Clock), oauthapptest.WithKeys(issuing))
	app := k.NewApp(permList, permRead)
	tok, err := issuer.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID)})
	require.NoError(t, err)
	r := &tokenRig{k: k, rec: rec, app: app, tok: tok.AccessToken, oldKey: old}
	id := r.mustFindInCache(t)
	r.expires = id.ExpiresAt
	return r
}

// authorize checks the rig's token for permList on the owner's account
// and reports whether the token cache found it.
func (r *tokenRig) authorize() (oauthapp.Identity, bool, error) {
	r.rec.reset()
	id, err := r.k.Service.Authorize(ctx, r.tok, oauthapp.Resource{Permission: permList, AccountSID: r.k.Owner.AccountSID})
	r.rec.mu.Lock()
	defer r.rec.mu.Unlock()
	hits := r.rec.cache[oauthapp.CacheTokens]
	return id, len(hits) == 1 && hits[0], err
}

// mustFindInCache authorizes the token until the cache serves it, which
// must be by the second request.
func (r *tokenRig) mustFindInCache(t *testing.T) oauthapp.Identity {
	t.Helper()
	_, _, err := r.authorize()
	require.NoError(t, err, "first use: verified")
	id, hit, err := r.authorize()
	require.NoError(t, err, "second use")
	require.True(t, hit, "the second use of the same token is served by the token cache")
	return id
}

func TestCachedTokenStopsWorkingOnTheNextRequest(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, r *tokenRig)
		want   error
	}{
		{"when its app is deleted", func(t *testing.T, r *tokenRig) {
			r.k.Delete(r.app.SID)
		}, oauthapp.ErrAppDeleted},
		{"when its secret is rotated with grace 0", func(t *testing.T, r *tokenRig) {
			r.k.Rotate(r.app.SID, 0)
		}, oauthapp.ErrSecretInactive},
		{"when it is revoked", func(t *testing.T, r *tokenRig) {
			client, err := r.k.Service.AuthenticateClient(ctx, r.app.SID, r.k.Secret(r.app.SID), "")
			require.NoError(t, err)
			require.NoError(t, r.k.Service.Revoke(ctx, client, r.tok))
		}, oauthapp.ErrTokenRevoked},
		{"when its app's policy no longer grants the permission", func(t *testing.T, r *tokenRig) {
			_, err := r.k.Service.UpdateApp(ctx, r.k.Owner, r.app.SID, oauthapp.AppUpdate{Permissions: &oauthapp.Permissions{Allow: []string{permRead}}})
			require.NoError(t, err)
		}, oauthapp.ErrInsufficientScope},
		{"when its signing key leaves the key set", func(t *testing.T, r *tokenRig) {
			require.NoError(t, r.k.Keys.Remove(r.oldKey.ID()))
		}, token.ErrUnknownKey},
		{"at its exp to the nanosecond", func(t *testing.T, r *tokenRig) {
			r.k.Clock.Set(r.expires.Add(-time.Nanosecond))
			_, hit, err := r.authorize()
			require.NoError(t, err, "a nanosecond before its exp")
			require.True(t, hit, "a nanosecond before its exp the cache still serves it")
			r.k.Advance(time.Nanosecond)
		}, token.ErrExpired},
	}
	for _, mode := range []struct {
		name string
		opts []oauthapp.Option
	}{
		{"reading the store", nil},
		{"with the app cache", []oauthapp.Option{oauthapp.WithCache(time.Minute, 0)}},
	} {
		for _, tc := range cases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				r := newTokenRig(t, mode.opts...)
				tc.change(t, r)
				_, _, err := r.authorize()
				require.ErrorIs(t, err, tc.want)
				require.ErrorIs(t, err, errorClass(tc.want))
			})
		}
	}
}

// errorClass is what every refusal of the kind of want also is: an
// invalid token, save a permission the token lacks.
func errorClass(want error) error {
	if want == oauthapp.ErrInsufficientScope {
		return oauthapp.ErrInsufficientScope
	}
	return oauthapp.ErrInvalidToken
}

func TestTokenCacheServesOnlyTheExactBytes(t *testing.T) {
	r := newTokenRig(t)
	dot := strings.LastIndexByte(r.tok, '.')
	sig := []byte(r.tok[dot+1:])
	sig[0] ^= 1 // another base64url letter
	for name, bearer := range map[string]string{
		"another signature": r.tok[:dot+1] + string(sig),
		"no signature":      r.tok[:dot+1],
		"a trailing byte":   r.tok + "A",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := r.k.Service.Authorize(ctx, bearer, oauthapp.Resource{Permission: permList})
			require.ErrorIs(t, err, oauthapp.ErrInvalidToken)
		})
	}
	_, hit, err := r.authorize()
	require.NoError(t, err)
	require.True(t, hit, "the genuine token is still found")
}

func TestTokenCacheOffVerifiesEveryRequest(t *testing.T) {
	r := &recorder{}
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithTokenCache(0, 0), oauthapp.WithObserver(r.observer())))
	tok := k.Token(k.NewApp(permList))
	for range 2 {
		require.NoError(t, authorize(k, tok, permList))
	}
	assert.Empty(t, r.cache[oauthapp.CacheTokens], "no cache, no lookup")
}

func TestFullTokenCacheVerifiesAndDoesNotStore(t *testing.T) {
	rec := &recorder{}
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithTokenCache(2, 1<<20), oauthapp.WithObserver(rec.observer())))
	app := k.NewApp(permList)
	hitsOf := func(tok string) []bool {
		rec.reset()
		for range 2 {
			require.NoError(t, authorize(k, tok, permList))
		}
		return rec.cache[oauthapp.CacheTokens]
	}
	first, second := k.Token(app), k.Token(app)
	require.Equal(t, []bool{false, true}, hitsOf(first))
	require.Equal(t, []bool{false, true}, hitsOf(second))

	k.Advance(30 * time.Minute)
	third := k.Token(app)
	assert.Equal(t, []bool{false, false}, hitsOf(third), "no room: verified on every use, and allowed")
	assert.Equal(t, []bool{true, true}, hitsOf(first), "what it holds stays")
	rec.reset()
	require.ErrorIs(t, authorize(k, third+"A", permList), oauthapp.ErrInvalidToken, "a full cache still refuses a bad token")

	k.Advance(30 * time.Minute) // the first two expire, the third lives
	require.ErrorIs(t, authorize(k, first, permList), token.ErrExpired)
	assert.Equal(t, []bool{false, true}, hitsOf(third), "expired entries make room")
}

func TestTokenCacheRefusesWhatTheValidatorRefuses(t *testing.T) {
	t.Run("a clock stepped back before the token was issued", func(t *testing.T) {
		r := newTokenRig(t)
		r.k.Clock.Set(oauthapptest.Epoch.Add(-time.Hour))
		_, hit, err := r.authorize()
		require.ErrorIs(t, err, token.ErrNotYetValid)
		require.False(t, hit, "an entry is not served before it was verified")
	})
	t.Run("a token for another audience", func(t *testing.T) {
		r := newTokenRig(t)
		_, err := r.k.Service.Authorize(ctx, r.tok, oauthapp.Resource{Permission: permList, Audience: "https://other.example"})
		require.ErrorIs(t, err, oauthapp.ErrWrongAudience)
	})
	t.Run("another account's resource", func(t *testing.T) {
		r := newTokenRig(t)
		_, err := r.k.Service.Authorize(ctx, r.tok, oauthapp.Resource{Permission: permList, AccountSID: oauthapptest.NewActor(oauthapp.RoleOwner).AccountSID})
		require.ErrorIs(t, err, oauthapp.ErrWrongAccount)
	})
	t.Run("another region's resource", func(t *testing.T) {
		r := newTokenRig(t)
		_, err := r.k.Service.Authorize(ctx, r.tok, oauthapp.Resource{Permission: permList, Region: "eu1"})
		require.ErrorIs(t, err, oauthapp.ErrWrongRegion)
	})
}

func TestAnIdentityChangedByTheHostDoesNotChangeTheCache(t *testing.T) {
	r := newTokenRig(t)
	id, _, err := r.authorize()
	require.NoError(t, err)
	want := append([]string(nil), id.Audience...)
	id.Audience[0] = "https://changed.example"
	again, hit, err := r.authorize()
	require.NoError(t, err)
	require.True(t, hit)
	assert.Equal(t, want, again.Audience)
}

func TestWithTokenCacheRefusesBadSizes(t *testing.T) {
	for _, c := range []struct{ entries, bytes int }{{-1, 1 << 20}, {10, -1}, {0, 1 << 20}, {10, 0}} {
		_, err := oauthapp.New(oauthapptest.New(t).Store, oauthapptest.NewKeys(t, token.EdDSA), oauthapp.WithTokenCache(c.entries, c.bytes))
		assert.ErrorIs(t, err, oauthapp.ErrInvalidOption, "WithTokenCache(%d, %d)", c.entries, c.bytes)
	}
}
