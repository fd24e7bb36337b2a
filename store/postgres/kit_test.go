package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
)

// TestTheKitRunsOnPostgres runs a user's test kit on this store, as a
// user whose service runs on PostgreSQL would: the app, its rotation on
// the kit's fake clock and the tokens a resource server must refuse
// behave as on the memory store.
func TestTheKitRunsOnPostgres(t *testing.T) {
	st, _, _ := newTestStore(t)
	kit := oauthapptest.New(t, oauthapptest.WithStore(st))
	ctx := context.Background()
	const perm = "/demo/messaging/messages/list"
	res := oauthapp.Resource{Permission: perm, AccountSID: kit.Owner.AccountSID}
	authorize := func(tok string) error {
		_, err := kit.Service.Authorize(ctx, tok, res)
		return err
	}

	app := kit.NewApp(perm)
	if err := authorize(kit.Token(app)); err != nil {
		t.Fatalf("a genuine token: %v", err)
	}
	for name, c := range map[string]struct {
		tok  string
		want error
	}{
		"expired":               {kit.ExpiredToken(app), token.ErrExpired},
		"of a deleted app":      {kit.DeletedAppToken(perm), oauthapp.ErrAppDeleted},
		"another service's key": {kit.ForeignKeyToken(app), token.ErrSignature},
		"of another account":    {kit.OtherAccountToken(perm), oauthapp.ErrWrongAccount},
	} {
		if err := authorize(c.tok); !errors.Is(err, c.want) {
			t.Errorf("a token %s: %v, want %v", name, err, c.want)
		}
	}

	old := kit.Token(app)
	kit.Rotate(app.SID, 30*time.Minute)
	kit.Advance(29 * time.Minute)
	if err := authorize(old); err != nil {
		t.Fatalf("a token of the previous secret inside its grace: %v", err)
	}
	kit.Advance(time.Minute)
	if err := authorize(old); !errors.Is(err, oauthapp.ErrSecretInactive) {
		t.Fatalf("a token of the previous secret when its grace ends: %v, want %v", err, oauthapp.ErrSecretInactive)
	}
	if err := authorize(kit.Token(app)); err != nil {
		t.Fatalf("a token of the new secret: %v", err)
	}
}
