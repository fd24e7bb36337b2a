package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-oauth2/oauth2/v4"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
)

// newGoOAuth2 is go-oauth2's server for the client-credentials grant with
// its default opaque tokens and in-memory stores, client_secret_basic.
// go-oauth2 compares secrets in plaintext. The API call validates the
// bearer token and checks its scope.
func newGoOAuth2(n int) (*backend, error) {
	manager := manage.NewDefaultManager()
	manager.SetClientTokenCfg(&manage.Config{AccessTokenExp: tokenTTL})
	clients := store.NewClientStore()
	b := &backend{account: "AC" + strings.Repeat("0", 32)}
	secret := rand.Text()
	for i := range n {
		id := fmt.Sprintf("client-%d", i)
		if err := clients.Set(id, &models.Client{ID: id, Secret: secret}); err != nil {
			return nil, err
		}
		b.clients = append(b.clients, loadproto.Client{ID: id, Secret: secret})
	}
	manager.MapClientStorage(clients)
	tokens, err := store.NewMemoryTokenStore()
	if err != nil {
		return nil, err
	}
	manager.MapTokenStorage(tokens)
	srv := server.NewDefaultServer(manager)
	srv.SetAllowedGrantType(oauth2.ClientCredentials)
	srv.SetClientInfoHandler(server.ClientBasicHandler)
	b.token = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = srv.HandleTokenRequest(w, r) // it has written the error reply
	})
	b.api = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ti, err := srv.ValidationBearerToken(r)
		if err != nil || !slices.Contains(strings.Fields(ti.GetScope()), scopeRead) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return b, nil
}
