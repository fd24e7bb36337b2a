package customstore_test

import (
	"context"
	"testing"

	"github.com/oauthapps/oauthapps/examples/customstore"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// TestConformance is the one test every Store should have.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return customstore.New() })
}

// TestServiceOnTheStore runs the service on the custom store: an app is
// created, issues a token, and the token authorizes.
func TestServiceOnTheStore(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithStore(customstore.New()))
	app := kit.NewApp("/demo/messaging/*")
	tok := kit.Token(app)
	if _, err := kit.Service.Authorize(context.Background(), tok, oauthapp.Resource{Permission: "/demo/messaging/messages/list", AccountSID: kit.Owner.AccountSID}); err != nil {
		t.Fatalf("token from the custom store does not authorize: %v", err)
	}
}
