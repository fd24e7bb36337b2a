package oauthhttp_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
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
			if got.Aud != tc.want || kit.Service.Audience() != tc.want {
				t.Fatalf("introspection aud %q, Service.Audience %q, want %q", got.Aud, kit.Service.Audience(), tc.want)
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
