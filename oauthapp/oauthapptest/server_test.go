package oauthapptest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const listRoute = "GET /v1/Accounts/{AccountSid}/Messages"

// newProtectedServer is a NewServer with a catalog and a protected route.
func newProtectedServer(t *testing.T, opts ...oauthapptest.Option) *oauthapptest.Server {
	t.Helper()
	catalog, err := scope.NewCatalog([]scope.Route{{Pattern: listRoute, Permission: permList}})
	require.NoError(t, err)
	srv := oauthapptest.NewServer(t, append([]oauthapptest.Option{oauthapptest.WithCatalog(catalog)}, opts...)...)
	srv.Mux.Handle(listRoute, srv.OAuth.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "[]")
	})))
	return srv
}

// getToken asks the token endpoint for a token with client_secret_post.
func getToken(t *testing.T, cfg oauthapptest.ClientConfig) (int, string) {
	t.Helper()
	resp, err := http.PostForm(cfg.TokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {cfg.ClientID},
		"client_secret": {cfg.ClientSecret}, "scope": {strings.Join(cfg.Scopes, " ")},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body.AccessToken
}

func get(t *testing.T, target, bearer string) int {
	t.Helper()
	req, err := http.NewRequest("GET", target, nil)
	require.NoError(t, err)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestServerIssuesTokensThatItsProtectedRoutesAccept(t *testing.T) {
	srv := newProtectedServer(t)
	cfg := srv.ClientConfig(srv.NewApp(permList))
	code, tok := getToken(t, cfg)
	require.Equal(t, http.StatusOK, code)
	messages := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"
	assert.Equal(t, http.StatusOK, get(t, messages, tok))
	assert.Equal(t, http.StatusUnauthorized, get(t, messages, ""))
}

func TestServerTokensExpireOnTheKitsClock(t *testing.T) {
	srv := newProtectedServer(t)
	_, tok := getToken(t, srv.ClientConfig(srv.NewApp(permList)))
	messages := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"
	srv.Advance(time.Hour - time.Second)
	assert.Equal(t, http.StatusOK, get(t, messages, tok), "a second before it expires")
	srv.Advance(time.Second)
	assert.Equal(t, http.StatusUnauthorized, get(t, messages, tok), "when it expires")
}

func TestServerProtectedRoutesRefuseTheFlawedTokens(t *testing.T) {
	srv := newProtectedServer(t)
	app := srv.NewApp(permList)
	messages := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"
	for name, c := range map[string]struct {
		tok  string
		want int
	}{
		"expired":               {srv.ExpiredToken(app), http.StatusUnauthorized},
		"of a deleted app":      {srv.DeletedAppToken(permList), http.StatusUnauthorized},
		"another service's key": {srv.ForeignKeyToken(app), http.StatusUnauthorized},
		"another account":       {srv.OtherAccountToken(permList), http.StatusForbidden},
	} {
		assert.Equal(t, c.want, get(t, messages, c.tok), name)
	}
}

func TestServerPublishesItsEndpoints(t *testing.T) {
	srv := oauthapptest.NewServer(t)
	assert.Equal(t, srv.URL, srv.Service.Metadata().Issuer, "the issuer is the server's URL")
	for _, u := range []string{srv.TokenURL, srv.JWKSURL, srv.MetadataURL, srv.IntrospectionURL, srv.RevocationURL} {
		assert.True(t, strings.HasPrefix(u, srv.URL+"/"), u)
	}

	resp, err := http.Get(srv.MetadataURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	var meta map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&meta))
	assert.Equal(t, srv.URL, meta["issuer"])
	assert.Equal(t, srv.TokenURL, meta["token_endpoint"])
	assert.Equal(t, srv.JWKSURL, meta["jwks_uri"])
	assert.Equal(t, srv.IntrospectionURL, meta["introspection_endpoint"])
	assert.Equal(t, srv.RevocationURL, meta["revocation_endpoint"])

	resp, err = http.Get(srv.JWKSURL)
	require.NoError(t, err)
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct {
			Kid string `json:"kid"`
		} `json:"keys"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&jwks))
	require.Len(t, jwks.Keys, 1)
	assert.Equal(t, srv.Keys.SigningKey().ID(), jwks.Keys[0].Kid)
}

func TestServerIntrospectsAndRevokes(t *testing.T) {
	srv := newProtectedServer(t)
	app := srv.NewApp(permList)
	tok := srv.Token(app)
	post := func(endpoint string) *http.Response {
		req, err := http.NewRequest("POST", endpoint, strings.NewReader(url.Values{"token": {tok}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(app.SID), url.QueryEscape(srv.Secret(app.SID)))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	active := func() bool {
		var body struct {
			Active bool `json:"active"`
		}
		require.NoError(t, json.NewDecoder(post(srv.IntrospectionURL).Body).Decode(&body))
		return body.Active
	}
	assert.True(t, active())
	assert.Equal(t, http.StatusOK, post(srv.RevocationURL).StatusCode)
	assert.False(t, active(), "revoked")
}

func TestServerTakesServiceAndServerOptions(t *testing.T) {
	srv := oauthapptest.NewServer(t,
		oauthapptest.WithServiceOptions(oauthapp.WithTokenTTL(5*time.Minute)),
		oauthapptest.WithServerOptions(oauthhttp.WithRealm("kit-test")))
	assert.Equal(t, 5*time.Minute, srv.NewApp(permList).TokenTTL)
	resp, err := http.PostForm(srv.TokenURL, url.Values{"grant_type": {"client_credentials"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("WWW-Authenticate"), `realm="kit-test"`)
}

func TestServerClosesWhenTheTestEnds(t *testing.T) {
	var metadata string
	oauthapptest.Run(io.Discard, func(t *oauthapptest.T) {
		metadata = oauthapptest.NewServer(t).MetadataURL
		resp, err := http.Get(metadata)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	})
	_, err := http.Get(metadata)
	assert.Error(t, err, "nothing listens once the test has ended")
}

func TestServerDPoPClientCallsADPoPProtectedRoute(t *testing.T) {
	srv := newProtectedServer(t)
	app := srv.NewApp(permList)
	on := true
	_, err := srv.Service.UpdateApp(t.Context(), srv.Owner, app.SID, oauthapp.AppUpdate{DPoPBoundAccessTokens: &on})
	require.NoError(t, err)
	target := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"
	resp, err := srv.DPoPClient(app).Get(target)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a DPoP client of an app that requires DPoP")
	cfg := srv.ClientConfig(app)
	status, _ := getToken(t, cfg)
	assert.Equal(t, http.StatusBadRequest, status, "a token request without a proof")
}
