package oauthapp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sync"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConditionalChangesNeedTheVersionTheyRead: an update or rotation
// with IfVersion is made only on that version of the app; on any other it
// is ErrVersionMismatch, changes nothing and emits no event.
func TestConditionalChangesNeedTheVersionTheyRead(t *testing.T) {
	var events []oauthapp.Event
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) { events = append(events, e) })))
	app := k.NewApp(permList)
	name := "renamed"

	stale := app.Version
	updated, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &name, IfVersion: stale})
	require.NoError(t, err, "the version read is current")
	assert.Equal(t, stale+1, updated.Version)

	before, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	events = nil
	other := "other"
	_, err = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &other, IfVersion: stale})
	assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch, "update on a stale version")
	_, _, err = k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{IfVersion: stale})
	assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch, "rotation on a stale version")
	after, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.Equal(t, before, after, "refused calls change nothing")
	assert.Empty(t, events, "refused calls emit no event")

	rotated, _, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{IfVersion: updated.Version})
	require.NoError(t, err, "rotation on the current version")
	assert.Equal(t, updated.Version+1, rotated.Version)

	t.Run("the actor is checked before the version", func(t *testing.T) {
		_, err := k.Service.UpdateApp(ctx, oauthapptest.NewActor(oauthapp.RoleOwner), app.SID, oauthapp.AppUpdate{FriendlyName: &name, IfVersion: stale})
		assert.ErrorIs(t, err, oauthapp.ErrForbidden)
	})
	t.Run("the version is checked before the input", func(t *testing.T) {
		empty := ""
		_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &empty, IfVersion: stale})
		assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch)
	})
}

// TestOneOfTwoConcurrentConditionalUpdatesWins: two updates made at once
// from the same read: exactly one is applied, the other is
// ErrVersionMismatch, and the app holds the winner's change.
func TestOneOfTwoConcurrentConditionalUpdatesWins(t *testing.T) {
	k := oauthapptest.New(t)
	for range 50 {
		app := k.NewApp(permList)
		names := []string{"first", "second"}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &names[i], IfVersion: app.Version})
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, won, "both updates were applied")
				won = i
				continue
			}
			require.ErrorIs(t, err, oauthapp.ErrVersionMismatch)
		}
		require.NotEqual(t, -1, won, "neither update was applied")
		got, err := k.Service.GetApp(ctx, k.Owner, app.SID)
		require.NoError(t, err)
		assert.Equal(t, names[won], got.FriendlyName)
		assert.Equal(t, app.Version+1, got.Version)
	}
}

// newKeyPEM returns a fresh Ed25519 public key as PEM.
func newKeyPEM(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestConditionalDeleteAndKeyChangesNeedTheVersionTheyRead: a delete, a
// key addition and a key removal with a version are made only on that
// version of the app; on any other they are ErrVersionMismatch and change
// nothing.
func TestConditionalDeleteAndKeyChangesNeedTheVersionTheyRead(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	stale := app.Version
	withKey, err := k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{ID: "a", PublicKeyPEM: newKeyPEM(t)}, stale)
	require.NoError(t, err, "a key added at the version read")
	before, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)

	_, err = k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{ID: "b", PublicKeyPEM: newKeyPEM(t)}, stale)
	assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch, "key added at a stale version")
	_, err = k.Service.RemoveClientKey(ctx, k.Owner, app.SID, "a", stale)
	assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch, "key removed at a stale version")
	assert.ErrorIs(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, stale), oauthapp.ErrVersionMismatch, "delete at a stale version")
	assert.ErrorIs(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, -1), oauthapp.ErrVersionMismatch, "delete at no version")
	after, err := k.Store.GetApp(ctx, app.SID)
	require.NoError(t, err)
	assert.Equal(t, before, after, "refused calls change nothing")

	removed, err := k.Service.RemoveClientKey(ctx, k.Owner, app.SID, "a", withKey.Version)
	require.NoError(t, err, "a key removed at the current version")
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, removed.Version), "delete at the current version")
	_, err = k.Store.GetApp(ctx, app.SID)
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// TestConditionalDeleteRacingAnUpdateDeletesOnlyTheVersionItNamed: a
// delete conditional on the version read races an update of it: either
// the delete is refused and the update kept, or the update lost and the
// app is gone; never a delete of the updated app.
func TestConditionalDeleteRacingAnUpdateDeletesOnlyTheVersionItNamed(t *testing.T) {
	k := oauthapptest.New(t)
	other := k.NewService()
	name := "renamed"
	for range 50 {
		app := k.NewApp(permList)
		var delErr, updErr error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); delErr = k.Service.DeleteApp(ctx, k.Owner, app.SID, app.Version) }()
		go func() {
			defer wg.Done()
			_, updErr = other.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &name})
		}()
		wg.Wait()
		got, getErr := k.Store.GetApp(ctx, app.SID)
		switch {
		case delErr == nil:
			assert.ErrorIs(t, updErr, oauthapp.ErrNotFound, "the update ran on a deleted app")
			assert.ErrorIs(t, getErr, store.ErrNotFound)
		case errors.Is(delErr, oauthapp.ErrVersionMismatch):
			require.NoError(t, updErr)
			require.NoError(t, getErr)
			assert.Equal(t, name, got.FriendlyName, "the update was lost")
		default:
			t.Fatalf("delete: %v", delErr)
		}
	}
}
