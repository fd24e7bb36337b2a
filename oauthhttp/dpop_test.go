package oauthhttp_test

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// dpopRequest is a token request of the fixture's app with the given
// DPoP headers.
func (f *fixture) dpopRequest(proofs ...string) *http.Request {
	r := formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, f.secret))
	for _, p := range proofs {
		r.Header.Add("DPoP", p)
	}
	return r
}

func newKey(t *testing.T) *dpopclient.Key {
	t.Helper()
	k, err := dpopclient.NewKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func proof(t *testing.T, k *dpopclient.Key, method, u, tok, nonce string, now time.Time) string {
	t.Helper()
	p, err := k.Proof(method, u, tok, nonce, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dpopToken gets a DPoP-bound token of the fixture's app for key.
func (f *fixture) dpopToken(t *testing.T, key *dpopclient.Key) string {
	t.Helper()
	w := serve(f.srv.Token(), f.dpopRequest(proof(t, key, "POST", f.srv.Endpoints().Token, "", "", f.kit.Clock.Now())))
	if w.Code != http.StatusOK {
		t.Fatalf("DPoP token request: %d %s", w.Code, w.Body)
	}
	b := decode(t, w)
	if b.TokenType != "DPoP" {
		t.Fatalf("token_type %q, want DPoP", b.TokenType)
	}
	return b.AccessToken
}

func TestTokenEndpointAnswersDPoPRequests(t *testing.T) {
	f := newFixture(t)
	key := newKey(t)
	tokenURL := f.srv.Endpoints().Token
	now := f.kit.Clock.Now()
	tok := f.dpopToken(t, key)

	w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", "token="+tok, basic(f.app.SID, f.secret)))
	var in struct {
		Active    bool   `json:"active"`
		TokenType string `json:"token_type"`
		Cnf       struct {
			JKT string `json:"jkt"`
		} `json:"cnf"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &in); err != nil || !in.Active || in.TokenType != "DPoP" || in.Cnf.JKT != key.Thumbprint() {
		t.Errorf("introspection of a bound token: %s, want active, token_type DPoP, cnf.jkt %s", w.Body, key.Thumbprint())
	}

	for _, tc := range []struct {
		name, code string
		req        *http.Request
	}{
		{"a proof for another URL", "invalid_dpop_proof", f.dpopRequest(proof(t, key, "POST", "https://elsewhere.example/oauth2/token", "", "", now))},
		{"a proof for another method", "invalid_dpop_proof", f.dpopRequest(proof(t, key, "GET", tokenURL, "", "", now))},
		{"two DPoP headers", "invalid_dpop_proof", f.dpopRequest(proof(t, key, "POST", tokenURL, "", "", now), proof(t, key, "POST", tokenURL, "", "", now))},
		{"not a JWT", "invalid_dpop_proof", f.dpopRequest("not-a-proof")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(f.srv.Token(), tc.req)
			if b := decode(t, w); w.Code != http.StatusBadRequest || b.Error != tc.code {
				t.Errorf("%d %s, want 400 %s", w.Code, w.Body, tc.code)
			}
		})
	}
	t.Run("a replayed proof", func(t *testing.T) {
		p := proof(t, key, "POST", tokenURL, "", "", now)
		if w := serve(f.srv.Token(), f.dpopRequest(p)); w.Code != http.StatusOK {
			t.Fatalf("first use: %d %s", w.Code, w.Body)
		}
		w := serve(f.srv.Token(), f.dpopRequest(p))
		if b := decode(t, w); w.Code != http.StatusBadRequest || b.Error != "invalid_dpop_proof" {
			t.Errorf("%d %s, want 400 invalid_dpop_proof", w.Code, w.Body)
		}
	})
}

func TestProtectChecksDPoPProofsAgainstTheConfiguredURL(t *testing.T) {
	f := newFixture(t)
	key := newKey(t)
	tok := f.dpopToken(t, key)
	path := "/v1/Accounts/" + f.app.AccountSID + "/Messages"
	apiURL := issuer + path // the base URL: the issuer's
	api := f.srv.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	now := f.kit.Clock.Now()
	call := func(scheme, tok string, host string, proofs ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Host = host
		r.Header.Set("Authorization", scheme+" "+tok)
		for _, p := range proofs {
			r.Header.Add("DPoP", p)
		}
		return serve(api, r)
	}
	if w := call("DPoP", tok, "evil.example", proof(t, key, "GET", apiURL, tok, "", now)); w.Code != http.StatusNoContent {
		t.Fatalf("a good proof for the configured URL, whatever the Host header: %d %s", w.Code, w.Body)
	}
	for _, tc := range []struct {
		name, wantAuth string
		w              *httptest.ResponseRecorder
	}{
		{"a proof for the Host header's URL", `error="invalid_dpop_proof"`, call("DPoP", tok, "evil.example", proof(t, key, "GET", "http://evil.example"+path, tok, "", now))},
		{"a proof for another method", `error="invalid_dpop_proof"`, call("DPoP", tok, "", proof(t, key, "POST", apiURL, tok, "", now))},
		{"a proof for another token", `error="invalid_dpop_proof"`, call("DPoP", tok, "", proof(t, key, "GET", apiURL, "another.token.here", "", now))},
		{"a proof by another key", `error="invalid_token"`, call("DPoP", tok, "", proof(t, newKey(t), "GET", apiURL, tok, "", now))},
		{"no proof", `error="invalid_dpop_proof"`, call("DPoP", tok, "")},
		{"two proofs", `error="invalid_dpop_proof"`, call("DPoP", tok, "", proof(t, key, "GET", apiURL, tok, "", now), proof(t, key, "GET", apiURL, tok, "", now))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.w.Header().Get("WWW-Authenticate")
			if tc.w.Code != http.StatusUnauthorized || !strings.HasPrefix(got, `DPoP realm="oauthapps", algs="ES256 EdDSA PS256 RS256"`) || !strings.Contains(got, tc.wantAuth) {
				t.Errorf("%d WWW-Authenticate %q, want 401 with a DPoP challenge and %s", tc.w.Code, got, tc.wantAuth)
			}
		})
	}
	t.Run("a bound token presented as Bearer", func(t *testing.T) {
		w := call("Bearer", tok, "")
		if got := w.Header().Get("WWW-Authenticate"); w.Code != http.StatusUnauthorized || !strings.Contains(got, `error="invalid_token"`) {
			t.Errorf("%d WWW-Authenticate %q, want 401 invalid_token", w.Code, got)
		}
	})
	t.Run("a replayed proof", func(t *testing.T) {
		p := proof(t, key, "GET", apiURL, tok, "", now)
		if w := call("DPoP", tok, "", p); w.Code != http.StatusNoContent {
			t.Fatalf("first use: %d", w.Code)
		}
		if w := call("DPoP", tok, "", p); w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_dpop_proof"`) {
			t.Errorf("%d %q, want 401 invalid_dpop_proof", w.Code, w.Header().Get("WWW-Authenticate"))
		}
	})
	t.Run("no token: both challenges", func(t *testing.T) {
		w := serve(api, httptest.NewRequest("GET", path, nil))
		if got := w.Header().Values("WWW-Authenticate"); w.Code != 401 || len(got) != 2 || !strings.HasPrefix(got[1], "DPoP ") {
			t.Errorf("%d %q, want 401 with a Bearer and a DPoP challenge", w.Code, got)
		}
	})
}

func TestDPoPNoncesAtTheTokenEndpointAndTheAPI(t *testing.T) {
	nonceKey := make([]byte, 32)
	_, _ = rand.Read(nonceKey)
	srv := oauthapptest.NewServer(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithDPoPNonces(nonceKey, time.Minute)))
	srv.Mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.OAuth.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	app := srv.NewApp(permList)
	key := newKey(t)
	now := srv.Clock.Now()
	post := func(p string) *http.Response {
		r, _ := http.NewRequest("POST", srv.TokenURL, strings.NewReader("grant_type=client_credentials"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape(app.SID), url.QueryEscape(srv.Secret(app.SID)))
		r.Header.Set("DPoP", p)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := post(proof(t, key, "POST", srv.TokenURL, "", "", now))
	var b oauthBody
	_ = json.NewDecoder(resp.Body).Decode(&b)
	nonce := resp.Header.Get(oauthhttp.DPoPNonceHeader)
	if resp.StatusCode != 400 || b.Error != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("a proof without a nonce: %d %s, nonce %q; want 400 use_dpop_nonce with a DPoP-Nonce", resp.StatusCode, b.Error, nonce)
	}
	resp = post(proof(t, key, "POST", srv.TokenURL, "", nonce, now))
	b = oauthBody{}
	_ = json.NewDecoder(resp.Body).Decode(&b)
	if resp.StatusCode != 200 || b.TokenType != "DPoP" || resp.Header.Get(oauthhttp.DPoPNonceHeader) == "" {
		t.Fatalf("with the nonce: %d %+v, want 200 DPoP with a DPoP-Nonce", resp.StatusCode, b)
	}
	get := func(nonce string) *http.Response {
		u := srv.URL + "/v1/Accounts/" + app.AccountSID + "/Messages"
		r, _ := http.NewRequest("GET", u, nil)
		r.Header.Set("Authorization", "DPoP "+b.AccessToken)
		r.Header.Set("DPoP", proof(t, key, "GET", u, b.AccessToken, nonce, now))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(""); resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`) || resp.Header.Get(oauthhttp.DPoPNonceHeader) == "" {
		t.Errorf("an API proof without a nonce: %d %q, want 401 use_dpop_nonce with a DPoP-Nonce", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if resp := get(nonce); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an API proof with the nonce: %d", resp.StatusCode)
	}
}
