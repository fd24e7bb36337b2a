package oauthapp_test

import (
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnAppsDefaultGraceAppliesToRotationsThatNameNone: an app may carry a
// grace of its own, zero included, used by rotations that name none; a
// rotation's own grace still wins, and ServiceDefault returns the app
// to the service default.
func TestAnAppsDefaultGraceAppliesToRotationsThatNameNone(t *testing.T) {
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithDefaultGrace(2*time.Hour)))
	app, first, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{
		FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}, DefaultGrace: oauthapp.Grace(10 * time.Minute),
	})
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, app.DefaultGrace)

	_, second, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{})
	require.NoError(t, err)
	k.Advance(10*time.Minute - time.Second)
	_, err = k.Service.AuthenticateClient(ctx, app.SID, first.Reveal(), "")
	require.NoError(t, err, "inside the app's grace")
	k.Advance(time.Second)
	_, err = k.Service.AuthenticateClient(ctx, app.SID, first.Reveal(), "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "after the app's grace")

	updated, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{DefaultGrace: oauthapp.Grace(0)})
	require.NoError(t, err)
	assert.Equal(t, time.Duration(0), updated.DefaultGrace)
	_, third, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{})
	require.NoError(t, err)
	_, err = k.Service.AuthenticateClient(ctx, app.SID, second.Reveal(), "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "an app grace of zero stops the replaced secret at once")

	_, _, err = k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(time.Hour)})
	require.NoError(t, err)
	_, err = k.Service.AuthenticateClient(ctx, app.SID, third.Reveal(), "")
	assert.NoError(t, err, "the rotation's own grace wins over the app's")

	back, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{DefaultGrace: oauthapp.Grace(oauthapp.ServiceDefault)})
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, back.DefaultGrace, "back to the service default")
	stored, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.Nil(t, stored.DefaultGrace)

	for _, bad := range []time.Duration{-2, oauthapp.MaxGrace + 1} {
		_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{DefaultGrace: oauthapp.Grace(bad)})
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "%v", bad)
		_, _, err = k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}, DefaultGrace: oauthapp.Grace(bad)})
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "%v", bad)
	}
}

// TestServiceDefaultReturnsAnAppToTheServicesTokenTTL: ServiceDefault is
// the one spelling of "back to the default" for the token lifetime as for
// the grace; a lifetime of zero is no lifetime and is refused, changing
// nothing.
func TestServiceDefaultReturnsAnAppToTheServicesTokenTTL(t *testing.T) {
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithTokenTTL(2*time.Hour)))
	app, sec, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{
		FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}, TokenTTL: 10 * time.Minute,
	})
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, app.TokenTTL)

	_, err = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{TokenTTL: oauthapp.Grace(0)})
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "a lifetime of zero")
	stored, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, stored.TokenTTL, "the refused update changed nothing")

	back, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{TokenTTL: oauthapp.Grace(oauthapp.ServiceDefault)})
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, back.TokenTTL, "back to the service default")
	stored, err = k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.Zero(t, stored.TokenTTL, "stored as no lifetime of its own")
	tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	require.NoError(t, err)
	assert.EqualValues(t, 7200, tok.ExpiresIn)
}
