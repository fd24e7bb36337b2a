package oauthapp_test

import (
	"context"
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

func TestR8_PreviousSecretWorksForGracePeriod(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	old := k.Secret(app.SID)
	fresh := k.Rotate(app.SID, oauthapp.DefaultGrace)
	auth := func(sec string) error {
		_, err := k.Service.AuthenticateClient(ctx, app.SID, sec, "")
		return err
	}
	require.NoError(t, auth(old), "old secret works right after rotation")
	require.NoError(t, auth(fresh))
	k.Advance(24*time.Hour - time.Nanosecond)
	require.NoError(t, auth(old), "old secret works at grace - 1ns")
	k.Advance(time.Nanosecond)
	assert.ErrorIs(t, auth(old), oauthapp.ErrInvalidClient, "old secret fails at 24 h exactly")
	assert.NoError(t, auth(fresh))

	t.Run("a rotation may set its own grace", func(t *testing.T) {
		app := k.NewApp(permList)
		old := k.Secret(app.SID)
		k.Rotate(app.SID, time.Hour)
		k.Advance(time.Hour - time.Nanosecond)
		_, err := k.Service.AuthenticateClient(ctx, app.SID, old, "")
		require.NoError(t, err)
		k.Advance(time.Nanosecond)
		_, err = k.Service.AuthenticateClient(ctx, app.SID, old, "")
		assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	})
	t.Run("the service default grace is configurable", func(t *testing.T) {
		k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithDefaultGrace(2*time.Hour)))
		app := k.NewApp(permList)
		old := k.Secret(app.SID)
		_, _, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{})
		require.NoError(t, err)
		k.Advance(2*time.Hour - time.Nanosecond)
		_, err = k.Service.AuthenticateClient(ctx, app.SID, old, "")
		require.NoError(t, err)
		k.Advance(time.Nanosecond)
		_, err = k.Service.AuthenticateClient(ctx, app.SID, old, "")
		assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	})
	t.Run("grace outside 0..30 days is refused and changes nothing", func(t *testing.T) {
		app := k.NewApp(permList)
		before, _ := k.Store.GetApp(ctx, app.SID)
		for _, g := range []time.Duration{-time.Nanosecond, 30*24*time.Hour + time.Nanosecond} {
			_, _, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(g)})
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
		}
		after, _ := k.Store.GetApp(ctx, app.SID)
		assert.Equal(t, before, after)
	})
}

func TestR9_AtMostTwoSecretsAndRotatingInsideGraceKillsTheOldest(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	first := k.Secret(app.SID)
	firstTok := k.Token(app)
	second := k.Rotate(app.SID, oauthapp.DefaultGrace)
	secondTok := k.Token(app)
	k.Advance(30 * time.Minute) // well inside the first grace and the tokens' lifetime
	third := k.Rotate(app.SID, oauthapp.DefaultGrace)

	works := func(sec string) bool {
		_, err := k.Service.AuthenticateClient(ctx, app.SID, sec, "")
		return err == nil
	}
	assert.False(t, works(first), "the oldest secret dies at once")
	assert.True(t, works(second), "the replaced current secret enters its grace")
	assert.True(t, works(third))
	assert.ErrorIs(t, authorize(k, firstTok, permList), oauthapp.ErrSecretInactive, "tokens of the dead secret die with it")
	assert.NoError(t, authorize(k, secondTok, permList))

	got, err := k.Service.GetApp(ctx, k.Owner, app.SID)
	require.NoError(t, err)
	require.Len(t, got.Secrets, 2)
	assert.True(t, got.Secrets[0].Current)
	assert.Equal(t, k.Clock.Now().Add(oauthapp.DefaultGrace), got.Secrets[1].Expires, "the previous secret gets a fresh grace")
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

func TestGraceZeroKillsPreviousSecretAndItsTokens(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	old := k.Secret(app.SID)
	oldTok := k.Token(app)
	k.Rotate(app.SID, 0)
	_, err := k.Service.AuthenticateClient(ctx, app.SID, old, "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	err = authorize(k, oldTok, permList)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken)
	assert.ErrorIs(t, err, oauthapp.ErrSecretInactive)
	assert.NoError(t, authorize(k, k.Token(app), permList), "the new secret's tokens work")
}

func TestSecretsAreShownOnceAndStoredAsHashes(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	sec := k.Secret(app.SID)
	rec, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%+v", rec), sec, "the store holds no secret")
	assert.NotContains(t, fmt.Sprintf("%+v", app), sec, "the app view holds no secret")
	got, err := k.Service.GetApp(ctx, k.Owner, app.SID)
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%+v", got), sec)
}

func TestSecretMetadata(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	require.Len(t, app.Secrets, 1)
	s := app.Secrets[0]
	assert.True(t, s.Current)
	assert.NotEmpty(t, s.ID)
	assert.Equal(t, oauthapptest.Epoch, s.Created)
	assert.True(t, s.Expires.IsZero())
	assert.True(t, s.LastUsed.IsZero(), "never used yet")

	k.Advance(time.Minute)
	k.Token(app)
	got, _ := k.Service.GetApp(ctx, k.Owner, app.SID)
	assert.Equal(t, k.Clock.Now(), got.Secrets[0].LastUsed, "last used is recorded")
	used := k.Clock.Now()
	k.Advance(30 * time.Second)
	k.Token(app)
	got, _ = k.Service.GetApp(ctx, k.Owner, app.SID)
	assert.Equal(t, used, got.Secrets[0].LastUsed, "last used has a resolution of one minute")
	assert.Equal(t, app.Version, got.Version, "recording use is not a change of the app")
}

func TestAuthenticationFailuresLookTheSame(t *testing.T) {
	var events []oauthapp.Event
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) { events = append(events, e) })))
	app := k.NewApp(permList)
	deleted := k.NewApp(permList)
	deletedSecret := k.Secret(deleted.SID)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, deleted.SID, 0))
	rotated := k.NewApp(permList)
	expired := k.Secret(rotated.SID)
	k.Rotate(rotated.SID, time.Minute)
	k.Advance(time.Minute)
	otherApp := k.NewApp(permList)

	cases := []struct{ name, id, secret, reason string }{
		{"unknown client", oauthapptest.NewSID("OQ"), k.Secret(app.SID), "unknown client"},
		{"wrong secret", app.SID, k.Secret(otherApp.SID), "wrong or expired secret"},
		{"expired previous secret", rotated.SID, expired, "wrong or expired secret"},
		{"deleted app", deleted.SID, deletedSecret, "unknown client"},
		{"malformed client id", "client", k.Secret(app.SID), "malformed client id"},
		{"malformed secret", app.SID, "hunter2", "malformed secret"},
		{"empty credentials", "", "", "malformed secret"},
	}
	var messages []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events = nil
			_, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: c.id, ClientSecret: c.secret})
			require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			messages = append(messages, err.Error())
			require.Len(t, events, 1)
			assert.Equal(t, oauthapp.EventAuthenticationFail, events[0].Kind)
			assert.Equal(t, c.reason, events[0].Reason, "the audit hook is told why")
			if c.secret != "" {
				assert.NotContains(t, fmt.Sprintf("%+v", events[0]), c.secret)
				assert.NotContains(t, err.Error(), c.secret)
			}
		})
	}
	for _, m := range messages {
		assert.Equal(t, messages[0], m, "the caller cannot tell the failures apart")
	}
}

func TestAuditEvents(t *testing.T) {
	var events []oauthapp.Event
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) { events = append(events, e) })))
	app := k.NewApp(permList)
	sec := k.Secret(app.SID)
	tok := k.Token(app)
	name := "renamed"
	_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &name})
	require.NoError(t, err)
	newSec := k.Rotate(app.SID, time.Hour)
	assert.ErrorIs(t, authorize(k, tok, permCreate), oauthapp.ErrInsufficientScope)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))

	var kinds []oauthapp.EventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
		assert.Equal(t, app.SID, e.AppSID, e.Kind)
		assert.Equal(t, k.Owner.AccountSID, e.AccountSID, e.Kind)
		assert.False(t, e.Time.IsZero(), e.Kind)
		dump := fmt.Sprintf("%+v", e)
		assert.NotContains(t, dump, sec)
		assert.NotContains(t, dump, newSec)
		assert.NotContains(t, dump, tok)
	}
	assert.Equal(t, []oauthapp.EventKind{
		oauthapp.EventAppCreated, oauthapp.EventTokenIssued, oauthapp.EventAppUpdated,
		oauthapp.EventSecretRotated, oauthapp.EventAuthorizationDenied, oauthapp.EventAppDeleted,
	}, kinds)
	assert.Equal(t, k.Owner, events[0].Actor, "management events name the actor")
	assert.Equal(t, permCreate, events[4].Scope, "a denial names the permission")
}

// TestClientIsProofOfAuthentication: only AuthenticateClient makes a
// Client, with the app's details; a Client nobody authenticated (the zero
// value, the only one code outside the package can write) revokes and
// introspects nothing.
func TestClientIsProofOfAuthentication(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	tok := k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	assert.Equal(t, app.SID, client.AppSID())
	assert.Equal(t, app.AccountSID, client.AccountSID())
	assert.Equal(t, oauthapp.DefaultRegion, client.Region())
	assert.NotEmpty(t, client.SecretID())

	var forged oauthapp.Client
	assert.ErrorIs(t, k.Service.Revoke(ctx, forged, tok), oauthapp.ErrInvalidClient)
	_, active, err := k.Service.Introspect(ctx, forged, tok)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	assert.False(t, active)
	assert.NoError(t, authorize(k, tok, permList), "the token stays valid")
}

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
