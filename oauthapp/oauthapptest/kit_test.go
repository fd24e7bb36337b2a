package oauthapptest_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKitClockDrivesTheService(t *testing.T) {
	kit := oauthapptest.New()
	app := kit.NewApp("/demo/messaging/messages/list")
	tok := kit.Token(app)
	res := oauthapp.Resource{Permission: "/demo/messaging/messages/list", AccountSID: kit.Owner.AccountSID}
	_, err := kit.Service.Authorize(context.Background(), tok, res)
	require.NoError(t, err)
	kit.Advance(time.Hour)
	_, err = kit.Service.Authorize(context.Background(), tok, res)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken, "the token expires on the kit's clock")
}

func TestKitRotateKeepsTokenWorking(t *testing.T) {
	kit := oauthapptest.New()
	other := oauthapptest.NewActor(oauthapp.RoleDeveloper)
	app := kit.NewAppFor(other, "/demo/messaging/messages/list")
	old := kit.Secret(app.SID)
	fresh := kit.Rotate(app.SID, 0)
	assert.NotEqual(t, old, fresh)
	assert.Equal(t, fresh, kit.Secret(app.SID))
	assert.NotEmpty(t, kit.Token(app), "the kit issues with the new secret")
}

func TestKitRequestCarriesTheBearerToken(t *testing.T) {
	kit := oauthapptest.New()
	r := kit.Request("GET", "/x", "abc")
	assert.Equal(t, "Bearer abc", r.Header.Get("Authorization"))
}

func TestKitRefusesAppsItDidNotCreate(t *testing.T) {
	kit := oauthapptest.New()
	assert.PanicsWithValue(t, "oauthapptest: app OQ00000000000000000000000000000000 was not created with the kit", func() {
		kit.Secret("OQ00000000000000000000000000000000")
	})
}
