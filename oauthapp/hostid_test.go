package oauthapp_test

import (
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostIDsOfEveryShapeManageAppsAndScopeTokens: an account and user id
// is the host's own string (a UUID, an integer, an e-mail address, a
// Twilio-style SID, 64 bytes); the service stores it, records it, and
// compares it exactly, through the {AccountSid} of a catalog route too.
func TestHostIDsOfEveryShapeManageAppsAndScopeTokens(t *testing.T) {
	catalog, err := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: permList},
	})
	require.NoError(t, err)
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithCatalog(catalog)))
	ids := []struct{ name, account, user string }{
		{"UUIDs", "9b2f6c1e-4d7a-4c1b-9a0e-3f5d8e2b7c61", "0c5e4a2b-1f3d-4e6a-8b7c-9d0e1f2a3b4c"},
		{"integers", "42", "1007"},
		{"an e-mail address as the user", "acme", "ops+admin@example.com"},
		{"Twilio-style SIDs", oauthapptest.NewSID("AC"), oauthapptest.NewSID("US")},
		{"64 bytes", "A" + strings.Repeat("b", oauthapp.MaxHostIDLen-1), "u:" + strings.Repeat("=", oauthapp.MaxHostIDLen-2)},
	}
	for _, id := range ids {
		t.Run(id.name, func(t *testing.T) {
			owner := oauthapp.Actor{UserSID: id.user, AccountSID: id.account, Role: oauthapp.RoleOwner}
			app, sec, err := k.Service.CreateApp(ctx, owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			require.NoError(t, err)
			assert.Equal(t, id.account, app.AccountSID)
			assert.Equal(t, id.user, app.CreatedBy)
			listed, err := k.Service.ListApps(ctx, owner, "", 10)
			require.NoError(t, err)
			require.Len(t, listed, 1)
			assert.Equal(t, app.SID, listed[0].SID)

			tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal()})
			require.NoError(t, err)
			got, err := authorizeRoute(k.Service, tok.AccessToken, "GET", "/v1/Accounts/"+id.account+"/Messages")
			require.NoError(t, err)
			assert.Equal(t, id.account, got.AccountSID)
			_, err = authorizeRoute(k.Service, tok.AccessToken, "GET", "/v1/Accounts/"+id.account+"0/Messages")
			assert.ErrorIs(t, err, oauthapp.ErrWrongAccount, "a longer id is another account")
		})
	}
	t.Run("ids differing in case are different accounts", func(t *testing.T) {
		upper := oauthapp.Actor{UserSID: "u1", AccountSID: "Acme", Role: oauthapp.RoleOwner}
		lower := oauthapp.Actor{UserSID: "u1", AccountSID: "acme", Role: oauthapp.RoleOwner}
		app := k.NewAppFor(upper, permList)
		_, err := k.Service.GetApp(ctx, lower, app.SID)
		assert.ErrorIs(t, err, oauthapp.ErrForbidden)
	})
}

// authorizeRoute authorizes a bearer token for a request as a host does
// without oauthhttp: the service's catalog names the permission of the
// request's route and the account in its path, and Authorize checks the
// token for them.
func authorizeRoute(svc *oauthapp.Service, bearer, method, path string) (oauthapp.Identity, error) {
	m, err := svc.Metadata().Catalog.Resolve(method, path)
	if err != nil {
		return oauthapp.Identity{}, err
	}
	return svc.Authorize(ctx, bearer, oauthapp.Resource{Permission: m.Permission, AccountSID: m.Param(oauthapp.AccountParam)})
}

// TestMalformedHostIDsAreRefused: an id outside the documented length and
// alphabet is ErrInvalidArgument from the Parse functions and from every
// management call, which then changes nothing.
func TestMalformedHostIDsAreRefused(t *testing.T) {
	k := oauthapptest.New(t)
	bad := map[string]string{
		"empty":                 "",
		"65 bytes":              strings.Repeat("a", oauthapp.MaxHostIDLen+1),
		"a slash":               "acme/sub",
		"a space":               "acme corp",
		"a leading dot":         "..",
		"a leading dash":        "-42",
		"a percent sign":        "ac%2F",
		"a non-ASCII letter":    "accoünt",
		"a control character":   "acme\n",
		"a quote":               `ac"me`,
		"a question mark":       "ac?me",
		"a leading at sign":     "@acme",
		"a non-printable byte":  "ac\x7fme",
		"a trailing NUL byte":   "acme\x00",
		"a tab in the middle":   "ac\tme",
		"a backslash":           `ac\me`,
		"a hash sign":           "ac#me",
		"a comma":               "ac,me",
		"a semicolon":           "ac;me",
		"an asterisk":           "ac*me",
		"a plus at the start":   "+acme",
		"a UTF-8 encoded space": "ac\u00a0me",
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := oauthapp.ParseAccountSID(id)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
			_, err = oauthapp.ParseUserSID(id)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
			_, _, err = k.Service.CreateApp(ctx, oauthapp.Actor{UserSID: "u1", AccountSID: id, Role: oauthapp.RoleOwner},
				oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
			_, _, err = k.Service.CreateApp(ctx, oauthapp.Actor{UserSID: id, AccountSID: "acme", Role: oauthapp.RoleOwner},
				oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
		})
	}
	apps, err := k.Store.ListApps(ctx, "acme", "", 10)
	require.NoError(t, err)
	assert.Empty(t, apps, "no refused create wrote an app")
	for _, good := range []string{"42", "a", "A-b.c_d~e:f@g+h=i"} {
		_, err := oauthapp.ParseAccountSID(good)
		assert.NoError(t, err, good)
	}
}
