package oauthapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	permList   = "/demo/messaging/messages/list"
	permRead   = "/demo/messaging/messages/read"
	permCreate = "/demo/messaging/messages/create"
)

var ctx = context.Background()

// issue asks for a token for the app with its current kit secret.
func issue(k *oauthapptest.Kit, app oauthapp.App, scope string) (oauthapp.Token, error) {
	return k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID), Scope: scope})
}

// authorize checks a token for a permission on the kit owner's account.
func authorize(k *oauthapptest.Kit, bearer, permission string) error {
	_, err := k.Service.Authorize(ctx, bearer, oauthapp.Resource{Permission: permission, AccountSID: k.Owner.AccountSID})
	return err
}

func TestR1_OnlyServedRegions(t *testing.T) {
	k := oauthapptest.New(t)
	t.Run("apps are created in us1 by default and tokens carry it", func(t *testing.T) {
		app := k.NewApp(permList)
		assert.Equal(t, "us1", app.Region)
		id, err := k.Service.Authorize(ctx, k.Token(app), oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		assert.Equal(t, "us1", id.Region)
	})
	t.Run("creating an app in another region fails", func(t *testing.T) {
		_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Region: "eu1", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		assert.ErrorIs(t, err, oauthapp.ErrUnsupportedRegion)
	})
	t.Run("a token request in another region fails", func(t *testing.T) {
		app := k.NewApp(permList)
		_, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID), Region: "eu1"})
		assert.ErrorIs(t, err, oauthapp.ErrUnsupportedRegion)
	})
	t.Run("a token of another region is refused", func(t *testing.T) {
		// Two deployments sharing keys and store, serving different regions.
		eu := k.NewService(oauthapp.WithRegions("eu1"))
		euOwner := k.Owner
		app, sec, err := eu.CreateApp(ctx, euOwner, oauthapp.NewApp{FriendlyName: "eu", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		require.NoError(t, err)
		assert.Equal(t, "eu1", app.Region)
		tok, err := eu.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		assert.ErrorIs(t, authorize(k, tok.AccessToken, permList), oauthapp.ErrWrongRegion)
		_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "an eu1 client cannot authenticate in us1")
	})
}

func TestR2_NoPlanOrMetering(t *testing.T) {
	k := oauthapptest.New(t)
	// Any new account, with no set-up of any kind, may create apps and
	// issue as many tokens as it likes.
	for range 3 {
		actor := oauthapptest.NewActor(oauthapp.RoleDeveloper)
		app := k.NewAppFor(actor, permList)
		for range 20 {
			_, err := issue(k, app, "")
			require.NoError(t, err)
		}
	}
}

func TestR3_RolesThatMayManageApps(t *testing.T) {
	k := oauthapptest.New(t)
	account := k.Owner.AccountSID
	allowed := []oauthapp.Role{oauthapp.RoleOwner, oauthapp.RoleAdministrator, oauthapp.RoleDeveloper}
	refused := []oauthapp.Role{oauthapp.RoleBilling, oauthapp.RoleSupport, oauthapp.RoleReadOnly, "api_access_administrator", "Owner", "", "superuser"}
	actorIn := func(role oauthapp.Role) oauthapp.Actor {
		return oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: account, Role: role}
	}
	for _, role := range allowed {
		t.Run(fmt.Sprintf("%s may create, update, rotate and delete", role), func(t *testing.T) {
			a := actorIn(role)
			app, _, err := k.Service.CreateApp(ctx, a, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			require.NoError(t, err)
			name := "renamed"
			_, err = k.Service.UpdateApp(ctx, a, app.SID, oauthapp.AppUpdate{FriendlyName: &name})
			require.NoError(t, err)
			_, _, err = k.Service.RotateSecret(ctx, a, app.SID, oauthapp.Rotation{})
			require.NoError(t, err)
			_, err = k.Service.ListApps(ctx, a, "", 10)
			require.NoError(t, err)
			require.NoError(t, k.Service.DeleteApp(ctx, a, app.SID, 0))
		})
	}
	for _, role := range refused {
		t.Run(fmt.Sprintf("role %q is forbidden and changes nothing", role), func(t *testing.T) {
			app := k.NewApp(permList)
			before, err := k.Store.GetApp(ctx, app.SID)
			require.NoError(t, err)
			a := actorIn(role)
			_, _, err = k.Service.CreateApp(ctx, a, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			assert.ErrorIs(t, err, oauthapp.ErrForbidden)
			_, err = k.Service.GetApp(ctx, a, app.SID)
			assert.ErrorIs(t, err, oauthapp.ErrForbidden)
			name := "hijacked"
			_, err = k.Service.UpdateApp(ctx, a, app.SID, oauthapp.AppUpdate{FriendlyName: &name})
			assert.ErrorIs(t, err, oauthapp.ErrForbidden)
			_, _, err = k.Service.RotateSecret(ctx, a, app.SID, oauthapp.Rotation{})
			assert.ErrorIs(t, err, oauthapp.ErrForbidden)
			assert.ErrorIs(t, k.Service.DeleteApp(ctx, a, app.SID, 0), oauthapp.ErrForbidden)
			after, err := k.Store.GetApp(ctx, app.SID)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
	t.Run("an owner of another account is forbidden and changes nothing", func(t *testing.T) {
		app := k.NewApp(permList)
		before, _ := k.Store.GetApp(ctx, app.SID)
		other := oauthapptest.NewActor(oauthapp.RoleOwner)
		_, err := k.Service.GetApp(ctx, other, app.SID)
		assert.ErrorIs(t, err, oauthapp.ErrForbidden)
		_, _, err = k.Service.RotateSecret(ctx, other, app.SID, oauthapp.Rotation{})
		assert.ErrorIs(t, err, oauthapp.ErrForbidden)
		assert.ErrorIs(t, k.Service.DeleteApp(ctx, other, app.SID, 0), oauthapp.ErrForbidden)
		apps, err := k.Service.ListApps(ctx, other, "", 100)
		require.NoError(t, err)
		assert.Empty(t, apps, "another account lists none of this account's apps")
		after, _ := k.Store.GetApp(ctx, app.SID)
		assert.Equal(t, before, after)
	})
	t.Run("a malformed actor is an invalid argument", func(t *testing.T) {
		_, err := k.Service.ListApps(ctx, oauthapp.Actor{UserSID: "no body", AccountSID: account, Role: oauthapp.RoleOwner}, "", 10)
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
	})
}

func TestR4_TokenLifetime(t *testing.T) {
	t.Run("default token lives 3600 s and expires_in says so", func(t *testing.T) {
		k := oauthapptest.New(t)
		app := k.NewApp(permList)
		tok, err := issue(k, app, "")
		require.NoError(t, err)
		assert.EqualValues(t, 3600, tok.ExpiresIn)
		assert.Equal(t, "Bearer", tok.TokenType)
		k.Advance(3600*time.Second - time.Second)
		require.NoError(t, authorize(k, tok.AccessToken, permList), "valid one second before expiry")
		k.Advance(time.Second)
		err = authorize(k, tok.AccessToken, permList)
		assert.ErrorIs(t, err, oauthapp.ErrInvalidToken)
		assert.ErrorIs(t, err, token.ErrExpired, "fails at 3600 s exactly")
	})
	t.Run("service TTL applies to apps without their own", func(t *testing.T) {
		k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithTokenTTL(10*time.Minute)))
		tok, err := issue(k, k.NewApp(permList), "")
		require.NoError(t, err)
		assert.EqualValues(t, 600, tok.ExpiresIn)
	})
	t.Run("an app's own TTL wins over the service's", func(t *testing.T) {
		k := oauthapptest.New(t)
		app, sec, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "short", TokenTTL: 5 * time.Minute, Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		require.NoError(t, err)
		tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		assert.EqualValues(t, 300, tok.ExpiresIn)
	})
	for _, ttl := range []time.Duration{time.Second, 59 * time.Second, 31 * 24 * time.Hour, -time.Minute} {
		t.Run(fmt.Sprintf("TTL %v is refused", ttl), func(t *testing.T) {
			k := oauthapptest.New(t)
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", TokenTTL: ttl, Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
			_, err = oauthapp.New(k.Store, k.Keys, oauthapp.WithTokenTTL(ttl))
			assert.Error(t, err)
		})
	}
}

func TestR5_NewTokenDoesNotRevokeEarlierOnes(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	first := k.Token(app)
	k.Advance(10 * time.Minute)
	second := k.Token(app)
	require.NotEqual(t, first, second)
	assert.NoError(t, authorize(k, first, permList))
	assert.NoError(t, authorize(k, second, permList))
	k.Advance(50 * time.Minute)
	assert.ErrorIs(t, authorize(k, first, permList), token.ErrExpired, "the first expires on its own schedule")
	assert.NoError(t, authorize(k, second, permList))
}

func TestR6_RemovingTheCreatorChangesNothing(t *testing.T) {
	k := oauthapptest.New(t)
	creator := oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: k.Owner.AccountSID, Role: oauthapp.RoleDeveloper}
	app := k.NewAppFor(creator, permList)
	assert.Equal(t, creator.UserSID, app.CreatedBy)
	// The creator leaves the account: the service keeps no user list, so
	// nothing about the app depends on the creator. Another owner manages
	// it, and its credentials keep working.
	got, err := k.Service.GetApp(ctx, k.Owner, app.SID)
	require.NoError(t, err)
	assert.Equal(t, creator.UserSID, got.CreatedBy)
	tok, err := issue(k, app, permList)
	require.NoError(t, err)
	assert.NoError(t, authorize(k, tok.AccessToken, permList))
}

func TestR7_DeletingAnAppInvalidatesCredentialsAndTokens(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	tok := k.Token(app)
	require.NoError(t, authorize(k, tok, permList))
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))

	err := authorize(k, tok, permList)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken)
	assert.ErrorIs(t, err, oauthapp.ErrAppDeleted)
	_, err = issue(k, app, "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	_, err = k.Service.GetApp(ctx, k.Owner, app.SID)
	assert.ErrorIs(t, err, oauthapp.ErrNotFound)
}

func TestR10_AnAppWorksForItsOwnAccountOnly(t *testing.T) {
	k := oauthapptest.New(t)
	parent := k.Owner
	sub := oauthapptest.NewActor(oauthapp.RoleOwner) // a subaccount is an account of its own
	parentApp := k.NewAppFor(parent, permList)
	subApp := k.NewAppFor(sub, permList)
	on := func(bearer, account string) error {
		_, err := k.Service.Authorize(ctx, bearer, oauthapp.Resource{Permission: permList, AccountSID: account})
		return err
	}
	parentTok, subTok := k.Token(parentApp), k.Token(subApp)
	assert.NoError(t, on(parentTok, parent.AccountSID))
	assert.NoError(t, on(subTok, sub.AccountSID))
	assert.ErrorIs(t, on(parentTok, sub.AccountSID), oauthapp.ErrWrongAccount, "the account's app does not work for its subaccount")
	assert.ErrorIs(t, on(subTok, parent.AccountSID), oauthapp.ErrWrongAccount, "the subaccount's app does not work for its parent")

	id, err := k.Service.Authorize(ctx, subTok, oauthapp.Resource{Permission: permList})
	require.NoError(t, err)
	assert.Equal(t, sub.AccountSID, id.AccountSID, "a route without an account acts on the token's own account")
}

func TestR11_ScopesMapOntoRoutes(t *testing.T) {
	k := oauthapptest.New(t)
	t.Run("a token is narrowed to the requested scope", func(t *testing.T) {
		app := k.NewApp(permList, permRead)
		tok, err := issue(k, app, permRead)
		require.NoError(t, err)
		assert.Equal(t, permRead, tok.Scope)
		assert.NoError(t, authorize(k, tok.AccessToken, permRead))
		var se *oauthapp.ScopeError
		err = authorize(k, tok.AccessToken, permList)
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, oauthapp.ErrInsufficientScope)
		assert.Equal(t, permList, se.Permission)
	})
	t.Run("no requested scope grants the whole policy", func(t *testing.T) {
		app := k.NewApp(permList, permRead)
		tok, err := issue(k, app, "")
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{permList, permRead}, strings.Fields(tok.Scope))
	})
	t.Run("a scope wider than the policy is refused, naming the permission", func(t *testing.T) {
		app := k.NewApp(permList)
		_, err := issue(k, app, permList+" "+permCreate)
		var se *oauthapp.ScopeError
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, oauthapp.ErrInvalidScope)
		assert.Equal(t, permCreate, se.Permission)
	})
	t.Run("a malformed or wildcard scope request is invalid_scope", func(t *testing.T) {
		app := k.NewApp("/demo/messaging/*")
		for _, s := range []string{"/demo/messaging/*", "not-a-permission", "/demo//x/read"} {
			_, err := issue(k, app, s)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidScope, s)
		}
	})
	t.Run("a wildcard grant covers the permissions below it, deny wins", func(t *testing.T) {
		app, sec, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "wild", Permissions: oauthapp.Permissions{
			Allow: []string{"/demo/messaging/*"}, Deny: []string{permCreate},
		}})
		require.NoError(t, err)
		tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
		require.NoError(t, err)
		assert.NoError(t, authorize(k, tok.AccessToken, permList))
		assert.ErrorIs(t, authorize(k, tok.AccessToken, permCreate), oauthapp.ErrInsufficientScope)
		_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal(), Scope: permCreate})
		assert.ErrorIs(t, err, oauthapp.ErrInvalidScope)
	})
	t.Run("narrowing the policy takes effect on tokens already issued", func(t *testing.T) {
		app := k.NewApp(permList, permRead)
		tok := k.Token(app)
		_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{Permissions: &oauthapp.Permissions{Allow: []string{permRead}}})
		require.NoError(t, err)
		assert.ErrorIs(t, authorize(k, tok, permList), oauthapp.ErrInsufficientScope)
		assert.NoError(t, authorize(k, tok, permRead))
	})
	t.Run("a policy of more than 100 entries is refused", func(t *testing.T) {
		allow := make([]string, 101)
		for i := range allow {
			allow[i] = fmt.Sprintf("/demo/p%d/things/read", i)
		}
		_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "big", Permissions: oauthapp.Permissions{Allow: allow}})
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
		_, _, err = k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "ok", Permissions: oauthapp.Permissions{Allow: allow[:100]}})
		assert.NoError(t, err)
	})
}
