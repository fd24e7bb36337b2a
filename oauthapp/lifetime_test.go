package oauthapp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTokenOfThePreviousSecretEndsWithItsGrace: Authorize refuses a token
// once the secret that obtained it stops working, so a token obtained with
// the previous secret during its grace must not claim a longer life.
func TestTokenOfThePreviousSecretEndsWithItsGrace(t *testing.T) {
	// rotated returns a kit whose app's secret was rotated at the kit's
	// epoch plus offset with the given grace, the previous secret, and the
	// end of its grace.
	rotated := func(t *testing.T, offset, grace time.Duration, opts ...oauthapp.Option) (*oauthapptest.Kit, oauthapp.App, string, time.Time) {
		t.Helper()
		k := oauthapptest.New(t, oauthapptest.WithServiceOptions(opts...))
		k.Advance(offset)
		app := k.NewApp(permList)
		old := k.Secret(app.SID)
		k.Rotate(app.SID, grace)
		return k, app, old, k.Clock.Now().Add(grace)
	}
	issueWith := func(k *oauthapptest.Kit, app oauthapp.App, sec string) (oauthapp.Token, error) {
		return k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec})
	}

	t.Run("previous secret 30 minutes before its grace ends gets expires_in 1800 and exp at the grace end", func(t *testing.T) {
		k, app, old, end := rotated(t, 0, oauthapp.DefaultGrace)
		k.Clock.Set(end.Add(-30 * time.Minute))
		tok, err := issueWith(k, app, old)
		require.NoError(t, err)
		assert.EqualValues(t, 1800, tok.ExpiresIn)
		assert.Equal(t, end, tok.ExpiresAt)
		id, err := k.Service.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permList})
		require.NoError(t, err)
		assert.Equal(t, end, id.ExpiresAt, "exp in the JWT")

		k.Clock.Set(end.Add(-time.Second))
		require.NoError(t, authorize(k, tok.AccessToken, permList), "works until the grace ends")
		k.Clock.Set(end)
		err = authorize(k, tok.AccessToken, permList)
		assert.ErrorIs(t, err, oauthapp.ErrInvalidToken)
		assert.ErrorIs(t, err, token.ErrExpired, "fails at its own exp, the end of the grace")
	})
	t.Run("current secret keeps the full TTL at the same moment", func(t *testing.T) {
		k, app, _, end := rotated(t, 0, oauthapp.DefaultGrace)
		k.Clock.Set(end.Add(-30 * time.Minute))
		tok, err := issue(k, app, "") // the kit's secret is the new current one
		require.NoError(t, err)
		assert.EqualValues(t, 3600, tok.ExpiresIn)
		assert.Equal(t, k.Clock.Now().Add(time.Hour), tok.ExpiresAt)
		k.Advance(time.Hour - time.Second)
		assert.NoError(t, authorize(k, tok.AccessToken, permList), "lives its whole hour, past the old secret's grace")
	})
	t.Run("previous secret with more grace left than the TTL keeps the full TTL", func(t *testing.T) {
		k, app, old, _ := rotated(t, 0, oauthapp.DefaultGrace)
		k.Advance(time.Hour)
		tok, err := issueWith(k, app, old)
		require.NoError(t, err)
		assert.EqualValues(t, 3600, tok.ExpiresIn)
	})
	t.Run("an app TTL shorter than the grace left is kept", func(t *testing.T) {
		k, app, old, end := rotated(t, 0, oauthapp.DefaultGrace)
		short := 5 * time.Minute
		_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{TokenTTL: &short})
		require.NoError(t, err)
		k.Clock.Set(end.Add(-30 * time.Minute))
		tok, err := issueWith(k, app, old)
		require.NoError(t, err)
		assert.EqualValues(t, 300, tok.ExpiresIn)
	})
	t.Run("grace ending between whole seconds caps exp at the whole second before", func(t *testing.T) {
		k, app, old, end := rotated(t, 500*time.Millisecond, time.Hour)
		k.Clock.Set(end.Add(-30 * time.Minute)) // also half past a second
		tok, err := issueWith(k, app, old)
		require.NoError(t, err)
		assert.EqualValues(t, 1800, tok.ExpiresIn)
		assert.Equal(t, end.Truncate(time.Second), tok.ExpiresAt)
		assert.False(t, tok.ExpiresAt.After(end), "never outlives the secret")
	})
	t.Run("previous secret with exactly a minute left gets a one-minute token", func(t *testing.T) {
		k, app, old, end := rotated(t, 0, oauthapp.DefaultGrace)
		k.Clock.Set(end.Add(-token.MinTTL))
		tok, err := issueWith(k, app, old)
		require.NoError(t, err)
		assert.EqualValues(t, 60, tok.ExpiresIn)
		assert.Equal(t, end, tok.ExpiresAt)
	})
	t.Run("previous secret with under a minute left is refused as if its grace were over", func(t *testing.T) {
		var events []oauthapp.Event
		k, app, old, end := rotated(t, 0, oauthapp.DefaultGrace, oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) { events = append(events, e) }))
		for _, left := range []time.Duration{token.MinTTL - time.Second, time.Second, time.Nanosecond} {
			k.Clock.Set(end.Add(-left))
			events = nil
			_, err := issueWith(k, app, old)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "%v left", left)
			require.Len(t, events, 1)
			assert.Equal(t, oauthapp.EventAuthenticationFail, events[0].Kind)
			assert.Equal(t, oauthapp.ReasonGraceEnding, events[0].Reason)
			assert.True(t, strings.Contains(events[0].Detail, "less than a minute of grace left"), events[0].Detail)

			_, err = k.Service.AuthenticateClient(ctx, app.SID, old, "")
			assert.NoError(t, err, "the secret itself still authenticates until its grace ends")
			tok, err := issue(k, app, "")
			require.NoError(t, err, "the current secret gets a token")
			assert.EqualValues(t, 3600, tok.ExpiresIn)
		}
	})
}
