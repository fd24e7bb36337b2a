package oauthapp_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRevokedTokenFailsUntilItWouldHaveExpired(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	tok, kept := k.Token(app), k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)

	other := k.NewApp(permList)
	otherClient, err := k.Service.AuthenticateClient(ctx, other.SID, k.Secret(other.SID), "")
	require.NoError(t, err)
	assert.ErrorIs(t, k.Service.Revoke(ctx, otherClient, tok), oauthapp.ErrForeignToken, "a client revokes only its own tokens")
	assert.NoError(t, authorize(k, tok, permList))

	require.NoError(t, k.Service.Revoke(ctx, client, tok))
	assert.ErrorIs(t, authorize(k, tok, permList), oauthapp.ErrTokenRevoked)
	assert.NoError(t, authorize(k, kept, permList), "revoking one token leaves the others")
	assert.NoError(t, k.Service.Revoke(ctx, client, "garbage"), "an invalid token needs no revocation")

	k.Advance(time.Hour)
	purged, err := k.Service.Purge(ctx)
	require.NoError(t, err)
	assert.Equal(t, oauthapp.Purged{}, purged, "kept at the token's expiry, for instances whose clocks run behind")
	k.Advance(token.DefaultLeeway)
	purged, err = k.Service.Purge(ctx)
	require.NoError(t, err)
	assert.Equal(t, oauthapp.Purged{Revocations: 1}, purged, "the revocation is dropped once the token has expired by the leeway")
}

func TestIntrospection(t *testing.T) {
	k := oauthapptest.New(t)
	app, other := k.NewApp(permList), k.NewApp(permList)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	tok := k.Token(app)
	id, active, err := k.Service.Introspect(ctx, client, tok)
	require.NoError(t, err)
	assert.True(t, active)
	assert.Equal(t, app.SID, id.AppSID)
	_, active, err = k.Service.Introspect(ctx, client, k.Token(other))
	require.NoError(t, err)
	assert.False(t, active, "another client's token is reported inactive")
	_, active, err = k.Service.Introspect(ctx, client, "not a token")
	require.NoError(t, err)
	assert.False(t, active)
}

func TestBadInputChangesNothing(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	before, _ := k.Store.GetApp(ctx, app.SID)
	long := make([]byte, oauthapp.MaxFriendlyNameLen+1)
	for i := range long {
		long[i] = 'a'
	}
	empty, ctrl, tooLong := "", "bad\x00name", string(long)
	for name, u := range map[string]oauthapp.AppUpdate{
		"empty name":            {FriendlyName: &empty},
		"control character":     {FriendlyName: &ctrl},
		"name too long":         {FriendlyName: &tooLong},
		"malformed permission":  {Permissions: &oauthapp.Permissions{Allow: []string{"/Demo/x"}}},
		"policy allows nothing": {Permissions: &oauthapp.Permissions{}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, u)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
		})
	}
	for _, sid := range []string{"", "OQ", "AC00000000000000000000000000000000", "OQ0000000000000000000000000000000G"} {
		_, err := k.Service.GetApp(ctx, k.Owner, sid)
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, sid)
	}
	after, _ := k.Store.GetApp(ctx, app.SID)
	assert.Equal(t, before, after)
}

func TestListAppsPages(t *testing.T) {
	k := oauthapptest.New(t)
	var want []string
	for range 7 {
		want = append(want, k.NewApp(permList).SID)
	}
	var got []string
	after := ""
	for {
		page, err := k.Service.ListApps(ctx, k.Owner, after, 3)
		require.NoError(t, err)
		for _, a := range page {
			got = append(got, a.SID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].SID
	}
	assert.ElementsMatch(t, want, got)
	assert.IsIncreasing(t, got)
	_, err := k.Service.ListApps(ctx, k.Owner, "", 0)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
}

func TestNewRefusesBadOptions(t *testing.T) {
	st := store.NewMemory()
	keys := oauthapptest.NewKeys(t, token.EdDSA)
	for name, opt := range map[string]oauthapp.Option{
		"nil clock":           oauthapp.WithClock(nil),
		"empty issuer":        oauthapp.WithIssuer(""),
		"no regions":          oauthapp.WithRegions(),
		"repeated region":     oauthapp.WithRegions("us1", "us1"),
		"negative grace":      oauthapp.WithDefaultGrace(-1),
		"grace too long":      oauthapp.WithDefaultGrace(31 * 24 * time.Hour),
		"zero cache bound":    oauthapp.WithCache(0, 10),
		"token TTL too short": oauthapp.WithTokenTTL(time.Second),
		"nil logger":          oauthapp.WithLogger(nil),
		"nil hasher":          oauthapp.WithHasher(nil),
		"16-byte KEK":         oauthapp.WithKeyEncryptionKey(make([]byte, 16)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := oauthapp.New(st, keys, opt)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidOption)
		})
	}
	_, err := oauthapp.New(nil, keys)
	assert.Error(t, err)
	_, err = oauthapp.New(st, nil)
	assert.Error(t, err)
}

func TestNowReadsTheServiceClock(t *testing.T) {
	k := oauthapptest.New(t)
	assert.Equal(t, oauthapptest.Epoch, k.Service.Metadata().Clock())
	k.Advance(90 * time.Second)
	assert.Equal(t, oauthapptest.Epoch.Add(90*time.Second), k.Service.Metadata().Clock())
}

// widestPolicy is the largest allow list R11 permits: MaxPolicyEntries
// permissions, each exactly MaxPermissionLen bytes.
func widestPolicy() []string {
	allow := make([]string, scope.MaxPolicyEntries)
	for i := range allow {
		head := fmt.Sprintf("/demo/messaging/resource-%03d-", i)
		allow[i] = head + strings.Repeat("x", scope.MaxPermissionLen-len(head)-len("/read")) + "/read"
	}
	return allow
}

func TestR11_TheWidestPolicyGetsUsableTokens(t *testing.T) {
	k := oauthapptest.New(t)
	allow := widestPolicy()
	require.Len(t, allow[0], scope.MaxPermissionLen)
	app := k.NewApp(allow...)
	for name, requested := range map[string]string{
		"no scope requested: the whole allow list": "",
		"every permission requested by name":       strings.Join(allow, " "),
	} {
		t.Run(name, func(t *testing.T) {
			tok, err := issue(k, app, requested)
			require.NoError(t, err)
			require.Greater(t, len(tok.AccessToken), token.DefaultMaxSize, "the test must exceed the token package's default limit")
			for _, p := range []string{allow[0], allow[len(allow)-1]} {
				require.NoError(t, authorize(k, tok.AccessToken, p))
			}
			client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
			require.NoError(t, err)
			_, active, err := k.Service.Introspect(ctx, client, tok.AccessToken)
			require.NoError(t, err)
			assert.True(t, active)
		})
	}
}

// TestRevokeReachesATokenNotValidYet: an instance whose clock runs ten
// minutes ahead mints a token this instance does not accept yet. Revoking
// it here must still hold once it would have become valid.
func TestRevokeReachesATokenNotValidYet(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	ahead := k.NewService(oauthapp.WithClock(func() time.Time { return k.Clock.Now().Add(10 * time.Minute) }))
	tok, err := ahead.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID)})
	require.NoError(t, err)
	require.ErrorIs(t, authorize(k, tok.AccessToken, permList), oauthapp.ErrInvalidToken, "not valid yet here")

	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, tok.AccessToken))

	k.Advance(10 * time.Minute)
	assert.ErrorIs(t, authorize(k, tok.AccessToken, permList), oauthapp.ErrTokenRevoked, "valid by now, and revoked")
}
