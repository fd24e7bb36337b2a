package oauthapp_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// standIn is a stand-in OpenID Connect issuer on an httptest TLS server:
// a discovery document and a JWK Set of the keys it signs with, counting
// the fetches of its keys.
type standIn struct {
	srv *httptest.Server

	mu           sync.Mutex
	keys         []*token.Key // published; keys[0] signs
	cacheControl string

	discoveries atomic.Int32
	fetches     atomic.Int32 // of the JWK Set
	// hang, when set, holds every request until it is closed; entered
	// receives a value as each held request arrives.
	hang    chan struct{}
	entered chan struct{}
}

// newStandIn starts a stand-in issuer that signs with a new key of alg.
func newStandIn(t *testing.T, alg token.Algorithm) *standIn {
	t.Helper()
	s := &standIn{}
	s.rotate(t, alg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		s.discoveries.Add(1)
		if s.hold(r) {
			return
		}
		writeDoc(w, "", map[string]string{"issuer": s.issuer(), "jwks_uri": s.issuer() + "/openid/v1/jwks"})
	})
	mux.HandleFunc("GET /openid/v1/jwks", func(w http.ResponseWriter, _ *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		var doc token.JWKS
		for _, k := range s.keys {
			j, _ := k.JWK()
			doc.Keys = append(doc.Keys, j)
		}
		cc := s.cacheControl
		s.mu.Unlock()
		writeDoc(w, cc, doc)
	})
	s.srv = httptest.NewTLSServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func writeDoc(w http.ResponseWriter, cacheControl string, v any) {
	if cacheControl != "" {
		w.Header().Set("Cache-Control", cacheControl)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// hold blocks a request while hang is set; it reports whether it did.
func (s *standIn) hold(r *http.Request) bool {
	s.mu.Lock()
	hang, entered := s.hang, s.entered
	s.mu.Unlock()
	if hang == nil {
		return false
	}
	entered <- struct{}{}
	select {
	case <-hang:
	case <-r.Context().Done():
	}
	return true
}

// hangUntilCleanup makes the issuer answer nothing until the test ends.
func (s *standIn) hangUntilCleanup(t *testing.T) {
	s.mu.Lock()
	s.hang, s.entered = make(chan struct{}), make(chan struct{}, 16)
	s.mu.Unlock()
	t.Cleanup(func() { close(s.hang) })
}

func (s *standIn) issuer() string { return s.srv.URL }

// rotate makes a new key of alg the signing key and the only one
// published.
func (s *standIn) rotate(t *testing.T, alg token.Algorithm) *token.Key {
	t.Helper()
	k, err := token.GenerateKey(alg)
	require.NoError(t, err)
	s.mu.Lock()
	s.keys = []*token.Key{k}
	s.mu.Unlock()
	return k
}

// signingKey returns the key the issuer signs with now.
func (s *standIn) signingKey() *token.Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[0]
}

// sign signs claims with k under its kid, as the issuer would.
func sign(t *testing.T, k *token.Key, claims jwt.MapClaims) string {
	t.Helper()
	pemKey, err := k.MarshalPrivateKeyPEM()
	require.NoError(t, err)
	var method jwt.SigningMethod
	var priv any
	switch k.Algorithm() {
	case token.RS256:
		method = jwt.SigningMethodRS256
		priv, err = jwt.ParseRSAPrivateKeyFromPEM(pemKey)
	case token.ES256:
		method = jwt.SigningMethodES256
		priv, err = jwt.ParseECPrivateKeyFromPEM(pemKey)
	default:
		method = jwt.SigningMethodEdDSA
		priv, err = jwt.ParseEdPrivateKeyFromPEM(pemKey)
	}
	require.NoError(t, err)
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = k.ID()
	raw, err := tok.SignedString(priv)
	require.NoError(t, err)
	return raw
}

// serviceAccountClaims are the claims of a Kubernetes projected service
// account token for namespace/name, audience aud, issued at now.
func serviceAccountClaims(issuer, namespace, name, aud string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": issuer, "sub": "system:serviceaccount:" + namespace + ":" + name,
		"aud": []string{aud}, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"jti": "9a0b6f39-e5e3-4a33-8c34-7b0b7f1c9c10",
		"kubernetes.io": map[string]any{
			"namespace":      namespace,
			"serviceaccount": map[string]string{"name": name, "uid": "5e0c2f74-3b6b-4b8c-9d3a-6c0f1f4b2a11"},
		},
	}
}

// actionsClaims are the claims of a GitHub Actions OIDC token of a run of
// org/repo on main.
func actionsClaims(issuer, org, repo, aud string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": issuer, "sub": "repo:" + org + "/" + repo + ":ref:refs/heads/main", "aud": aud,
		"iat": now.Unix(), "nbf": now.Add(-5 * time.Second).Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti": "example-id", "ref": "refs/heads/main", "repository": org + "/" + repo,
		"repository_owner": org, "event_name": "push", "workflow": "deploy", "run_id": "1234567890",
	}
}

// trustAll returns a client that trusts the stand-ins' TLS certificates.
func trustAll(issuers ...*standIn) *http.Client {
	pool := x509.NewCertPool()
	for _, s := range issuers {
		pool.AddCert(s.srv.Certificate())
	}
	c := issuers[0].srv.Client()
	tr := c.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	return &http.Client{Transport: tr}
}

// fedEnv is a service that trusts stand-in issuers, with an audit log.
type fedEnv struct {
	svc   *oauthapp.Service
	clock *oauthapptest.Clock
	owner oauthapp.Actor

	mu     sync.Mutex
	events []oauthapp.Event
}

func newFedEnv(t *testing.T, client *http.Client, opts ...oauthapp.Option) *fedEnv {
	t.Helper()
	e := &fedEnv{clock: oauthapptest.NewClock(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)), owner: oauthapptest.NewActor(oauthapp.RoleOwner)}
	base := []oauthapp.Option{oauthapp.WithClock(e.clock.Now), oauthapp.WithAudit(func(_ context.Context, ev oauthapp.Event) {
		e.mu.Lock()
		e.events = append(e.events, ev)
		e.mu.Unlock()
	})}
	if client != nil {
		base = append(base, oauthapp.WithIssuerHTTPClient(client))
	}
	svc, err := oauthapp.New(store.NewMemory(), oauthapptest.NewKeys(t, token.EdDSA), append(base, opts...)...)
	require.NoError(t, err)
	e.svc = svc
	return e
}

// lastEvent returns the latest audit event of that kind.
func (e *fedEnv) lastEvent(t *testing.T, kind oauthapp.EventKind) oauthapp.Event {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := len(e.events) - 1; i >= 0; i-- {
		if e.events[i].Kind == kind {
			return e.events[i]
		}
	}
	t.Fatalf("no %s event", kind)
	return oauthapp.Event{}
}

// federatedApp creates an app without a secret that trusts cred.
func (e *fedEnv) federatedApp(t *testing.T, cred oauthapp.FederatedCredential) oauthapp.App {
	t.Helper()
	app, sec, err := e.svc.CreateApp(context.Background(), e.owner, oauthapp.NewApp{
		FriendlyName:         "workload",
		Permissions:          oauthapp.Permissions{Allow: []string{"/demo/reports/reports/read"}},
		NoSecret:             true,
		FederatedCredentials: []oauthapp.FederatedCredential{cred},
	})
	require.NoError(t, err)
	require.Empty(t, sec.ID(), "an app with federated credentials only has no secret")
	return app
}

// exchange asks for a token for the app with an external token.
func (e *fedEnv) exchange(appSID, external string) (oauthapp.Token, error) {
	return e.svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: appSID, ClientAssertion: external})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
