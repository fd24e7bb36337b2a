package bench

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"unsafe"

	"github.com/go-oauth2/oauth2/v4"
	"github.com/go-oauth2/oauth2/v4/generates"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
	jwtv5 "github.com/golang-jwt/jwt/v5"
	"github.com/tidwall/buntdb"
)

// goOAuth2Tokens is the access-token generator of a go-oauth2 row.
type goOAuth2Tokens int

const (
	// goOAuth2Default is go-oauth2's default opaque token.
	goOAuth2Default goOAuth2Tokens = iota
	// goOAuth2JWT is its JWT generator with HS256, the algorithm of our
	// HS256 row (the generator takes any golang-jwt method).
	goOAuth2JWT
)

// goOAuth2Key is the HS256 key of the JWT rows, 256 bits as ours.
var goOAuth2Key = []byte("a 32-byte hs256 key for go-oauth")

// goOAuth2Server is one go-oauth2 server with its manager and token store.
type goOAuth2Server struct {
	manager *manage.Manager
	srv     *server.Server
	tokens  oauth2.TokenStore
	handler http.Handler
}

// newGoOAuth2 builds a go-oauth2 server for the client-credentials grant:
// in-memory client and token stores, client_secret_basic, one-hour tokens.
// Its stores are closed when tb ends.
func newGoOAuth2(tb testing.TB, tokens goOAuth2Tokens) *goOAuth2Server {
	tb.Helper()
	manager := manage.NewDefaultManager()
	manager.SetClientTokenCfg(&manage.Config{AccessTokenExp: tokenTTL})
	if tokens == goOAuth2JWT {
		manager.MapAccessGenerate(generates.NewJWTAccessGenerate("", goOAuth2Key, jwtv5.SigningMethodHS256))
	}
	clients := store.NewClientStore()
	if err := clients.Set(clientID, &models.Client{ID: clientID, Secret: clientSecret}); err != nil {
		tb.Fatalf("go-oauth2 client store: %v", err)
	}
	manager.MapClientStorage(clients)

	srv := server.NewDefaultServer(manager)
	srv.SetAllowedGrantType(oauth2.ClientCredentials)
	srv.SetClientInfoHandler(server.ClientBasicHandler)
	s := &goOAuth2Server{
		manager: manager,
		srv:     srv,
		handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// HandleTokenRequest has written the error reply already.
			_ = srv.HandleTokenRequest(w, r)
		}),
	}
	s.renewTokenStore(tb)
	tb.Cleanup(func() {
		if err := closeTokenStore(s.tokens); err != nil {
			tb.Errorf("go-oauth2 token store: %v", err)
		}
	})
	return s
}

// renewTokenStore gives the manager a fresh in-memory token store and closes
// the old one.
func (s *goOAuth2Server) renewTokenStore(tb testing.TB) {
	tb.Helper()
	if s.tokens != nil {
		if err := closeTokenStore(s.tokens); err != nil {
			tb.Fatalf("go-oauth2 token store: %v", err)
		}
	}
	ts, err := store.NewMemoryTokenStore()
	if err != nil {
		tb.Fatalf("go-oauth2 token store: %v", err)
	}
	s.tokens = ts
	s.manager.MapTokenStorage(ts)
}

var errNoBuntDB = errors.New("bench: go-oauth2 token store has no buntdb handle")

// closeTokenStore closes the buntdb database inside go-oauth2's in-memory
// token store. The store keeps every token for its lifetime and offers no
// way to drop them all (RemoveByAccess leaves the token's data behind) nor
// to close it, and each open database runs a goroutine until closed. The
// handle is an unexported field, reached here by reflection; if a later
// go-oauth2 renames it, this fails loudly instead of leaking.
func closeTokenStore(ts oauth2.TokenStore) error {
	v := reflect.ValueOf(ts)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return errNoBuntDB
	}
	f := v.Elem().FieldByName("db")
	if !f.IsValid() || !f.CanAddr() {
		return errNoBuntDB
	}
	db, ok := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(*buntdb.DB)
	if !ok || db == nil {
		return errNoBuntDB
	}
	return db.Close()
}

// goOAuth2Rows are the go-oauth2 configurations, for issuing and validating.
var goOAuth2Rows = []struct {
	name   string
	tokens goOAuth2Tokens
}{
	{"Default", goOAuth2Default},
	{"HS256", goOAuth2JWT},
}

// BenchmarkTokenEndpointGoOAuth2 is go-oauth2's token endpoint with its default
// opaque tokens and with its JWT generator. go-oauth2 compares client
// secrets in plaintext: there is no hashing to separate out.
func BenchmarkTokenEndpointGoOAuth2(b *testing.B) {
	for _, row := range goOAuth2Rows {
		b.Run(row.name, func(b *testing.B) {
			s := newGoOAuth2(b, row.tokens)
			benchTokens(b, s.handler, peerClient, func() { s.renewTokenStore(b) })
		})
	}
}

// BenchmarkValidateGoOAuth2 is go-oauth2's bearer validation of its own
// tokens. For both kinds it is a store lookup and an expiry check: go-oauth2
// does not verify the JWT's signature, it looks the string up.
func BenchmarkValidateGoOAuth2(b *testing.B) {
	for _, row := range goOAuth2Rows {
		b.Run(row.name, func(b *testing.B) {
			s := newGoOAuth2(b, row.tokens)
			r := newBearerRequest(issueToken(b, s.handler, peerClient).AccessToken)
			b.ReportAllocs()
			m := startCPU(b)
			for range b.N {
				if _, err := s.srv.ValidationBearerToken(r); err != nil {
					b.Fatalf("validate: %v", err)
				}
			}
			m.Stop()
		})
	}
}

// newBearerRequest is a resource request carrying token. go-oauth2 reads the
// token from the request; the benchmark builds the request once.
func newBearerRequest(token string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/v1/messages", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}
