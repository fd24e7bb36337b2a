package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
)

const (
	permList   = "/demo/messaging/messages/list"
	permRead   = "/demo/messaging/messages/read"
	permCreate = "/demo/messaging/messages/create"
	listRoute  = "GET /v1/Accounts/{AccountSid}/Messages"
)

// server is the kit's token server with a protected API beside it, and
// an app allowed to list and read messages.
type server struct {
	*oauthapptest.Server
	app oauthapp.App
}

func newServer(t *testing.T, alg token.Algorithm) *server {
	t.Helper()
	srv := oauthapptest.NewServer(t, oauthapptest.WithAlgorithm(alg), oauthapptest.WithRoutes(
		scope.Route{Pattern: listRoute, Permission: permList},
		scope.Route{Pattern: "POST /v1/Accounts/{AccountSid}/Messages", Permission: permCreate},
	))
	srv.Mux.Handle(listRoute, srv.OAuth.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := oauthhttp.IdentityFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]string{"client": id.AppSID, "scope": id.Scope})
	})))
	return &server{Server: srv, app: srv.NewApp(permList, permRead)}
}

func (s *server) config(style oauth2.AuthStyle, scopes ...string) *clientcredentials.Config {
	c := s.ClientConfig(s.app, scopes...)
	return &clientcredentials.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		TokenURL:     c.TokenURL,
		Scopes:       c.Scopes,
		AuthStyle:    style,
	}
}

var styles = []struct {
	name  string
	style oauth2.AuthStyle
}{
	{"client_secret_basic", oauth2.AuthStyleInHeader},
	{"client_secret_post", oauth2.AuthStyleInParams},
}

// TestClientCredentials: x/oauth2 gets a token with each auth style, calls
// the protected API through its http.Client, and go-jose verifies the
// token from the JWKS document fetched over HTTP.
func TestClientCredentials(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256} {
		s := newServer(t, alg)
		for _, st := range styles {
			t.Run(string(alg)+"/"+st.name, func(t *testing.T) {
				ctx := context.Background()
				cfg := s.config(st.style, permList)

				res, err := cfg.Client(ctx).Get(s.URL + "/v1/Accounts/" + s.Owner.AccountSID + "/Messages")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				var got map[string]string
				if res.StatusCode != 200 || json.Unmarshal(body, &got) != nil || got["client"] != s.app.SID || got["scope"] != permList {
					t.Fatalf("API answered %d %s", res.StatusCode, body)
				}

				tok, err := cfg.Token(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if tok.TokenType != "Bearer" || tok.Extra("scope") != permList || time.Until(tok.Expiry) < 59*time.Minute || time.Until(tok.Expiry) > time.Hour {
					t.Fatalf("token %+v, scope %v", tok, tok.Extra("scope"))
				}
				verifyWithJOSE(t, s, alg, tok.AccessToken)
			})
		}
	}
}

// verifyWithJOSE checks the token's signature and claims with go-jose,
// knowing nothing but the JWKS URL from the metadata document.
func verifyWithJOSE(t *testing.T, s *server, alg token.Algorithm, raw string) {
	t.Helper()
	var meta struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	getJSON(t, s.MetadataURL, &meta)
	var set jose.JSONWebKeySet
	getJSON(t, meta.JWKSURI, &set)

	parsed, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		t.Fatalf("go-jose does not parse the token: %v", err)
	}
	hdr := parsed.Headers[0]
	if typ := hdr.ExtraHeaders[jose.HeaderType]; typ != "at+jwt" {
		t.Errorf("typ %v, want at+jwt", typ)
	}
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		t.Fatalf("JWKS has %d keys with kid %q", len(keys), hdr.KeyID)
	}
	var std jwt.Claims
	var extra struct {
		ClientID   string `json:"client_id"`
		Scope      string `json:"scope"`
		AccountSID string `json:"account_sid"`
	}
	if err := parsed.Claims(keys[0].Key, &std, &extra); err != nil {
		t.Fatalf("go-jose does not verify the token: %v", err)
	}
	if err := std.Validate(jwt.Expected{Issuer: meta.Issuer, Subject: s.app.SID, AnyAudience: jwt.Audience{oauthapp.DefaultAudience}, Time: s.Service.Metadata().Clock()}); err != nil {
		t.Fatalf("claims: %v", err)
	}
	if extra.ClientID != s.app.SID || extra.Scope != permList || extra.AccountSID != s.Owner.AccountSID || std.ID == "" {
		t.Fatalf("claims %+v %+v", std, extra)
	}

	// A token whose signature is altered must not verify.
	tampered := raw[:len(raw)-4] + flip(raw[len(raw)-4:])
	if p, err := jwt.ParseSigned(tampered, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)}); err == nil {
		if err := p.Claims(keys[0].Key, &std); err == nil {
			t.Fatal("a tampered token verified")
		}
	}
}

func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

// TestClientCredentialsErrors: x/oauth2 reports the endpoint's RFC 6749
// section 5.2 errors with their codes.
func TestClientCredentialsErrors(t *testing.T) {
	s := newServer(t, token.EdDSA)
	for _, st := range styles {
		t.Run(st.name+"/a scope the app may not have is invalid_scope", func(t *testing.T) {
			_, err := s.config(st.style, permCreate).Token(context.Background())
			checkRetrieveError(t, err, 400, "invalid_scope")
		})
		t.Run(st.name+"/a wrong secret is invalid_client", func(t *testing.T) {
			cfg := s.config(st.style)
			// '0' is outside the secret alphabet, so the secret surely changes.
			cfg.ClientSecret = cfg.ClientSecret[:len(cfg.ClientSecret)-1] + "0"
			_, err := cfg.Token(context.Background())
			checkRetrieveError(t, err, 401, "invalid_client")
		})
	}
}

func checkRetrieveError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("err %v, want a *oauth2.RetrieveError", err)
	}
	if re.Response.StatusCode != status || re.ErrorCode != code || re.ErrorDescription == "" {
		t.Fatalf("got %d %q %q, want %d %q", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription, status, code)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
