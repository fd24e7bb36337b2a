package oauthapp_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
)

const permDelete = "/demo/messaging/messages/delete"

// demoCatalog maps a route to each messaging permission the tests use.
func demoCatalog(t *testing.T) *scope.Catalog {
	t.Helper()
	c, err := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Messages", Permission: permList},
		{Pattern: "GET /v1/Messages/{Sid}", Permission: permRead},
		{Pattern: "POST /v1/Messages", Permission: permCreate},
		{Pattern: "DELETE /v1/Messages/{Sid}", Permission: permDelete},
		{Pattern: "GET /v1/Calls", Permission: "/demo/voice/calls/list"},
	})
	require.NoError(t, err)
	return c
}

// introspect authenticates the app with its secret and introspects tok.
func introspect(t *testing.T, k *oauthapptest.Kit, app oauthapp.App, secret, tok string) oauthapp.Identity {
	t.Helper()
	client, err := k.Service.AuthenticateClient(ctx, app.SID, secret, "")
	require.NoError(t, err)
	id, active, err := k.Service.Introspect(ctx, client, tok)
	require.NoError(t, err)
	require.True(t, active)
	return id
}

// TestR11_ADeniedPermissionIsNeverInATokensScope: a client that names no
// scope gets the app's full grant; where a deny entry carves an exception
// out of an allow wildcard, the scope the token carries (and that any
// resource server checking scopes alone reads) covers everything the
// policy allows among the catalog's routes and nothing it denies.
func TestR11_ADeniedPermissionIsNeverInATokensScope(t *testing.T) {
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithCatalog(demoCatalog(t))))
	app, sec, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{
		FriendlyName: "carve-out",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/messaging/*", "/demo/voice/*"}, Deny: []string{permDelete}},
	})
	require.NoError(t, err)
	tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	require.NoError(t, err)
	assert.Equal(t, "/demo/messaging/messages/create /demo/messaging/messages/list /demo/messaging/messages/read /demo/voice/*", tok.Scope,
		"the carved wildcard is spelled out from the catalog; the whole one stays")
	assert.False(t, scope.Covers(tok.Scope, permDelete))
	assert.False(t, scope.Covers(introspect(t, k, app, sec.Reveal(), tok.AccessToken).Scope, permDelete))
	for _, p := range []string{permList, permRead, permCreate} {
		assert.NoError(t, authorize(k, tok.AccessToken, p))
	}
	assert.ErrorIs(t, authorize(k, tok.AccessToken, permDelete), oauthapp.ErrInsufficientScope)
}

// TestR11_WithoutACatalogTheCarvedWildcardStaysAndAuthorizeStillDenies:
// without a catalog the exceptions cannot be spelled out; the scope keeps
// the wildcard, and Authorize, which checks the policy too, still refuses
// the denied permission.
func TestR11_WithoutACatalogTheCarvedWildcardStaysAndAuthorizeStillDenies(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp("/demo/messaging/*")
	_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{
		Permissions: &oauthapp.Permissions{Allow: []string{"/demo/messaging/*"}, Deny: []string{permDelete}},
	})
	require.NoError(t, err)
	tok, err := issue(k, app, "")
	require.NoError(t, err)
	assert.Equal(t, "/demo/messaging/*", tok.Scope)
	assert.ErrorIs(t, authorize(k, tok.AccessToken, permDelete), oauthapp.ErrInsufficientScope)
}

// TestIntrospectionReportsWhatThePolicyStillGrants: after the app's policy
// is narrowed, introspection reports the token's scope as the policy now
// grants it, as Authorize decides.
func TestIntrospectionReportsWhatThePolicyStillGrants(t *testing.T) {
	for name, catalog := range map[string]bool{"with a catalog": true, "without a catalog": false} {
		t.Run(name, func(t *testing.T) {
			var opts []oauthapp.Option
			if catalog {
				opts = append(opts, oauthapp.WithCatalog(demoCatalog(t)))
			}
			k := oauthapptest.New(t, oauthapptest.WithServiceOptions(opts...))
			app := k.NewApp("/demo/messaging/*")
			tok := k.Token(app)
			assert.Equal(t, "/demo/messaging/*", introspect(t, k, app, k.Secret(app.SID), tok).Scope)

			_, err := k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{Permissions: &oauthapp.Permissions{Allow: []string{permRead, permList}}})
			require.NoError(t, err)
			require.ErrorIs(t, authorize(k, tok, permCreate), oauthapp.ErrInsufficientScope)
			id := introspect(t, k, app, k.Secret(app.SID), tok)
			assert.Equal(t, permList+" "+permRead, id.Scope)
			assert.False(t, scope.Covers(id.Scope, permCreate))
		})
	}
}

// TestATokenRequestNamesAtMostAHundredPermissions: under an allow
// wildcard a client could otherwise name permissions without end and get a
// token too large to be accepted; beyond scope.MaxPolicyEntries the request
// is ErrInvalidScope, and at the limit the token works.
func TestATokenRequestNamesAtMostAHundredPermissions(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp("/demo/*")
	seg := strings.Repeat("x", 100)
	var perms []string
	for i := range scope.MaxPolicyEntries + 1 {
		perms = append(perms, fmt.Sprintf("/demo/%s/%s/r%d", seg, seg, i))
	}
	_, err := issue(k, app, strings.Join(perms, " "))
	require.ErrorIs(t, err, oauthapp.ErrInvalidScope)

	tok, err := issue(k, app, strings.Join(perms[:scope.MaxPolicyEntries], " "))
	require.NoError(t, err)
	assert.NoError(t, authorize(k, tok.AccessToken, perms[scope.MaxPolicyEntries-1]))
}

// bigCatalog is n routes, each with a messaging permission padded to make
// it long, and the routes.
func bigCatalog(t *testing.T, n, pad int) (*scope.Catalog, []scope.Route) {
	t.Helper()
	routes := make([]scope.Route, n)
	for i := range routes {
		routes[i] = scope.Route{
			Pattern:    fmt.Sprintf("GET /v1/r%04d/{Sid}", i),
			Permission: fmt.Sprintf("/demo/messaging/resource-%04d-%s/read", i, strings.Repeat("x", pad)),
		}
	}
	c, err := scope.NewCatalog(routes)
	require.NoError(t, err)
	return c, routes
}

// TestAFullGrantFromABigCatalogIsAccepted: a full grant spelled out from
// a catalog of many routes makes a long token, which the service still
// accepts.
func TestAFullGrantFromABigCatalogIsAccepted(t *testing.T) {
	c, routes := bigCatalog(t, 1000, 60)
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithCatalog(c)))
	app, sec, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{
		FriendlyName: "big",
		Permissions:  oauthapp.Permissions{Allow: []string{"/demo/messaging/*"}, Deny: []string{routes[0].Permission}},
	})
	require.NoError(t, err)
	tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
	require.NoError(t, err)
	require.Greater(t, len(tok.AccessToken), 100_000)
	assert.NoError(t, authorize(k, tok.AccessToken, routes[999].Permission))
	assert.ErrorIs(t, authorize(k, tok.AccessToken, routes[0].Permission), oauthapp.ErrInsufficientScope)
}

// TestNewRefusesACatalogTooBigForAToken: a full grant spelled out from a
// catalog must fit in a token the service accepts; New refuses a catalog
// whose permissions could not, instead of minting tokens it then refuses.
func TestNewRefusesACatalogTooBigForAToken(t *testing.T) {
	c, _ := bigCatalog(t, 6000, 200)
	k := oauthapptest.New(t)
	_, err := oauthapp.New(k.Store, k.Keys, oauthapp.WithCatalog(c))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "full grant")
}
