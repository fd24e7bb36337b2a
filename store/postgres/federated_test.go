package postgres

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

// clusterIssuer is a stand-in Kubernetes issuer on TLS: it signs service
// account tokens with one RSA key and publishes it by discovery.
type clusterIssuer struct {
	srv *httptest.Server
	key *rsa.PrivateKey
}

func newClusterIssuer(t *testing.T) *clusterIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	c := &clusterIssuer{key: key}
	c.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/openid-configuration" {
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": c.srv.URL, "jwks_uri": c.srv.URL + "/openid/v1/jwks"})
			return
		}
		pub, _ := token.NewSignerKey("cluster-1", key)
		jwk, _ := pub.JWK()
		_ = json.NewEncoder(w).Encode(token.JWKS{Keys: []token.JWK{jwk}})
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// serviceAccountToken is a projected token of jobs/report for aud.
func (c *clusterIssuer) serviceAccountToken(t *testing.T) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": c.srv.URL, "sub": "system:serviceaccount:jobs:report", "aud": []string{"api://oauthapps"},
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "cluster-1"
	raw, err := tok.SignedString(c.key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestFederatedCredentialsAreSharedByInstances: a credential added through
// one instance works on another, whose cache held the app without it;
// removed through one, the other refuses its issuer's tokens, and the
// access tokens it obtained, within the propagation bound, while an
// instance without notifications still accepts them then: the refusal
// comes from the store's notification, not from a cache miss.
func TestFederatedCredentialsAreSharedByInstances(t *testing.T) {
	d := newDeployment(t)
	cluster := newClusterIssuer(t)
	instance := func(st *Store, opts ...oauthapp.Option) *oauthapp.Service {
		return d.service(t, st, append([]oauthapp.Option{oauthapp.WithCache(cacheStale, 0), oauthapp.WithIssuerHTTPClient(cluster.srv.Client())}, opts...)...)
	}
	writer, reader := instance(openStore(t, testPool(t), d.schema)), instance(openStore(t, testPool(t), d.schema))
	ctx := context.Background()
	app, sec := d.newApp(t, writer)
	external := cluster.serviceAccountToken(t)
	exchange := func(svc *oauthapp.Service) probe {
		return probe{"IssueToken with the service account token", func() error {
			_, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientAssertion: external})
			return err
		}, oauthapp.ErrInvalidClient}
	}
	// The reader caches the app as it is, without a credential.
	accept(t, "before the credential", authenticates(reader, app.SID, sec))
	if exchange(reader).do() == nil {
		t.Fatal("a service account token authenticates before any credential trusts it")
	}

	app, err := writer.AddFederatedCredential(ctx, d.owner, app.SID, oauthapp.FederatedCredential{
		Name: "report-job", Issuer: cluster.srv.URL, Subject: "system:serviceaccount:jobs:report", Audience: "api://oauthapps",
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	added := time.Now()
	for exchange(reader).do() != nil {
		if time.Since(added) > refusalDeadline {
			t.Fatalf("the other instance does not accept the new credential after %v", refusalDeadline)
		}
		time.Sleep(time.Millisecond)
	}
	tookAdd := time.Since(added)
	if tookAdd > propagationBound {
		t.Errorf("the credential worked on the other instance after %v, more than the %v bound", tookAdd, propagationBound)
	}
	obtained, err := reader.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientAssertion: external})
	if err != nil {
		t.Fatal(err)
	}
	// An instance that hears of no change, with the app cached as it is
	// now: the control.
	deaf := d.service(t, unwatched{openStore(t, testPool(t), d.schema)}, oauthapp.WithCache(cacheStale, 0), oauthapp.WithIssuerHTTPClient(cluster.srv.Client()))
	accept(t, "instance without notifications", d.authorizes(deaf, obtained.AccessToken, nil), exchange(deaf))

	if _, err := writer.RemoveFederatedCredential(ctx, d.owner, app.SID, app.FederatedCredentials[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	took := awaitRefusal(t, removed, exchange(reader), d.authorizes(reader, obtained.AccessToken, oauthapp.ErrInvalidToken))
	if took > propagationBound {
		t.Errorf("the other instance refused the removed credential after %v, more than the %v bound", took, propagationBound)
	}
	accept(t, "instance without notifications, after the removal", d.authorizes(deaf, obtained.AccessToken, nil), exchange(deaf))
	t.Logf("added -> accepted on the other instance: %v; removed -> refused there: %v", tookAdd, took)
}
