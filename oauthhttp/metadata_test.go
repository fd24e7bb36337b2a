package oauthhttp_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

func TestMetadataThroughRegister(t *testing.T) {
	f := newFixture(t)
	mux := http.NewServeMux()
	f.srv.Register(mux)
	w := serve(mux, httptest.NewRequest("GET", "/.well-known/oauth-authorization-server", nil))
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Fatalf("got %d %v", w.Code, w.Header())
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                                issuer,
		"token_endpoint":                        issuer + "/oauth2/token",
		"jwks_uri":                              issuer + "/.well-known/jwks.json",
		"introspection_endpoint":                issuer + "/oauth2/introspect",
		"revocation_endpoint":                   issuer + "/oauth2/revoke",
		"scopes_supported":                      []any{permCreate, permList, permRead},
		"response_types_supported":              []any{"none"},
		"grant_types_supported":                 []any{"client_credentials"},
		"token_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"introspection_endpoint_auth_methods_supported":            []any{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"revocation_endpoint_auth_methods_supported":               []any{"client_secret_basic", "client_secret_post", "private_key_jwt"},
		"token_endpoint_auth_signing_alg_values_supported":         []any{"ES256", "EdDSA", "PS256", "RS256"},
		"introspection_endpoint_auth_signing_alg_values_supported": []any{"ES256", "EdDSA", "PS256", "RS256"},
		"revocation_endpoint_auth_signing_alg_values_supported":    []any{"ES256", "EdDSA", "PS256", "RS256"},
		"access_token_signing_alg_values_supported":                []any{"EdDSA"},
		"dpop_signing_alg_values_supported":                        []any{"ES256", "EdDSA", "PS256", "RS256"},
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Fatalf("metadata\n got %s\nwant %s", gotJSON, wantJSON)
	}
	for _, path := range []string{"/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/.well-known/jwks.json"} {
		if w := serve(mux, httptest.NewRequest("GET", path, nil)); w.Code == 404 {
			t.Errorf("%s not registered", path)
		}
	}
	if w := serve(mux, httptest.NewRequest("POST", "/.well-known/oauth-authorization-server", nil)); w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST metadata: %d %v, want 405", w.Code, w.Header())
	}
}

func TestEndpointsOfAnIssuerWithAPath(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://example.test/tenant1/")))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	want := oauthhttp.Endpoints{
		Issuer:        "https://example.test/tenant1/",
		Token:         "https://example.test/tenant1/oauth2/token",
		Introspection: "https://example.test/tenant1/oauth2/introspect",
		Revocation:    "https://example.test/tenant1/oauth2/revoke",
		JWKS:          "https://example.test/tenant1/.well-known/jwks.json",
		Metadata:      "https://example.test/.well-known/oauth-authorization-server/tenant1",
	}
	if got := srv.Endpoints(); got != want {
		t.Fatalf("endpoints\n got %+v\nwant %+v", got, want)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	if w := serve(mux, httptest.NewRequest("GET", "/.well-known/oauth-authorization-server/tenant1", nil)); w.Code != 200 {
		t.Fatalf("metadata at the RFC 8414 path: %d", w.Code)
	}
}

func TestJWKSPublishesTheSigningKey(t *testing.T) {
	f := newFixture(t)
	w := serve(f.srv.JWKS(), httptest.NewRequest("GET", "/.well-known/jwks.json", nil))
	var doc struct {
		Keys []struct{ Kty, Kid, Alg, Crv, X string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	kid := f.kit.Keys.SigningKey().ID()
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/jwk-set+json" || len(doc.Keys) != 1 ||
		doc.Keys[0].Kid != kid || doc.Keys[0].Kty != "OKP" || doc.Keys[0].Crv != "Ed25519" || doc.Keys[0].X == "" {
		t.Fatalf("got %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestNewRefuses(t *testing.T) {
	bare := oauthapptest.New(t) // issuer "oauthapps", not a URL
	https := newBareKit(t)
	cases := []struct {
		name string
		svc  *oauthapp.Service
		opts []oauthhttp.Option
		want error
	}{
		{"an issuer that is not a URL without WithBaseURL", bare.Service, nil, oauthhttp.ErrNoBaseURL},
		{"a nil service", nil, nil, oauthhttp.ErrInvalidOption},
		{"a relative base URL", bare.Service, []oauthhttp.Option{oauthhttp.WithBaseURL("/auth")}, oauthhttp.ErrInvalidOption},
		{"a base URL with a query", bare.Service, []oauthhttp.Option{oauthhttp.WithBaseURL("https://x.test/?a=b")}, oauthhttp.ErrInvalidOption},
		{"a realm with a quote", https.Service, []oauthhttp.Option{oauthhttp.WithRealm(`a"b`)}, oauthhttp.ErrInvalidOption},
		{"an empty realm", https.Service, []oauthhttp.Option{oauthhttp.WithRealm("")}, oauthhttp.ErrInvalidOption},
		{"a tiny body limit", https.Service, []oauthhttp.Option{oauthhttp.WithMaxBodyBytes(10)}, oauthhttp.ErrInvalidOption},
		{"a region the service does not serve", https.Service, []oauthhttp.Option{oauthhttp.WithRegion("eu1")}, oauthapp.ErrUnsupportedRegion},
		{"a nil logger", https.Service, []oauthhttp.Option{oauthhttp.WithLogger(nil)}, oauthhttp.ErrInvalidOption},
		{"a nil unknown-route handler", https.Service, []oauthhttp.Option{oauthhttp.WithUnknownRoute(nil)}, oauthhttp.ErrInvalidOption},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := oauthhttp.New(tc.svc, tc.opts...)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("WithBaseURL serves a service whose issuer is not a URL", func(t *testing.T) {
		srv, err := oauthhttp.New(bare.Service, oauthhttp.WithBaseURL("http://127.0.0.1:8080/auth/"))
		if err != nil {
			t.Fatal(err)
		}
		e := srv.Endpoints()
		if e.Issuer != "oauthapps" || e.Token != "http://127.0.0.1:8080/auth/oauth2/token" || !strings.HasSuffix(e.Metadata, "/.well-known/oauth-authorization-server/auth") {
			t.Fatalf("endpoints %+v", e)
		}
	})
}
