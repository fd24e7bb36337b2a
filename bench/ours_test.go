package bench

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

// oursAlgs are the algorithms our rows run with: EdDSA is the default,
// ES256 matches fosite's JWT rows, HS256 matches go-oauth2's.
var oursAlgs = []token.Algorithm{token.EdDSA, token.ES256, token.HS256}

// ours is our token endpoint on the in-memory store, with one app allowed
// the job's two scopes and one-hour tokens, as the peers are set up.
type ours struct {
	svc     *oauthapp.Service
	handler http.Handler
	client  credentials
	account string
}

func newOurs(tb testing.TB, alg token.Algorithm, opts ...oauthapp.Option) *ours {
	tb.Helper()
	kit := oauthapptest.New(tb, oauthapptest.WithAlgorithm(alg), oauthapptest.WithServiceOptions(append([]oauthapp.Option{
		oauthapp.WithClock(time.Now), oauthapp.WithIssuer(tokenIssuer), oauthapp.WithAudience(audience), oauthapp.WithTokenTTL(tokenTTL)}, opts...)...))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		tb.Fatal(err)
	}
	app := kit.NewApp(scopeRead, scopeWrite)
	return &ours{svc: kit.Service, handler: srv.Token(), client: credentials{id: app.SID, secret: kit.Secret(app.SID)}, account: kit.Owner.AccountSID}
}

// authorize is what a protected route asks per request: the token is
// valid, its app and secret are alive, it is not revoked, and it covers
// the route's permission on the route's account.
func (o *ours) authorize(bearer string) error {
	_, err := o.svc.Authorize(context.Background(), bearer, oauthapp.Resource{Permission: scopeRead, AccountSID: o.account})
	return err
}

func oursPeer(t *testing.T, alg token.Algorithm) peer {
	o := newOurs(t, alg)
	return peer{name: "ours " + string(alg), alg: string(alg), handler: o.handler, validate: o.authorize, client: o.client}
}

// BenchmarkTokenEndpointOurs is our token endpoint through its own
// http.Handler, client_secret_basic, as the peers' rows. It keeps no
// per-token state, so there is nothing to prune.
func BenchmarkTokenEndpointOurs(b *testing.B) {
	for _, alg := range oursAlgs {
		b.Run(string(alg), func(b *testing.B) {
			o := newOurs(b, alg)
			benchTokens(b, o.handler, o.client, nil)
		})
	}
}

// BenchmarkValidateOurs is our per-request authorization, in process, as
// the peers' validation rows: with the verified-token cache off, so that
// every request decodes the token and verifies its signature as theirs
// do.
func BenchmarkValidateOurs(b *testing.B) {
	for _, alg := range oursAlgs {
		b.Run(string(alg), func(b *testing.B) {
			benchAuthorize(b, newOurs(b, alg, oauthapp.WithTokenCache(0, 0)))
		})
	}
}

// BenchmarkValidateOursCached is a repeated token through Authorize with
// the verified-token cache warm, as it is by default: a client sends the
// token it fetched once an hour with every call. The signature is not
// verified again; the state checks (revocation, app, secret, policy,
// account, audience) still run.
func BenchmarkValidateOursCached(b *testing.B) {
	for _, alg := range oursAlgs {
		b.Run(string(alg), func(b *testing.B) {
			benchAuthorize(b, newOurs(b, alg))
		})
	}
}

// benchAuthorize authorizes one token of o's client b.N times, after a
// first authorization that warms what o caches.
func benchAuthorize(b *testing.B, o *ours) {
	bearer := issueToken(b, o.handler, o.client).AccessToken
	if err := o.authorize(bearer); err != nil {
		b.Fatalf("authorize: %v", err)
	}
	b.ReportAllocs()
	m := startCPU(b)
	for range b.N {
		if err := o.authorize(bearer); err != nil {
			b.Fatalf("authorize: %v", err)
		}
	}
	m.Stop()
}
