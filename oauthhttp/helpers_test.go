package oauthhttp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
)

const (
	issuer     = "https://auth.example.test"
	permList   = "/demo/messaging/messages/list"
	permRead   = "/demo/messaging/messages/read"
	permCreate = "/demo/messaging/messages/create"
	formType   = "application/x-www-form-urlencoded"
)

var ctx = context.Background()

// routes is the demo API's catalog.
var routes = []scope.Route{
	{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: permList},
	{Pattern: "POST /v1/Accounts/{AccountSid}/Messages", Permission: permCreate},
	{Pattern: "GET /v1/Accounts/{AccountSid}/Messages/{MessageSid}", Permission: permRead},
}

// fixture is a kit whose service has the demo catalog and an https
// issuer, a Server on it, and an app allowed to list and read.
type fixture struct {
	kit    *oauthapptest.Kit
	srv    *oauthhttp.Server
	app    oauthapp.App
	secret string
}

func newFixture(t testing.TB, opts ...oauthhttp.Option) *fixture {
	t.Helper()
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer), oauthapp.WithRegions("us1", "eu1")))
	srv, err := oauthhttp.New(kit.Service, opts...)
	if err != nil {
		t.Fatal(err)
	}
	app := kit.NewApp(permList, permRead)
	return &fixture{kit: kit, srv: srv, app: app, secret: kit.Secret(app.SID)}
}

// basic is the client_secret_basic header value of id and secret.
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// formRequest is a POST of a form body with the given Authorization
// header ("" for none).
func formRequest(target, body, auth string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	r.Header.Set("Content-Type", formType)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return r
}

// serve runs h on r and returns the recorded answer.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// oauthBody is a token endpoint answer: success or error members.
type oauthBody struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int64  `json:"expires_in"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func decode(t testing.TB, w *httptest.ResponseRecorder) oauthBody {
	t.Helper()
	var b oauthBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("body %q is not JSON: %v", w.Body.String(), err)
	}
	return b
}

// token gets a token for the fixture's app through the token endpoint.
func (f *fixture) token(t testing.TB, scope string) string {
	t.Helper()
	body := "grant_type=client_credentials"
	if scope != "" {
		body += "&scope=" + url.QueryEscape(scope)
	}
	w := serve(f.srv.Token(), formRequest("/oauth2/token", body, basic(f.app.SID, f.secret)))
	if w.Code != http.StatusOK {
		t.Fatalf("token request: %d %s", w.Code, w.Body)
	}
	return decode(t, w).AccessToken
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// newBareKit is a kit with an https issuer and no catalog.
func newBareKit(t testing.TB) *oauthapptest.Kit {
	t.Helper()
	return oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer(issuer)))
}
