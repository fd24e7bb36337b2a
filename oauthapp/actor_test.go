package oauthapp_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestManagementChecksTheActorBeforeTheInput: every call that takes an
// Actor refuses one who may not manage the app with ErrForbidden, even
// when the rest of the call is invalid too, so the answer tells such an
// actor nothing about the input; and the refused call writes nothing.
func TestManagementChecksTheActorBeforeTheInput(t *testing.T) {
	var events []oauthapp.Event
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) { events = append(events, e) })))
	app := k.NewApp(permList)
	malformedSID := "OQ-not-an-app"
	empty, ctrl := "", "bad\x00name"
	ttl := time.Second

	// Each call carries input that the owner of the app would get
	// ErrInvalidArgument for.
	calls := []struct {
		name string
		// takesApp: the call names an existing app, so an actor of
		// another account is refused on it.
		takesApp bool
		call     func(a oauthapp.Actor, appSID string) error
	}{
		{"create with an empty friendly name", false, func(a oauthapp.Actor, _ string) error {
			_, _, err := k.Service.CreateApp(ctx, a, oauthapp.NewApp{Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			return err
		}},
		{"create with a policy that allows nothing and a TTL too short", false, func(a oauthapp.Actor, _ string) error {
			_, _, err := k.Service.CreateApp(ctx, a, oauthapp.NewApp{FriendlyName: "x", TokenTTL: ttl})
			return err
		}},
		{"list with page size 0", false, func(a oauthapp.Actor, _ string) error {
			_, err := k.Service.ListApps(ctx, a, "", 0)
			return err
		}},
		{"list after a malformed cursor", false, func(a oauthapp.Actor, _ string) error {
			_, err := k.Service.ListApps(ctx, a, malformedSID, 10)
			return err
		}},
		{"get a malformed app SID", false, func(a oauthapp.Actor, _ string) error {
			_, err := k.Service.GetApp(ctx, a, malformedSID)
			return err
		}},
		{"get", true, func(a oauthapp.Actor, sid string) error {
			_, err := k.Service.GetApp(ctx, a, sid)
			return err
		}},
		{"update to an empty friendly name", true, func(a oauthapp.Actor, sid string) error {
			_, err := k.Service.UpdateApp(ctx, a, sid, oauthapp.AppUpdate{FriendlyName: &empty})
			return err
		}},
		{"update to a control character in the name", true, func(a oauthapp.Actor, sid string) error {
			_, err := k.Service.UpdateApp(ctx, a, sid, oauthapp.AppUpdate{FriendlyName: &ctrl})
			return err
		}},
		{"update to a malformed policy", true, func(a oauthapp.Actor, sid string) error {
			_, err := k.Service.UpdateApp(ctx, a, sid, oauthapp.AppUpdate{Permissions: &oauthapp.Permissions{Allow: []string{"/Demo/x"}}})
			return err
		}},
		{"update to a TTL too short", true, func(a oauthapp.Actor, sid string) error {
			_, err := k.Service.UpdateApp(ctx, a, sid, oauthapp.AppUpdate{TokenTTL: &ttl})
			return err
		}},
		{"update a malformed app SID", false, func(a oauthapp.Actor, _ string) error {
			_, err := k.Service.UpdateApp(ctx, a, malformedSID, oauthapp.AppUpdate{FriendlyName: &empty})
			return err
		}},
		{"rotate with a negative grace", true, func(a oauthapp.Actor, sid string) error {
			_, _, err := k.Service.RotateSecret(ctx, a, sid, oauthapp.Rotation{Grace: oauthapp.Grace(-time.Second)})
			return err
		}},
		{"rotate with a grace over 30 days", true, func(a oauthapp.Actor, sid string) error {
			_, _, err := k.Service.RotateSecret(ctx, a, sid, oauthapp.Rotation{Grace: oauthapp.Grace(31 * 24 * time.Hour)})
			return err
		}},
		{"rotate a malformed app SID", false, func(a oauthapp.Actor, _ string) error {
			_, _, err := k.Service.RotateSecret(ctx, a, malformedSID, oauthapp.Rotation{Grace: oauthapp.Grace(-time.Second)})
			return err
		}},
		{"delete", true, func(a oauthapp.Actor, sid string) error {
			return k.Service.DeleteApp(ctx, a, sid, 0)
		}},
		{"delete a malformed app SID", false, func(a oauthapp.Actor, _ string) error {
			return k.Service.DeleteApp(ctx, a, malformedSID, 0)
		}},
	}

	// The input really is invalid: the app's owner is told so.
	for _, c := range calls {
		if c.name == "get" || c.name == "delete" {
			continue // nothing invalid but the actor
		}
		require.ErrorIs(t, c.call(k.Owner, app.SID), oauthapp.ErrInvalidArgument, c.name)
	}

	sameAccount := func(role oauthapp.Role) oauthapp.Actor {
		return oauthapp.Actor{UserSID: oauthapptest.NewSID("US"), AccountSID: k.Owner.AccountSID, Role: role}
	}
	actors := []struct {
		name string
		// onApp: refused only once the app is loaded, so only for calls
		// that name an existing app.
		onApp bool
		actor oauthapp.Actor
	}{
		{"read-only user of the account", false, sameAccount(oauthapp.RoleReadOnly)},
		{"billing user of the account", false, sameAccount(oauthapp.RoleBilling)},
		{"user with no role", false, sameAccount("")},
		{"read-only user with malformed ids", false, oauthapp.Actor{UserSID: "no body", AccountSID: "no/where", Role: oauthapp.RoleReadOnly}},
		{"owner of another account", true, oauthapptest.NewActor(oauthapp.RoleOwner)},
		{"developer of another account", true, oauthapptest.NewActor(oauthapp.RoleDeveloper)},
	}

	accounts := []string{k.Owner.AccountSID}
	for _, a := range actors {
		accounts = append(accounts, a.actor.AccountSID)
	}
	snapshot := func() map[string][]store.App {
		all := make(map[string][]store.App)
		for _, acc := range accounts {
			apps, err := k.Store.ListApps(ctx, acc, "", 100)
			require.NoError(t, err)
			all[acc] = apps
		}
		return all
	}
	before := snapshot()
	events = nil

	for _, a := range actors {
		for _, c := range calls {
			if a.onApp && !c.takesApp {
				continue // another account's actor acting on no app of this one: nothing to refuse
			}
			t.Run(a.name+" is forbidden to "+c.name, func(t *testing.T) {
				assert.ErrorIs(t, c.call(a.actor, app.SID), oauthapp.ErrForbidden)
			})
		}
	}
	assert.Equal(t, before, snapshot(), "refused calls write nothing")
	assert.Empty(t, events, "refused calls emit no event")
}
