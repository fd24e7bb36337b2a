package bench

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"sync"
	"testing"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/storage"
	"github.com/ory/fosite/token/jwt"
	"golang.org/x/crypto/bcrypt"

	fositepeer "github.com/oauthapps/oauthapps/bench/internal/peer"
)

// fositeHashing is how a fosite row stores and checks the client secret.
type fositeHashing int

const (
	// fositeDefault is fosite's default: bcrypt at cost 12.
	fositeDefault fositeHashing = iota
	// fositeMinCost is bcrypt at its minimum cost, 4.
	fositeMinCost
	// fositePlain is no hashing: a constant-time compare of the plaintext,
	// which leaves the framework's own cost.
	fositePlain
)

// fositeTokens is the access-token strategy of a fosite row.
type fositeTokens int

const (
	// fositeHMAC is fosite's default opaque token, an HMAC-SHA512/256 over
	// random bytes, stored under its signature.
	fositeHMAC fositeTokens = iota
	// fositeJWT is fosite's JWT strategy with a P-256 key: ES256, the
	// nearest to ours that fosite's signer offers (it takes RSA or ECDSA
	// keys only, no Ed25519).
	fositeJWT
)

// bcryptHash hashes the client secret once per cost and keeps it: a cost-12
// hash takes a quarter of a second and setup runs once per b.N round.
var bcryptHash = struct {
	sync.Mutex
	byCost map[int][]byte
}{byCost: map[int][]byte{}}

func hashedSecret(tb testing.TB, cost int) []byte {
	bcryptHash.Lock()
	defer bcryptHash.Unlock()
	if h, ok := bcryptHash.byCost[cost]; ok {
		return h
	}
	h, err := bcrypt.GenerateFromPassword([]byte(clientSecret), cost)
	if err != nil {
		tb.Fatalf("bcrypt: %v", err)
	}
	bcryptHash.byCost[cost] = h
	return h
}

// fositeKey is the ES256 signing key of the JWT rows.
var fositeKey = sync.OnceValue(func() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
})

// fositeServer is one composed fosite provider with its store and its token
// handler.
type fositeServer struct {
	provider fosite.OAuth2Provider
	store    *storage.MemoryStore
	handler  http.Handler
}

// newFosite composes a fosite provider for the client-credentials grant with
// the given secret hashing and token strategy, plus the introspection
// handlers built by introspection (none for the token rows).
func newFosite(tb testing.TB, hashing fositeHashing, tokens fositeTokens, introspection ...compose.Factory) *fositeServer {
	tb.Helper()
	cfg := fositepeer.FositeConfig(tokenTTL, tokenIssuer)
	client := fositepeer.FositeClient(clientID, nil, audience, scopeRead, scopeWrite)
	switch hashing {
	case fositeDefault:
		client.Secret = hashedSecret(tb, fosite.DefaultBCryptWorkFactor)
	case fositeMinCost:
		cfg.HashCost = bcrypt.MinCost
		client.Secret = hashedSecret(tb, bcrypt.MinCost)
	case fositePlain:
		cfg.ClientSecretsHasher = fositepeer.PlainHasher{}
		client.Secret = []byte(clientSecret)
	}
	store := storage.NewMemoryStore()
	store.Clients[clientID] = client

	var strategy any = compose.NewOAuth2HMACStrategy(cfg)
	if tokens == fositeJWT {
		key := fositeKey()
		strategy = compose.NewOAuth2JWTStrategy(
			func(context.Context) (any, error) { return key, nil },
			compose.NewOAuth2HMACStrategy(cfg), cfg)
	}
	factories := append([]compose.Factory{compose.OAuth2ClientCredentialsGrantFactory}, introspection...)
	provider := compose.Compose(cfg, store, strategy, factories...)
	return &fositeServer{
		provider: provider,
		store:    store,
		handler:  fositepeer.FositeTokenHandler(provider, audience, func() fosite.Session { return newFositeSession() }),
	}
}

// newFositeSession is the session of one token: the client is its subject,
// and the JWT strategy also writes client_id, as ours does.
func newFositeSession() *oauth2.JWTSession {
	return &oauth2.JWTSession{
		JWTClaims: &jwt.JWTClaims{
			Subject: clientID,
			Extra:   map[string]any{"client_id": clientID},
		},
		JWTHeader: &jwt.Headers{},
		Subject:   clientID,
	}
}

// prune empties the store's access-token tables. The benchmarks call it with
// the timers paused and no request in flight, so the store's own locks are
// not needed.
func (s *fositeServer) prune() {
	s.store.AccessTokens = make(map[string]fosite.Requester)
	s.store.AccessTokenRequestIDs = make(map[string]string)
}

// introspect validates an access token as a resource server holding the
// provider would, asking for one scope.
func (s *fositeServer) introspect(token string) error {
	_, _, err := s.provider.IntrospectToken(context.Background(), token, fosite.AccessToken, newFositeSession(), scopeRead)
	return err
}

// BenchmarkTokenEndpointFosite is fosite's token endpoint for every secret hashing
// and token strategy. The bcrypt-12 rows cost about a quarter of a second
// each; compare.sh runs them a fixed few times.
func BenchmarkTokenEndpointFosite(b *testing.B) {
	rows := []struct {
		name    string
		hashing fositeHashing
		tokens  fositeTokens
	}{
		{"Bcrypt12-HMAC", fositeDefault, fositeHMAC},
		{"Bcrypt12-ES256", fositeDefault, fositeJWT},
		{"Bcrypt4-HMAC", fositeMinCost, fositeHMAC},
		{"Bcrypt4-ES256", fositeMinCost, fositeJWT},
		{"Plain-HMAC", fositePlain, fositeHMAC},
		{"Plain-ES256", fositePlain, fositeJWT},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			s := newFosite(b, row.hashing, row.tokens)
			benchTokens(b, s.handler, peerClient, s.prune)
		})
	}
}

// BenchmarkValidateFosite is fosite's introspection of its own access
// tokens, called in process: the HMAC token is looked up in the store; the
// ES256 token is verified and looked up (the default core validator) or
// only verified (the stateless JWT validator).
func BenchmarkValidateFosite(b *testing.B) {
	rows := []struct {
		name          string
		tokens        fositeTokens
		introspection compose.Factory
	}{
		{"HMAC", fositeHMAC, compose.OAuth2TokenIntrospectionFactory},
		{"ES256", fositeJWT, compose.OAuth2TokenIntrospectionFactory},
		{"ES256-Stateless", fositeJWT, compose.OAuth2StatelessJWTIntrospectionFactory},
	}
	for _, row := range rows {
		b.Run(row.name, func(b *testing.B) {
			s := newFosite(b, fositePlain, row.tokens, row.introspection)
			token := issueToken(b, s.handler, peerClient).AccessToken
			b.ReportAllocs()
			m := startCPU(b)
			for range b.N {
				if err := s.introspect(token); err != nil {
					b.Fatalf("introspect: %v", err)
				}
			}
			m.Stop()
		})
	}
}
