package oauthapp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInvalidArgumentsNameTheArgument: every ErrInvalidArgument of a
// management call carries an *ArgumentError naming the input at fault, so
// an HTTP or RPC face can point at its field.
func TestInvalidArgumentsNameTheArgument(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	allow := oauthapp.Permissions{Allow: []string{permList}}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	edPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	long, ctrl, empty, short := strings.Repeat("x", oauthapp.MaxFriendlyNameLen+1), "a\tb", "", time.Second
	cases := []struct {
		want string
		call func() error
	}{
		{"FriendlyName", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{Permissions: allow})
			return err
		}},
		{"FriendlyName", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: long, Permissions: allow})
			return err
		}},
		{"Description", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Description: ctrl, Permissions: allow})
			return err
		}},
		{"Region", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Region: "eu9", Permissions: allow})
			return err
		}},
		{"Permissions", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x"})
			return err
		}},
		{"Permissions", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{"/Bad"}}})
			return err
		}},
		{"TokenTTL", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: allow, TokenTTL: short})
			return err
		}},
		{"FriendlyName", func() error {
			_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &empty})
			return err
		}},
		{"TokenTTL", func() error {
			_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{TokenTTL: &short})
			return err
		}},
		{"Grace", func() error {
			_, _, err := k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(-time.Second)})
			return err
		}},
		{"appSID", func() error {
			_, err := k.Service.GetApp(ctx, k.Owner, "OQ1")
			return err
		}},
		{"limit", func() error {
			_, err := k.Service.ListApps(ctx, k.Owner, "", 0)
			return err
		}},
		{"after", func() error {
			_, err := k.Service.ListApps(ctx, k.Owner, "x", 10)
			return err
		}},
		{"Resources", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: allow, Resources: []string{"https://unknown.example.test/"}})
			return err
		}},
		{"Resources", func() error {
			_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{Resources: &[]string{"not a uri"}})
			return err
		}},
		{"NoSecret", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: allow, NoSecret: true})
			return err
		}},
		{"ClientKeys", func() error {
			_, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: allow, ClientKeys: []oauthapp.NewClientKey{{PublicKeyPEM: "nope"}}})
			return err
		}},
		{"PublicKeyPEM", func() error {
			_, err := k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{PublicKeyPEM: "nope"}, 0)
			return err
		}},
		{"Algorithm", func() error {
			_, err := k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{Algorithm: "HS256", PublicKeyPEM: edPEM}, 0)
			return err
		}},
		{"ID", func() error {
			_, err := k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{ID: "has space", PublicKeyPEM: edPEM}, 0)
			return err
		}},
		{"keyID", func() error {
			_, err := k.Service.RemoveClientKey(ctx, k.Owner, app.SID, "missing", 0)
			return err
		}},
		{"Actor.AccountSID", func() error {
			_, err := k.Service.ListApps(ctx, oauthapp.Actor{UserSID: "u", AccountSID: "a b", Role: oauthapp.RoleOwner}, "", 10)
			return err
		}},
	}
	for _, c := range cases {
		err := c.call()
		var ae *oauthapp.ArgumentError
		require.True(t, errors.As(err, &ae), "%v is not an *ArgumentError", err)
		assert.Equal(t, c.want, ae.Argument, "%v", err)
		if c.want != "Region" {
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
		}
	}
}
