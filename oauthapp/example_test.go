package oauthapp_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Example shows the life of an OAuth app: created by an account owner,
// authenticated with the client credentials grant, and its token checked by
// a protected route.
func Example() {
	ctx := context.Background()
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	catalog, _ := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/list"},
	})
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithCatalog(catalog))
	if err != nil {
		panic(err)
	}

	// The account and user ids are the host's own: any short opaque
	// strings (see ParseAccountSID).
	owner := oauthapp.Actor{UserSID: "user-42", AccountSID: "acct-7", Role: oauthapp.RoleOwner}
	app, secret, err := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "reporting job",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/messaging/messages/list"}},
	})
	if err != nil {
		panic(err)
	}

	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: secret.Reveal()})
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn, tok.Scope)

	// A protected route: the catalog names the permission of the request
	// and the account in its path (oauthhttp's Protect does this for a
	// mux), and Authorize checks the token for them.
	authorize := func(method, path string) (oauthapp.Identity, error) {
		m, err := catalog.Resolve(method, path)
		if err != nil {
			return oauthapp.Identity{}, err
		}
		return svc.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: m.Permission, AccountSID: m.Param(oauthapp.AccountParam)})
	}
	id, err := authorize("GET", "/v1/Accounts/"+owner.AccountSID+"/Messages")
	fmt.Println(err == nil, id.AppSID == app.SID)

	_, err = authorize("GET", "/v1/Accounts/acct-8/Messages")
	fmt.Println(errors.Is(err, oauthapp.ErrWrongAccount))
	// Output:
	// Bearer 3600 /demo/messaging/messages/list
	// true true
	// true
}

// ExampleService_RotateSecret rotates a client secret: the old one keeps
// working for the grace period, then stops.
func ExampleService_RotateSecret() {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, _ := oauthapp.New(store.NewMemory(), keys, oauthapp.WithClock(func() time.Time { return now }))
	owner := oauthapp.Actor{UserSID: "user-42", AccountSID: "acct-7", Role: oauthapp.RoleOwner}
	app, old, _ := svc.CreateApp(ctx, owner, oauthapp.NewApp{
		FriendlyName: "billing sync",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/billing/*"}},
	})

	app, _, err := svc.RotateSecret(ctx, owner, app.SID, oauthapp.Rotation{}) // default grace: 24 h
	if err != nil {
		panic(err)
	}
	fmt.Println("secrets that verify:", len(app.Secrets))

	now = now.Add(24*time.Hour - time.Second)
	_, err = svc.AuthenticateClient(ctx, app.SID, old.Reveal(), "")
	fmt.Println("old secret one second before the grace ends:", err == nil)

	now = now.Add(time.Second)
	_, err = svc.AuthenticateClient(ctx, app.SID, old.Reveal(), "")
	fmt.Println("old secret at the end of the grace:", err)
	// Output:
	// secrets that verify: 2
	// old secret one second before the grace ends: true
	// old secret at the end of the grace: oauthapp: invalid client
}

// ExampleService_Authorize_errorChecking shows the switch a protected API
// writes to turn an authorization failure into a response.
func ExampleService_Authorize_errorChecking() {
	ctx := context.Background()
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, _ := oauthapp.New(store.NewMemory(), keys)

	_, err := svc.Authorize(ctx, "not-a-token", oauthapp.Resource{Permission: "/demo/messaging/messages/list"})
	var scopeErr *oauthapp.ScopeError
	switch {
	case errors.Is(err, oauthapp.ErrInvalidToken):
		fmt.Println("401 invalid_token")
	case errors.As(err, &scopeErr):
		fmt.Println("403 insufficient_scope", scopeErr.Permission)
	case errors.Is(err, oauthapp.ErrWrongAccount), errors.Is(err, oauthapp.ErrWrongRegion):
		fmt.Println("403")
	case err != nil:
		fmt.Println("500")
	}
	// Output:
	// 401 invalid_token
}
