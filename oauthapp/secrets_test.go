package oauthapp_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

	cases := []struct {
		name, id, secret string
		reason           oauthapp.Reason
	}{
		{"unknown client", oauthapptest.NewSID("OQ"), k.Secret(app.SID), oauthapp.ReasonUnknownClient},
		{"wrong secret", app.SID, k.Secret(otherApp.SID), oauthapp.ReasonWrongSecret},
		{"expired previous secret", rotated.SID, expired, oauthapp.ReasonWrongSecret},
		{"deleted app", deleted.SID, deletedSecret, oauthapp.ReasonUnknownClient},
		{"malformed client id", "client", k.Secret(app.SID), oauthapp.ReasonMalformedClientID},
		{"malformed secret", app.SID, "hunter2", oauthapp.ReasonMalformedSecret},
		{"empty credentials", "", "", oauthapp.ReasonMalformedSecret},
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
