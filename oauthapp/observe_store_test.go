package oauthapp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"reflect"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestObserver_EveryStoreMethodIsReported: a service that manages apps
// and client keys, authenticates by secret and by assertion, revokes,
// keeps idempotency keys and purges calls every method of store.Store,
// and StoreCall hears of each one by its name.
func TestObserver_EveryStoreMethodIsReported(t *testing.T) {
	k, rec := observed(t)
	app := k.NewApp(permList)
	_, err := k.Service.ListApps(ctx, k.Owner, "", 10)
	require.NoError(t, err)
	name := "renamed"
	app, err = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{FriendlyName: &name})
	require.NoError(t, err)

	// Secrets: TouchSecret; revocation: RevokeToken and IsTokenRevoked.
	tok := k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, tok))
	_, err = k.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList})
	require.ErrorIs(t, err, oauthapp.ErrTokenRevoked)

	// Client keys: UseAssertionID and TouchClientKey.
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	app, err = k.Service.AddClientKey(ctx, k.Owner, app.SID, oauthapp.NewClientKey{ID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}, 0)
	require.NoError(t, err)
	now := k.Service.Metadata().Clock()
	assertion := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": app.SID, "sub": app.SID, "aud": k.Service.Metadata().Issuer,
		"exp": now.Add(time.Minute).Unix(), "jti": "once",
	})
	assertion.Header["kid"] = "k1"
	signed, err := assertion.SignedString(priv)
	require.NoError(t, err)
	_, err = k.Service.AuthenticateAssertion(ctx, oauthapp.Assertion{JWT: signed})
	require.NoError(t, err)

	// Idempotency keys: a kept answer, then a refused call that lets its
	// key go.
	answer := func(keep bool) func(context.Context) ([]byte, bool) {
		return func(context.Context) ([]byte, bool) { return []byte("answer"), keep }
	}
	_, _, err = k.Service.Idempotent(ctx, k.Owner, "kept", []byte("r"), answer(true))
	require.NoError(t, err)
	_, _, err = k.Service.Idempotent(ctx, k.Owner, "released", []byte("r"), answer(false))
	require.NoError(t, err)

	_, err = k.Service.Purge(ctx)
	require.NoError(t, err)
	second := k.NewApp(permList)
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, second.SID, second.Version))
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, app.SID, 0))

	heard := map[string]bool{}
	for _, c := range rec.calls {
		heard[c.method] = true
	}
	st := reflect.TypeFor[store.Store]()
	for i := range st.NumMethod() {
		assert.True(t, heard[st.Method(i).Name], "StoreCall never heard of %s", st.Method(i).Name)
	}
}
