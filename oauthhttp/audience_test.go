package oauthhttp_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

// A client learns the audience its tokens are for from introspection: the
// answer's aud is the token's aud claim, the service's audience.
func TestIntrospectionTellsTheAudience(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []oauthapp.Option
		want string
	}{
		{"default audience", nil, oauthapp.DefaultAudience},
		{"audience set by WithAudience", []oauthapp.Option{oauthapp.WithAudience("https://api.example.test")}, "https://api.example.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(append([]oauthapp.Option{oauthapp.WithIssuer(issuer)}, tc.opts...)...))
			srv, err := oauthhttp.New(kit.Service)
			if err != nil {
				t.Fatal(err)
			}
			f := &fixture{kit: kit, srv: srv}
			f.app = kit.NewApp(permList)
			f.secret = kit.Secret(f.app.SID)
			tok := f.token(t, "")

			w := serve(srv.Introspection(), formRequest("/oauth2/introspect", "token="+tok, basic(f.app.SID, f.secret)))
			var got struct {
				Active bool   `json:"active"`
				Aud    string `json:"aud"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || !got.Active {
				t.Fatalf("introspection: %d %s (%v)", w.Code, w.Body, err)
			}
			if got.Aud != tc.want || kit.Service.Metadata().Audience != tc.want {
				t.Fatalf("introspection aud %q, Metadata().Audience %q, want %q", got.Aud, kit.Service.Metadata().Audience, tc.want)
			}
			_, payload, _ := strings.Cut(tok, ".")
			payload, _, _ = strings.Cut(payload, ".")
			raw, err := base64.RawURLEncoding.DecodeString(payload)
			if err != nil {
				t.Fatal(err)
			}
			var claims struct {
				Aud any `json:"aud"`
			}
			if err := json.Unmarshal(raw, &claims); err != nil {
				t.Fatal(err)
			}
			if !audIs(claims.Aud, tc.want) {
				t.Fatalf("token aud claim %v, introspection says %q", claims.Aud, got.Aud)
			}
		})
	}
}

// audIs reports whether an aud claim, a string or a list of one (RFC 7519
// section 4.1.3 allows both), is want.
func audIs(aud any, want string) bool {
	if l, ok := aud.([]any); ok && len(l) == 1 {
		aud = l[0]
	}
	return aud == want
}

// mintWithAud signs a token of the fixture's app with the service's own
// key, as another issuer sharing the keys could, whose aud is aud.
func (f *jwtFixture) mintWithAud(t *testing.T, aud []string) string {
	t.Helper()
	m, err := token.NewMinter(f.kit.Keys, f.kit.Service.Metadata().Issuer, aud...)
	if err != nil {
		t.Fatal(err)
	}
	key, err := token.ParsePublicKeyPEM("k1", []byte(f.app.ClientKeys[0].PublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := m.Mint(f.kit.Clock.Now(), token.MintRequest{
		ClientID: f.app.SID, Scope: permList, AccountSID: f.app.AccountSID, Region: f.app.Region,
		SecretID: "key:" + key.Thumbprint(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// protectedGet sends a GET with tok to a route srv.Protect guards.
func (f *jwtFixture) protectedGet(srv *oauthhttp.Server, tok string) *httptest.ResponseRecorder {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r := httptest.NewRequest(http.MethodGet, "/v1/Accounts/"+f.kit.Owner.AccountSID+"/Messages", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return serve(srv.Protect(ok), r)
}

// introspectAud introspects tok as the fixture's client and returns
// whether it is active and its aud.
func (f *jwtFixture) introspectAud(t *testing.T, tok string) (active bool, aud any) {
	t.Helper()
	body := url.Values{"token": {tok}, "client_assertion_type": {oauthapp.AssertionType}, "client_assertion": {f.assertion(t, nil)}}.Encode()
	w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", body, ""))
	var got struct {
		Active bool `json:"active"`
		Aud    any  `json:"aud"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
		t.Fatalf("introspection: %d %s", w.Code, w.Body)
	}
	return got.Active, got.Aud
}

// TestAudienceArraysAreReadByMembershipOverHTTP: a token whose aud holds
// the API's audience at any position of an array of 1, 2 or 5 entries
// opens a route that Protect guards, with WithAudience (a resource) and
// without it (the service's audience); introspection answers every entry
// of its aud, a string for one; an array without the API's audience is
// refused with invalid_token.
func TestAudienceArraysAreReadByMembershipOverHTTP(t *testing.T) {
	f := newJWTFixture(t)
	forResource, err := oauthhttp.New(f.kit.Service, oauthhttp.WithAudience(resourceURI))
	if err != nil {
		t.Fatal(err)
	}
	get, introspect := f.protectedGet, func(tok string) (bool, any) { return f.introspectAud(t, tok) }
	for _, c := range []struct {
		name, ours string
		srv        *oauthhttp.Server
	}{
		{"without WithAudience", oauthapp.DefaultAudience, f.srv},
		{"with WithAudience", resourceURI, forResource},
	} {
		for _, n := range []int{1, 2, 5} {
			for at := range n {
				aud := make([]string, n)
				for i := range aud {
					aud[i] = fmt.Sprintf("https://elsewhere-%d.example", i)
				}
				aud[at] = c.ours
				t.Run(fmt.Sprintf("%s, ours at %d of %d", c.name, at+1, n), func(t *testing.T) {
					tok := f.mintWithAud(t, aud)
					if w := get(c.srv, tok); w.Code != http.StatusNoContent {
						t.Errorf("Protect: %d %v", w.Code, w.Header())
					}
					var want any = aud[0]
					if n > 1 {
						want = toAny(aud)
					}
					if active, got := introspect(tok); !active || !reflect.DeepEqual(got, want) {
						t.Errorf("introspection: active %v, aud %v, want %v", active, got, want)
					}
				})
			}
		}
		t.Run(c.name+", an array without ours", func(t *testing.T) {
			others := []string{oauthapp.DefaultAudience, resourceURI}
			tok := f.mintWithAud(t, append(slices.DeleteFunc(others, func(a string) bool { return a == c.ours }), "https://elsewhere.example"))
			if w := get(c.srv, tok); w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("Protect: %d %v, want 401 invalid_token", w.Code, w.Header())
			}
		})
	}
}

// toAny is a []string as encoding/json decodes a JSON array into any.
func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
