package oauthhttp_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type hookKey struct{}

func TestObserver_TokenEndpointOutcomes(t *testing.T) {
	var got []oauthhttp.EndpointOutcome
	f := newFixture(t, oauthhttp.WithObserver(oauthhttp.Observer{
		TokenEndpoint: func(ctx context.Context) (context.Context, func(oauthhttp.EndpointOutcome)) {
			return context.WithValue(ctx, hookKey{}, true), func(o oauthhttp.EndpointOutcome) { got = append(got, o) }
		},
	}))

	for _, tc := range []struct {
		name string
		body string
		auth string
		want oauthhttp.EndpointOutcome
	}{
		{"a token", "grant_type=client_credentials", basic(f.app.SID, f.secret), oauthhttp.EndpointOutcome{Status: http.StatusOK}},
		{"a wrong secret", "grant_type=client_credentials", basic(f.app.SID, f.secret+"x"),
			oauthhttp.EndpointOutcome{Status: http.StatusUnauthorized, Code: oauthhttp.CodeInvalidClient}},
		{"another grant", "grant_type=password", basic(f.app.SID, f.secret),
			oauthhttp.EndpointOutcome{Status: http.StatusBadRequest, Code: oauthhttp.CodeUnsupportedGrantType}},
		{"a scope the app may not have", "grant_type=client_credentials&scope=" + permCreate, basic(f.app.SID, f.secret),
			oauthhttp.EndpointOutcome{Status: http.StatusBadRequest, Code: oauthhttp.CodeInvalidScope}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			w := serve(f.srv.Token(), formRequest("/oauth2/token", tc.body, tc.auth))
			assert.Equal(t, tc.want.Status, w.Code)
			assert.Equal(t, []oauthhttp.EndpointOutcome{tc.want}, got)
		})
	}
}

func TestObserver_TheHooksContextReachesTheService(t *testing.T) {
	seen := false
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithObserver(oauthapp.Observer{
		TokenRequest: func(ctx context.Context) (context.Context, func(oauthapp.TokenOutcome)) {
			seen = ctx.Value(hookKey{}) != nil
			return ctx, nil
		},
	})))
	srv, err := oauthhttp.New(kit.Service, oauthhttp.WithObserver(oauthhttp.Observer{
		TokenEndpoint: func(ctx context.Context) (context.Context, func(oauthhttp.EndpointOutcome)) {
			return context.WithValue(ctx, hookKey{}, true), nil
		},
	}))
	require.NoError(t, err)
	app := kit.NewApp(permList)
	w := serve(srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(app.SID, kit.Secret(app.SID))))
	require.Equal(t, http.StatusOK, w.Code)
	assert.True(t, seen, "IssueToken ran in the context the endpoint's hook returned")
}

func TestObserver_AHookThatReturnsNothingChangesNothing(t *testing.T) {
	f := newFixture(t, oauthhttp.WithObserver(oauthhttp.Observer{
		TokenEndpoint: func(context.Context) (context.Context, func(oauthhttp.EndpointOutcome)) { return nil, nil },
	}))
	w := serve(f.srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, f.secret)))
	assert.Equal(t, http.StatusOK, w.Code)
}
