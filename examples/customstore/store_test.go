package customstore_test

import (
	"context"
	"testing"

	"github.com/oauthapps/oauthapps/examples/customstore"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
	"github.com/oauthapps/oauthapps/token"
)

// TestConformance is the one test every Store should have.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return customstore.New() })
}

// TestServiceOnTheStore runs the service on the custom store: an app is
// created, issues a token, and the token authorizes.
func TestServiceOnTheStore(t *testing.T) {
	key, err := token.GenerateKey(token.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := token.NewKeySet(key)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := oauthapp.New(customstore.New(), keys)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	owner := oauthapptest.NewActor(oauthapp.RoleOwner)
	app, sec, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "custom", Permissions: oauthapp.Permissions{Allow: []string{"/demo/messaging/*"}}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: "/demo/messaging/messages/list", AccountSID: owner.AccountSID}); err != nil {
		t.Fatalf("token from the custom store does not authorize: %v", err)
	}
}
