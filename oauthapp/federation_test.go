package oauthapp_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

const workloadAudience = "api://oauthapps"

func TestKubernetesServiceAccountGetsATokenWithoutASecret(t *testing.T) {
	cluster := newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(cluster))
	app := e.federatedApp(t, oauthapp.FederatedCredential{
		Name: "report-job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience,
	})
	cred := app.FederatedCredentials[0]
	assert.True(t, strings.HasPrefix(cred.ID, "FC"), "the service names the credential")
	assert.Equal(t, e.clock.Now(), cred.Created)

	external := sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now()))
	tok, err := e.exchange(app.SID, external)
	require.NoError(t, err)
	assert.Equal(t, "/demo/reports/reports/read", tok.Scope)
	assert.EqualValues(t, 3600, tok.ExpiresIn, "the app's token lifetime, not the external token's")

	id, err := e.svc.Authorize(context.Background(), tok.AccessToken, oauthapp.Resource{Permission: "/demo/reports/reports/read", AccountSID: app.AccountSID})
	require.NoError(t, err)
	assert.Equal(t, app.SID, id.AppSID)
	assert.Empty(t, id.SecretID, "no secret obtained it")

	ev := e.lastEvent(t, oauthapp.EventTokenIssued)
	assert.Equal(t, cred.ID, ev.CredentialID, "the audit event names the credential")
	assert.Equal(t, tok.ID, ev.TokenID)

	// The same service account token is good again while it lives: it
	// is the workload's standing credential, not a one-time assertion.
	_, err = e.exchange(app.SID, external)
	require.NoError(t, err)
	assert.EqualValues(t, 1, cluster.fetches.Load(), "the issuer's keys are fetched once")
}

func TestGitHubActionsWorkflowGetsAToken(t *testing.T) {
	actions := newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(actions))
	app := e.federatedApp(t, oauthapp.FederatedCredential{
		Name: "deploy-main", Issuer: actions.issuer(), Subject: "repo:acme/billing:ref:refs/heads/main", Audience: "https://github.com/acme",
		Description: "deploys from main",
	})
	external := sign(t, actions.signingKey(), actionsClaims(actions.issuer(), "acme", "billing", "https://github.com/acme", e.clock.Now()))
	_, err := e.exchange(app.SID, external)
	require.NoError(t, err)

	other := sign(t, actions.signingKey(), jwt.MapClaims{
		"iss": actions.issuer(), "sub": "repo:acme/billing:ref:refs/heads/feature", "aud": "https://github.com/acme",
		"iat": e.clock.Now().Unix(), "exp": e.clock.Now().Add(5 * time.Minute).Unix(),
	})
	_, err = e.exchange(app.SID, other)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "another branch of the same repository is another subject")
}

func TestIssuerKeyRotationIsPickedUpWithOneRefetch(t *testing.T) {
	cluster := newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(cluster))
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	_, err := e.exchange(app.SID, sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
	require.NoError(t, err)
	require.EqualValues(t, 1, cluster.fetches.Load())

	e.clock.Advance(2 * time.Minute)
	newKey := cluster.rotate(t, token.RS256)
	_, err = e.exchange(app.SID, sign(t, newKey, serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
	require.NoError(t, err, "a token of the new key")
	assert.EqualValues(t, 2, cluster.fetches.Load(), "one refetch picked the new key up")

	_, err = e.exchange(app.SID, sign(t, newKey, serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
	require.NoError(t, err)
	assert.EqualValues(t, 2, cluster.fetches.Load(), "and no more")
}

func TestUnknownKidBurstFetchesAtMostOncePerInterval(t *testing.T) {
	cluster := newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(cluster))
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	_, err := e.exchange(app.SID, sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
	require.NoError(t, err)
	require.EqualValues(t, 1, cluster.fetches.Load())

	// Tokens signed by keys the issuer never published, each with a kid
	// of its own, all at once.
	burst := func() {
		var wg sync.WaitGroup
		for range 40 {
			k, err := token.GenerateKey(token.ES256)
			require.NoError(t, err)
			external := sign(t, k, serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now()))
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.exchange(app.SID, external)
				assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			}()
		}
		wg.Wait()
	}
	burst()
	assert.EqualValues(t, 1, cluster.fetches.Load(), "keys fetched within the interval are not fetched again")

	e.clock.Advance(time.Minute)
	burst()
	assert.EqualValues(t, 2, cluster.fetches.Load(), "one fetch for the next interval's whole burst")
	e.clock.Advance(30 * time.Second)
	burst()
	assert.EqualValues(t, 2, cluster.fetches.Load())
	assertRefusedFederated(t, e.lastEvent(t, oauthapp.EventAuthenticationFail), "no key of its kid")
}

func TestFederatedTokensRefusedAsInvalidClient(t *testing.T) {
	cluster, other := newStandIn(t, token.RS256), newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(cluster, other))
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	// Another app trusts the other issuer, whose keys the service then
	// knows too.
	otherApp := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: other.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	now := e.clock.Now()
	good := func() jwt.MapClaims {
		return serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, now)
	}
	_, err := e.exchange(otherApp.SID, sign(t, other.signingKey(), serviceAccountClaims(other.issuer(), "jobs", "report", workloadAudience, now)))
	require.NoError(t, err)

	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := good()
		change(c)
		return c
	}
	enc := base64.RawURLEncoding.EncodeToString
	hmacKey := make([]byte, 32)
	_, _ = rand.Read(hmacKey)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, good())
	hs.Header["kid"] = cluster.signingKey().ID()
	hsToken, err := hs.SignedString(hmacKey)
	require.NoError(t, err)
	for _, c := range []struct{ name, external, reason string }{
		{"wrong issuer", sign(t, other.signingKey(), serviceAccountClaims(other.issuer(), "jobs", "report", workloadAudience, now)), "assertion"}, // read as the client's own assertion: no credential names its issuer
		{"wrong subject", sign(t, cluster.signingKey(), with(func(c jwt.MapClaims) { c["sub"] = "system:serviceaccount:jobs:other" })), "no credential"},
		{"wrong audience", sign(t, cluster.signingKey(), with(func(c jwt.MapClaims) { c["aud"] = []string{"https://kubernetes.default.svc"} })), "wrong audience"},
		{"expired", sign(t, cluster.signingKey(), with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })), "expired"},
		{"no exp", sign(t, cluster.signingKey(), with(func(c jwt.MapClaims) { delete(c, "exp") })), "missing claim"},
		{"unsigned", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(mustJSON(t, good()))) + ".", "algorithm"},
		{"HS256", hsToken, "algorithm"},
		{"another issuer's key", sign(t, other.signingKey(), good()), "no key of its kid"},
		{"another issuer's key under this issuer's kid", strings.Join(append(strings.Split(sign(t, cluster.signingKey(), good()), ".")[:2], strings.Split(sign(t, other.signingKey(), good()), ".")[2]), "."), "signature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.exchange(app.SID, c.external)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			ev := e.lastEvent(t, oauthapp.EventAuthenticationFail)
			assertRefusedFederated(t, ev, c.reason)
			assert.Equal(t, app.SID, ev.AppSID)
			if sig := c.external[strings.LastIndexByte(c.external, '.')+1:]; sig != "" {
				assert.NotContains(t, ev.Detail, sig, "no signature in the event")
			}
		})
	}
}

func TestUnreachableIssuerFailsClosedWithoutSlowingOtherIssuers(t *testing.T) {
	down, up := newStandIn(t, token.RS256), newStandIn(t, token.RS256)
	down.hangUntilCleanup(t)
	client := trustAll(down, up)
	client.Timeout = time.Second
	e := newFedEnv(t, client)
	downApp := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: down.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	upApp := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: up.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	now := e.clock.Now()
	downToken := sign(t, down.signingKey(), serviceAccountClaims(down.issuer(), "jobs", "report", workloadAudience, now))
	upToken := sign(t, up.signingKey(), serviceAccountClaims(up.issuer(), "jobs", "report", workloadAudience, now))

	result := make(chan error, 1)
	go func() {
		_, err := e.exchange(downApp.SID, downToken)
		result <- err
	}()
	<-down.entered // the fetch of the unreachable issuer's keys is under way

	// Meanwhile, another issuer's apps get their tokens.
	for range 3 {
		_, err := e.exchange(upApp.SID, upToken)
		require.NoError(t, err)
	}
	select {
	case err := <-result:
		t.Fatalf("the unreachable issuer's request ended (%v) before the other issuer's were served", err)
	default:
	}

	start := time.Now()
	err := <-result
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "fails closed")
	assert.Less(t, time.Since(start), 5*time.Second, "ends by the client's timeout, not the issuer's")
	assertRefusedFederated(t, e.lastEvent(t, oauthapp.EventAuthenticationFail), "could not be fetched")

	// The next request is refused at once, without a second fetch.
	_, err = e.exchange(downApp.SID, downToken)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	assert.EqualValues(t, 1, down.discoveries.Load())
}

func TestRemovingACredentialStopsItsTokens(t *testing.T) {
	cluster := newStandIn(t, token.RS256)
	e := newFedEnv(t, trustAll(cluster))
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	external := sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now()))
	tok, err := e.exchange(app.SID, external)
	require.NoError(t, err)

	cred := app.FederatedCredentials[0]
	app, err = e.svc.RemoveFederatedCredential(context.Background(), e.owner, app.SID, cred.ID, 0)
	require.NoError(t, err)
	assert.Empty(t, app.FederatedCredentials)
	ev := e.lastEvent(t, oauthapp.EventFederatedCredentialRemoved)
	assert.Equal(t, cred.ID, ev.CredentialID)
	assert.Equal(t, e.owner, ev.Actor)

	_, err = e.exchange(app.SID, external)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient, "no new token")
	_, err = e.svc.Authorize(context.Background(), tok.AccessToken, oauthapp.Resource{Permission: "/demo/reports/reports/read", AccountSID: app.AccountSID})
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken, "nor does a token it obtained still work")

	// A new credential for the same issuer and subject does not bring
	// the old token back.
	_, err = e.svc.AddFederatedCredential(context.Background(), e.owner, app.SID, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience}, 0)
	require.NoError(t, err)
	_, err = e.svc.Authorize(context.Background(), tok.AccessToken, oauthapp.Resource{Permission: "/demo/reports/reports/read", AccountSID: app.AccountSID})
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken)
	_, err = e.exchange(app.SID, external)
	assert.NoError(t, err)
}

func TestFederatedCredentialsAreCheckedBeforeAnythingIsWritten(t *testing.T) {
	e := newFedEnv(t, nil)
	ctx := context.Background()
	app, _, err := e.svc.CreateApp(ctx, e.owner, oauthapp.NewApp{FriendlyName: "app", Permissions: oauthapp.Permissions{Allow: []string{"/demo/reports/reports/read"}}})
	require.NoError(t, err)
	good := oauthapp.FederatedCredential{Name: "job", Issuer: "https://oidc.cluster.example", Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience}
	with := func(change func(*oauthapp.FederatedCredential)) oauthapp.FederatedCredential {
		c := good
		change(&c)
		return c
	}
	for _, c := range []struct {
		name, argument string
		cred           oauthapp.FederatedCredential
	}{
		{"no name", "Name", with(func(c *oauthapp.FederatedCredential) { c.Name = "" })},
		{"a name with a space", "Name", with(func(c *oauthapp.FederatedCredential) { c.Name = "my job" })},
		{"a name starting with a dash", "Name", with(func(c *oauthapp.FederatedCredential) { c.Name = "-job" })},
		{"a name too long", "Name", with(func(c *oauthapp.FederatedCredential) { c.Name = strings.Repeat("a", 121) })},
		{"an http issuer", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "http://oidc.cluster.example" })},
		{"an http loopback issuer without the unsafe option", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "http://127.0.0.1:8080" })},
		{"user information", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://user:pass@oidc.example" })},
		{"a fragment", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://oidc.example/#x" })},
		{"an empty fragment", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://oidc.example/#" })},
		{"a query", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://oidc.example/?tenant=a" })},
		{"no host", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https:///path" })},
		{"a relative URL", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "oidc.example" })},
		{"an uppercase scheme", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "HTTPS://oidc.example" })},
		{"a space", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://oidc.example/a b" })},
		{"too long", "Issuer", with(func(c *oauthapp.FederatedCredential) { c.Issuer = "https://oidc.example/" + strings.Repeat("a", 500) })},
		{"no subject", "Subject", with(func(c *oauthapp.FederatedCredential) { c.Subject = "" })},
		{"a control character in the subject", "Subject", with(func(c *oauthapp.FederatedCredential) { c.Subject = "a\nb" })},
		{"no audience", "Audience", with(func(c *oauthapp.FederatedCredential) { c.Audience = "" })},
		{"an audience too long", "Audience", with(func(c *oauthapp.FederatedCredential) { c.Audience = strings.Repeat("a", 601) })},
		{"a description with a newline", "Description", with(func(c *oauthapp.FederatedCredential) { c.Description = "a\nb" })},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.AddFederatedCredential(ctx, e.owner, app.SID, c.cred, 0)
			var arg *oauthapp.ArgumentError
			require.ErrorAs(t, err, &arg)
			assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument)
			assert.Equal(t, c.argument, arg.Argument)
			got, err := e.svc.GetApp(ctx, e.owner, app.SID)
			require.NoError(t, err)
			assert.Equal(t, app.Version, got.Version, "nothing written")
		})
	}

	_, err = e.svc.AddFederatedCredential(ctx, e.owner, app.SID, good, 0)
	require.NoError(t, err)
	_, err = e.svc.AddFederatedCredential(ctx, e.owner, app.SID, with(func(c *oauthapp.FederatedCredential) { c.Subject = "other" }), 0)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "a name the app holds")
	_, err = e.svc.AddFederatedCredential(ctx, e.owner, app.SID, with(func(c *oauthapp.FederatedCredential) { c.Name = "other" }), 0)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "an issuer and subject the app holds")
	for i := 1; i < 20; i++ {
		_, err = e.svc.AddFederatedCredential(ctx, e.owner, app.SID, with(func(c *oauthapp.FederatedCredential) {
			c.Name, c.Subject = "job-"+string(rune('a'+i)), "system:serviceaccount:jobs:"+string(rune('a'+i))
		}), 0)
		require.NoError(t, err)
	}
	_, err = e.svc.AddFederatedCredential(ctx, e.owner, app.SID, with(func(c *oauthapp.FederatedCredential) { c.Name, c.Subject = "one-more", "x" }), 0)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "20 at most")

	_, err = e.svc.RemoveFederatedCredential(ctx, e.owner, app.SID, "FC00000000000000000000000000000000", 0)
	var arg *oauthapp.ArgumentError
	require.ErrorAs(t, err, &arg, "an id the app does not hold")
	assert.Equal(t, "credentialID", arg.Argument)

	_, _, err = e.svc.CreateApp(ctx, e.owner, oauthapp.NewApp{FriendlyName: "none", Permissions: oauthapp.Permissions{Allow: []string{"/demo/reports/reports/read"}}, NoSecret: true})
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "an app without a secret needs some credential")
}

func TestOnlyActorsWhoManageTheAppChangeItsCredentials(t *testing.T) {
	e := newFedEnv(t, nil)
	ctx := context.Background()
	cred := oauthapp.FederatedCredential{Name: "job", Issuer: "https://oidc.cluster.example", Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience}
	app := e.federatedApp(t, cred)
	stranger := oauthapp.Actor{UserSID: "US1", AccountSID: "AC-other", Role: oauthapp.RoleOwner}
	viewer := e.owner
	viewer.Role = "viewer"
	for _, actor := range []oauthapp.Actor{stranger, viewer} {
		_, err := e.svc.AddFederatedCredential(ctx, actor, app.SID, oauthapp.FederatedCredential{Name: "bad"}, 0)
		assert.ErrorIs(t, err, oauthapp.ErrForbidden, "refused before the credential is read")
		_, err = e.svc.RemoveFederatedCredential(ctx, actor, app.SID, app.FederatedCredentials[0].ID, 0)
		assert.ErrorIs(t, err, oauthapp.ErrForbidden)
	}
	got, err := e.svc.GetApp(ctx, e.owner, app.SID)
	require.NoError(t, err)
	assert.Equal(t, app.FederatedCredentials, got.FederatedCredentials)

	dev := e.owner
	dev.Role = oauthapp.RoleDeveloper
	got, err = e.svc.AddFederatedCredential(ctx, dev, app.SID, oauthapp.FederatedCredential{Name: "ci", Issuer: "https://token.actions.example", Subject: "repo:acme/web:ref:refs/heads/main", Audience: "https://github.com/acme"}, app.Version)
	require.NoError(t, err)
	ev := e.lastEvent(t, oauthapp.EventFederatedCredentialAdded)
	assert.Equal(t, got.FederatedCredentials[1].ID, ev.CredentialID)
	assert.Equal(t, dev, ev.Actor)
	_, err = e.svc.AddFederatedCredential(ctx, dev, app.SID, oauthapp.FederatedCredential{Name: "ci2", Issuer: "https://token.actions.example", Subject: "x", Audience: "y"}, app.Version)
	assert.ErrorIs(t, err, oauthapp.ErrVersionMismatch, "If-Match of an older version")
}

func TestDefaultClientReachesNoLoopbackIssuer(t *testing.T) {
	cluster := newStandIn(t, token.RS256)
	e := newFedEnv(t, nil) // the default client
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
	_, err := e.exchange(app.SID, sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
	assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	assertRefusedFederated(t, e.lastEvent(t, oauthapp.EventAuthenticationFail), "is not public")
	assert.Zero(t, cluster.discoveries.Load(), "nothing reached the loopback address")
}

func TestUnsafeHTTPIssuersServeTestsOnLoopback(t *testing.T) {
	key, err := token.GenerateKey(token.ES256)
	require.NoError(t, err)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			writeDoc(w, "", map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks"})
			return
		}
		j, _ := key.JWK()
		writeDoc(w, "", token.JWKS{Keys: []token.JWK{j}})
	}))
	t.Cleanup(srv.Close)
	e := newFedEnv(t, nil, oauthapp.WithUnsafeHTTPIssuers())
	app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: srv.URL, Subject: "spiffe://example.org/ns/jobs/sa/report", Audience: workloadAudience})
	_, err = e.exchange(app.SID, sign(t, key, jwt.MapClaims{
		"iss": srv.URL, "sub": "spiffe://example.org/ns/jobs/sa/report", "aud": workloadAudience, "exp": e.clock.Now().Add(5 * time.Minute).Unix(),
	}))
	assert.NoError(t, err, "a JWT-SVID-shaped token, ES256")

	_, err = e.svc.AddFederatedCredential(context.Background(), e.owner, app.SID, oauthapp.FederatedCredential{Name: "remote", Issuer: "http://oidc.example", Subject: "s", Audience: "a"}, 0)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, "http only on loopback, even then")
}

func TestIssuerDocumentsAreCheckedBeforeKeysAreTrusted(t *testing.T) {
	key, err := token.GenerateKey(token.RS256)
	require.NoError(t, err)
	for _, c := range []struct {
		name, reason string
		handler      func(url string) http.HandlerFunc
	}{
		{"discovery names another issuer", "another issuer", func(url string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				writeDoc(w, "", map[string]string{"issuer": "https://attacker.example", "jwks_uri": url + "/jwks"})
			}
		}},
		{"a redirect", "status 302", func(url string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://attacker.example/", http.StatusFound)
			}
		}},
		{"a discovery document too large", "longer than", func(url string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`{"issuer":"` + url + `","jwks_uri":"` + url + `/jwks","padding":"` + strings.Repeat("a", 70<<10) + `"}`))
			}
		}},
		{"a jwks_uri over http", "jwks_uri", func(url string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				writeDoc(w, "", map[string]string{"issuer": url, "jwks_uri": "http://" + strings.TrimPrefix(url, "https://") + "/jwks"})
			}
		}},
		{"a JWK Set with no usable key", "no key this service can verify with", func(url string) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/jwks" {
					_, _ = w.Write([]byte(`{"keys":[{"kty":"oct","kid":"a","k":"c2VjcmV0"}]}`))
					return
				}
				writeDoc(w, "", map[string]string{"issuer": url, "jwks_uri": url + "/jwks"})
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var h http.HandlerFunc
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r) }))
			t.Cleanup(srv.Close)
			h = c.handler(srv.URL)
			e := newFedEnv(t, srv.Client())
			app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: srv.URL, Subject: "s", Audience: workloadAudience})
			_, err := e.exchange(app.SID, sign(t, key, jwt.MapClaims{"iss": srv.URL, "sub": "s", "aud": workloadAudience, "exp": e.clock.Now().Add(time.Minute).Unix()}))
			assert.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			assertRefusedFederated(t, e.lastEvent(t, oauthapp.EventAuthenticationFail), c.reason)
		})
	}
}

func TestIssuerKeysAreKeptForTheirMaxAgeWithinBounds(t *testing.T) {
	for _, c := range []struct {
		name, cacheControl string
		kept, gone         time.Duration
	}{
		{"max-age", "public, max-age=600", 9 * time.Minute, 11 * time.Minute},
		{"no header: an hour", "", 59 * time.Minute, 61 * time.Minute},
		{"a max-age under five minutes counts as five", "max-age=10", 4 * time.Minute, 6 * time.Minute},
		{"no-store counts as five minutes", "no-store", 4 * time.Minute, 6 * time.Minute},
		{"a max-age over a day counts as a day", "max-age=31536000", 23 * time.Hour, 25 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			cluster := newStandIn(t, token.ES256)
			cluster.cacheControl = c.cacheControl
			e := newFedEnv(t, trustAll(cluster))
			app := e.federatedApp(t, oauthapp.FederatedCredential{Name: "job", Issuer: cluster.issuer(), Subject: "system:serviceaccount:jobs:report", Audience: workloadAudience})
			start := e.clock.Now()
			exchange := func(after time.Duration) {
				t.Helper()
				e.clock.Set(start.Add(after))
				_, err := e.exchange(app.SID, sign(t, cluster.signingKey(), serviceAccountClaims(cluster.issuer(), "jobs", "report", workloadAudience, e.clock.Now())))
				require.NoError(t, err)
			}
			exchange(0)
			exchange(c.kept)
			assert.EqualValues(t, 1, cluster.fetches.Load(), "kept until %v", c.kept)
			exchange(c.gone)
			assert.EqualValues(t, 2, cluster.fetches.Load(), "fetched again by %v", c.gone)
		})
	}
}

// assertRefusedFederated checks that a refused federated token's audit
// event has the bad_assertion reason and says why in its detail.
func assertRefusedFederated(t *testing.T, ev oauthapp.Event, why string) {
	t.Helper()
	assert.Equal(t, oauthapp.ReasonBadAssertion, ev.Reason)
	assert.Contains(t, ev.Detail, why)
}
