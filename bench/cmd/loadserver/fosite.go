package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"

	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/oauth2"
	"github.com/ory/fosite/storage"
	"github.com/ory/fosite/token/jwt"
	"golang.org/x/crypto/bcrypt"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
	"github.com/oauthapps/oauthapps/bench/internal/peer"
)

// newFosite is fosite composed for the client-credentials grant with its
// default opaque HMAC tokens and its in-memory store, hashing client
// secrets with bcrypt at its default cost ("bcrypt") or not at all
// ("none"). The API call introspects the token for one scope, as a
// resource server holding the provider does.
func newFosite(hashing string, n int) (*backend, error) {
	cfg := peer.FositeConfig(tokenTTL, tokenIssuer)
	secret := rand.Text()
	var stored []byte
	switch hashing {
	case "bcrypt":
		h, err := bcrypt.GenerateFromPassword([]byte(secret), fosite.DefaultBCryptWorkFactor)
		if err != nil {
			return nil, err
		}
		stored = h
	case "none":
		cfg.ClientSecretsHasher = peer.PlainHasher{}
		stored = []byte(secret)
	default:
		return nil, fmt.Errorf("unknown -hash %q", hashing)
	}
	st := storage.NewMemoryStore()
	b := &backend{account: "AC" + strings.Repeat("0", 32)}
	for i := range n {
		id := fmt.Sprintf("client-%d", i)
		st.Clients[id] = peer.FositeClient(id, stored, audience, scopeRead, scopeWrite)
		b.clients = append(b.clients, loadproto.Client{ID: id, Secret: secret})
	}
	provider := compose.Compose(cfg, st, compose.NewOAuth2HMACStrategy(cfg),
		compose.OAuth2ClientCredentialsGrantFactory, compose.OAuth2TokenIntrospectionFactory)
	session := func() *oauth2.JWTSession {
		return &oauth2.JWTSession{JWTClaims: &jwt.JWTClaims{}, JWTHeader: &jwt.Headers{}}
	}
	b.token = peer.FositeTokenHandler(provider, audience, func() fosite.Session { return session() })
	b.api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := fosite.AccessTokenFromRequest(r)
		if _, _, err := provider.IntrospectToken(r.Context(), tok, fosite.AccessToken, session(), scopeRead); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return b, nil
}
