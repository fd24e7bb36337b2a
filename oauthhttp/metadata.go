package oauthhttp

import (
	"net/http"
	"slices"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

// metadata is the authorization server metadata of RFC 8414 section 2.
type metadata struct {
	Issuer                       string   `json:"issuer"`
	TokenEndpoint                string   `json:"token_endpoint"`
	JWKSURI                      string   `json:"jwks_uri"`
	IntrospectionEndpoint        string   `json:"introspection_endpoint"`
	RevocationEndpoint           string   `json:"revocation_endpoint"`
	ScopesSupported              []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported       []string `json:"response_types_supported"`
	GrantTypesSupported          []string `json:"grant_types_supported"`
	TokenEndpointAuthMethods     []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthAlgorithms  []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	IntrospectionAuthMethods     []string `json:"introspection_endpoint_auth_methods_supported"`
	IntrospectionAuthAlgorithms  []string `json:"introspection_endpoint_auth_signing_alg_values_supported,omitempty"`
	RevocationAuthMethods        []string `json:"revocation_endpoint_auth_methods_supported"`
	RevocationAuthAlgorithms     []string `json:"revocation_endpoint_auth_signing_alg_values_supported,omitempty"`
	AccessTokenSigningAlgorithms []string `json:"access_token_signing_alg_values_supported"`
	DPoPSigningAlgorithms        []string `json:"dpop_signing_alg_values_supported"`
}

// Metadata returns the authorization server metadata endpoint (RFC 8414
// section 3): issuer, the endpoints' URLs, the client credentials grant,
// the client authentication methods (client_secret_basic,
// client_secret_post and private_key_jwt, with the algorithms a client
// key may have), the catalog's permissions as scopes_supported, and the
// algorithms of the published keys as the extension member
// access_token_signing_alg_values_supported, and the algorithms of the
// DPoP proofs it accepts as dpop_signing_alg_values_supported (RFC 9449
// section 5.1). It answers GET and HEAD, with
// Cache-Control: public, max-age=300.
//
// response_types_supported is ["none"]: section 2 requires the member and
// validators such as Python authlib's refuse it empty, but there is no
// authorization endpoint, and "none" (OAuth 2.0 Multiple Response Type
// Encoding Practices, section 4) is the registered type that returns
// nothing; "code" or "token" would promise grants the server lacks.
func (s *Server) Metadata() http.Handler {
	return readOnly(func(w http.ResponseWriter, r *http.Request) {
		methods := []string{"client_secret_basic", "client_secret_post", "private_key_jwt"} // RFC 7523 section 2.2
		algs := oauthapp.ClientKeyAlgorithms()
		doc := metadata{
			Issuer:                       s.endpoints.Issuer,
			TokenEndpoint:                s.endpoints.Token,
			JWKSURI:                      s.endpoints.JWKS,
			IntrospectionEndpoint:        s.endpoints.Introspection,
			RevocationEndpoint:           s.endpoints.Revocation,
			ResponseTypesSupported:       []string{"none"},
			GrantTypesSupported:          []string{"client_credentials"},
			TokenEndpointAuthMethods:     methods,
			TokenEndpointAuthAlgorithms:  algs,
			IntrospectionAuthMethods:     methods,
			IntrospectionAuthAlgorithms:  algs,
			RevocationAuthMethods:        methods,
			RevocationAuthAlgorithms:     algs,
			AccessTokenSigningAlgorithms: publishedAlgorithms(s.meta.Keys),
			DPoPSigningAlgorithms:        token.ProofAlgorithms(),
		}
		if c := s.meta.Catalog; c != nil {
			doc.ScopesSupported = c.Permissions()
		}
		writeJSON(w, http.StatusOK, doc, jsonType)
	})
}

// publishedAlgorithms lists, sorted and once each, the algorithms of the
// keys a JWKS document publishes.
func publishedAlgorithms(keys *token.KeySet) []string {
	doc := keys.Document()
	algs := make([]string, 0, len(doc.Keys))
	for _, k := range doc.Keys {
		algs = append(algs, k.Algorithm)
	}
	slices.Sort(algs)
	return slices.Compact(algs)
}

// JWKS returns the endpoint of the JWK Set document (RFC 7517 section 5)
// of the service's public keys: the signing key and the retired keys that
// still verify. HS256 keys are never published. It answers GET and HEAD,
// with Cache-Control: public, max-age=300; publish a new key (KeySet.Add)
// at least that long before it starts signing.
func (s *Server) JWKS() http.Handler {
	return readOnly(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.meta.Keys.Document(), "application/jwk-set+json")
	})
}

// readOnly answers methods other than GET and HEAD with 405.
func readOnly(serve http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		serve(w, r)
	})
}
