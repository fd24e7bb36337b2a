package oauthhttp_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

const resourceURI = "https://api.example.test/messaging"

// recordingLimiter allows everything and records how attempts ended.
type recordingLimiter struct {
	mu     sync.Mutex
	failed []string // client ids of attempts that failed
	passed []string
	addrs  []string // the address of every attempt
}

func (l *recordingLimiter) Allow(_ context.Context, _ oauthhttp.Attempt) (time.Duration, bool) {
	return 0, true
}

func (l *recordingLimiter) Done(_ context.Context, a oauthhttp.Attempt, failed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addrs = append(l.addrs, a.Addr)
	if failed {
		l.failed = append(l.failed, a.ClientID)
	} else {
		l.passed = append(l.passed, a.ClientID)
	}
}

// jwtFixture is a server whose service serves one resource, with an app
// that authenticates with an Ed25519 key only.
type jwtFixture struct {
	kit     *oauthapptest.Kit
	srv     *oauthhttp.Server
	limiter *recordingLimiter
	app     oauthapp.App
	priv    ed25519.PrivateKey
}

func newJWTFixture(t *testing.T, opts ...oauthhttp.Option) *jwtFixture {
	t.Helper()
	catalog, err := scope.NewCatalog(routes)
	if err != nil {
		t.Fatal(err)
	}
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithCatalog(catalog), oauthapp.WithResources(resourceURI)))
	l := &recordingLimiter{}
	srv, err := oauthhttp.New(kit.Service, append([]oauthhttp.Option{oauthhttp.WithLimiter(l)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	app, _, err := kit.Service.CreateApp(ctx, kit.Owner, oauthapp.NewApp{
		FriendlyName: "jwt client",
		Permissions:  oauthapp.Permissions{Allow: []string{permList, permRead}},
		NoSecret:     true,
		ClientKeys:   []oauthapp.NewClientKey{{ID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}},
		Resources:    []string{resourceURI},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &jwtFixture{kit: kit, srv: srv, limiter: l, app: app, priv: priv}
}

// assertion is a good client assertion for the token endpoint, changed by
// change when it is not nil.
func (f *jwtFixture) assertion(t *testing.T, change func(jwt.MapClaims)) string {
	t.Helper()
	c := jwt.MapClaims{
		"iss": f.app.SID, "sub": f.app.SID, "aud": f.srv.Endpoints().Token,
		"exp": f.kit.Clock.Now().Add(time.Minute).Unix(), "iat": f.kit.Clock.Now().Unix(),
		"jti": oauthapptest.NewSID("JT"),
	}
	if change != nil {
		change(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(f.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func assertionBody(assertion string, extra ...string) string {
	v := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {oauthapp.AssertionType},
		"client_assertion":      {assertion},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

func TestTokenEndpointAcceptsPrivateKeyJWT(t *testing.T) {
	f := newJWTFixture(t)
	w := serve(f.srv.Token(), formRequest("/oauth2/token", assertionBody(f.assertion(t, nil), "resource", resourceURI), ""))
	if w.Code != http.StatusOK {
		t.Fatalf("token request: %d %s", w.Code, w.Body)
	}
	tok := decode(t, w).AccessToken
	if len(f.limiter.passed) != 1 || f.limiter.passed[0] != f.app.SID {
		t.Errorf("limiter saw %v passed, want the client id the assertion names", f.limiter.passed)
	}
	// Introspection, authenticated by another assertion, reports the
	// resource as aud.
	body := url.Values{"token": {tok}, "client_assertion_type": {oauthapp.AssertionType}, "client_assertion": {f.assertion(t, nil)}}.Encode()
	w = serve(f.srv.Introspection(), formRequest("/oauth2/introspect", body, ""))
	var got struct {
		Active bool   `json:"active"`
		Aud    string `json:"aud"`
	}
	if err := jsonUnmarshal(w.Body.String(), &got); err != nil || w.Code != 200 || !got.Active || got.Aud != resourceURI {
		t.Errorf("introspection: %d %s", w.Code, w.Body)
	}
}

func TestBadAssertionAnswersLikeAWrongSecretAndCountsAsAFailure(t *testing.T) {
	f := newJWTFixture(t)
	wrongSecret := serve(f.srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, "oqcs_aaaaaaaa_"+strings.Repeat("a", 63))))
	expired := f.assertion(t, func(c jwt.MapClaims) { c["exp"] = f.kit.Clock.Now().Add(-time.Minute).Unix() })
	good := f.assertion(t, nil)
	for name, body := range map[string]string{
		"expired":   assertionBody(expired),
		"malformed": assertionBody("a.b.c"),
		"replayed":  assertionBody(good),
	} {
		if name == "replayed" {
			if w := serve(f.srv.Token(), formRequest("/oauth2/token", body, "")); w.Code != 200 {
				t.Fatalf("first use: %d %s", w.Code, w.Body)
			}
		}
		w := serve(f.srv.Token(), formRequest("/oauth2/token", body, ""))
		if w.Code != wrongSecret.Code || w.Body.String() != wrongSecret.Body.String() || w.Header().Get("WWW-Authenticate") != wrongSecret.Header().Get("WWW-Authenticate") {
			t.Errorf("%s: %d %s, want the wrong secret's %d %s", name, w.Code, w.Body, wrongSecret.Code, wrongSecret.Body)
		}
	}
	if n := len(f.limiter.failed); n != 4 {
		t.Errorf("the limiter counted %d failures, want 4 (a wrong secret and three bad assertions)", n)
	}
}

func TestAssertionRequestShapes(t *testing.T) {
	f := newJWTFixture(t)
	good := f.assertion(t, nil)
	for _, c := range []struct {
		name string
		body string
		auth string
		code int
		err  string
	}{
		{"with Basic credentials too", assertionBody(good), basic(f.app.SID, "x"), 400, oauthhttp.CodeInvalidRequest},
		{"with client_secret too", assertionBody(good, "client_secret", "x"), "", 400, oauthhttp.CodeInvalidRequest},
		{"without the type", url.Values{"grant_type": {"client_credentials"}, "client_assertion": {good}}.Encode(), "", 400, oauthhttp.CodeInvalidRequest},
		{"of another type", assertionBody(good, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"), "", 401, oauthhttp.CodeInvalidClient},
		{"with another client_id", assertionBody(good, "client_id", oauthapptest.NewSID("OQ")), "", 401, oauthhttp.CodeInvalidClient},
		{"for a resource the app may not have", assertionBody(good, "resource", "https://elsewhere.example/"), "", 400, oauthhttp.CodeInvalidTarget},
		{"for a malformed resource", assertionBody(f.assertion(t, nil), "resource", "not absolute"), "", 400, oauthhttp.CodeInvalidTarget},
	} {
		w := serve(f.srv.Token(), formRequest("/oauth2/token", c.body, c.auth))
		if b := decode(t, w); w.Code != c.code || b.Error != c.err {
			t.Errorf("%s: %d %s, want %d %s", c.name, w.Code, w.Body, c.code, c.err)
		}
	}
}

func TestProtectChecksTheAudienceOfItsAPI(t *testing.T) {
	f := newJWTFixture(t, oauthhttp.WithAudience(resourceURI))
	h := f.srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	get := func(tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/v1/Accounts/"+f.kit.Owner.AccountSID+"/Messages", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		return serve(h, r)
	}
	issue := func(extra ...string) string {
		w := serve(f.srv.Token(), formRequest("/oauth2/token", assertionBody(f.assertion(t, nil), extra...), ""))
		if w.Code != 200 {
			t.Fatalf("token: %d %s", w.Code, w.Body)
		}
		return decode(t, w).AccessToken
	}
	if w := get(issue("resource", resourceURI)); w.Code != http.StatusNoContent {
		t.Errorf("a token for the API: %d %s", w.Code, w.Body)
	}
	if w := get(issue()); w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("a token for the default audience: %d %v", w.Code, w.Header())
	}
	if _, err := oauthhttp.New(f.kit.Service, oauthhttp.WithAudience("https://unknown.example/")); !errors.Is(err, oauthhttp.ErrInvalidOption) {
		t.Errorf("WithAudience of an audience the service does not issue: %v", err)
	}
}

func TestProtectRefusesATokenOfARemovedClientKeyAsInvalid(t *testing.T) {
	f := newJWTFixture(t)
	h := f.srv.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	w := serve(f.srv.Token(), formRequest("/oauth2/token", assertionBody(f.assertion(t, nil)), ""))
	if w.Code != http.StatusOK {
		t.Fatalf("token: %d %s", w.Code, w.Body)
	}
	tok := decode(t, w).AccessToken
	if _, err := f.kit.Service.RemoveClientKey(ctx, f.kit.Owner, f.app.SID, "k1", 0); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/Accounts/"+f.kit.Owner.AccountSID+"/Messages", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	if w := serve(h, r); w.Code != http.StatusUnauthorized || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("a token of a removed key: %d %v, want 401 invalid_token", w.Code, w.Header())
	}
}
