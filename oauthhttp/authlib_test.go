package oauthhttp_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// authlibClient gets a token with Python authlib's PrivateKeyJWT, left at
// its defaults (RS256, an assertion living expires_in = 3600 s, aud the
// token endpoint URL), through its requests integration; then asks again
// for a resource the app was not granted. argv: token URL, client id,
// key file, and "pem" to sign with the PEM key as it is (no kid in the
// header) or "jwk" to sign with it as a JWK that names kid argv[5]. It
// prints a JSON object: the token, and the error code of the second
// request.
const authlibClient = `import json, sys
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.common.errors import AuthlibBaseError
token_url, client_id, key_file, form = sys.argv[1:5]
key = open(key_file).read()
if form == "jwk":
    key = JsonWebKey.import_key(key, {"kty": "RSA", "kid": sys.argv[5]}).as_dict(is_private=True)
session = OAuth2Session(client_id, key, token_endpoint_auth_method="private_key_jwt")
session.register_client_auth_method(PrivateKeyJWT(token_url))
token = session.fetch_token(token_url, grant_type="client_credentials")
try:
    session.fetch_token(token_url, grant_type="client_credentials", resource="https://elsewhere.example/")
    error = None
except AuthlibBaseError as e:
    error = e.error
print(json.dumps({"access_token": token["access_token"], "expires_in": token["expires_in"], "resource_error": error}))
`

// TestAuthlibPrivateKeyJWTWithItsDefaults runs Python authlib's
// PrivateKeyJWT, with its default settings, against a token server on a
// loopback port: with the key as PEM (no kid) and as a JWK with a kid,
// authlib gets a token that opens a protected route; the assertion it
// sent is refused when sent again; a resource the app was not granted
// answers invalid_target. It needs python3 with authlib and requests
// (Debian: python3-authlib, python3-requests, which .ci/run installs);
// without them the test skips, except under CI, where it fails.
func TestAuthlibPrivateKeyJWTWithItsDefaults(t *testing.T) {
	python := needPython(t, "authlib.oauth2.rfc7523, authlib.integrations.requests_client", "python3-authlib python3-requests")
	// The server starts once its handler is set: the issuer is its URL.
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String()
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(routes...), oauthapptest.WithServiceOptions(
		oauthapp.WithIssuer(base), oauthapp.WithClock(time.Now), oauthapp.WithResources(resourceURI)))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	const kid = "authlib-rsa"
	app, keyFile := authlibApp(t, kit, kid)

	// The token endpoint keeps the assertions it is sent, to replay one.
	var sent assertionLog
	mux := http.NewServeMux()
	srv.Register(mux)
	mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	ts.Config.Handler = sent.recording(strings.TrimPrefix(srv.Endpoints().Token, base), mux)
	ts.Start()

	for _, form := range []string{"pem", "jwk"} {
		t.Run("key as "+form, func(t *testing.T) {
			sent.reset()
			cmd := exec.Command(python, "-c", authlibClient, srv.Endpoints().Token, app.SID, keyFile, form, kid)
			var out, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("authlib: %v\n%s%s", err, out.String(), stderr.String())
			}
			var got struct {
				AccessToken   string  `json:"access_token"`
				ExpiresIn     int64   `json:"expires_in"`
				ResourceError *string `json:"resource_error"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil || got.AccessToken == "" {
				t.Fatalf("authlib printed %q (%v)", out.String(), err)
			}
			if got.ResourceError == nil || *got.ResourceError != oauthhttp.CodeInvalidTarget {
				t.Errorf("a resource the app was not granted: authlib saw error %v, want %s", got.ResourceError, oauthhttp.CodeInvalidTarget)
			}
			if code := bearerGet(t, base+"/v1/Accounts/"+kit.Owner.AccountSID+"/Messages", got.AccessToken); code != http.StatusNoContent {
				t.Errorf("the protected route with authlib's token: %d", code)
			}
			first := sent.first(t)
			checkAuthlibHeader(t, first, kid, form == "jwk")
			checkReplayRefused(t, srv.Endpoints().Token, first)
		})
	}
}

// authlibApp creates an app that authenticates by an RSA client key named
// kid and writes the private key, as PEM, to a file authlib reads.
func authlibApp(t *testing.T, kit *oauthapptest.Kit, kid string) (app oauthapp.App, keyFile string) {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	app, _, err = kit.Service.CreateApp(ctx, kit.Owner, oauthapp.NewApp{
		FriendlyName: "authlib client",
		Permissions:  oauthapp.Permissions{Allow: []string{permList}},
		NoSecret:     true,
		ClientKeys:   []oauthapp.NewClientKey{{ID: kid, PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}},
		Resources:    []string{resourceURI},
	})
	if err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(t.TempDir(), "client.pem")
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(priv)
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	return app, keyFile
}

// assertionLog keeps the client assertions a token endpoint is sent.
type assertionLog struct {
	mu   sync.Mutex
	sent []string
}

// recording returns next, keeping the client_assertion of each request to
// tokenPath first.
func (l *assertionLog) recording(tokenPath string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tokenPath {
			body, _ := readBody(r)
			if v, err := url.ParseQuery(body); err == nil && v.Get("client_assertion") != "" {
				l.mu.Lock()
				l.sent = append(l.sent, v.Get("client_assertion"))
				l.mu.Unlock()
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (l *assertionLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = nil
}

// first returns the first assertion kept since reset.
func (l *assertionLog) first(t *testing.T) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.sent) == 0 {
		t.Fatal("authlib sent no client_assertion")
	}
	return l.sent[0]
}

// checkAuthlibHeader wants the header of authlib's assertion to say RS256
// and to name the kid only when the key is a JWK (withKid).
func checkAuthlibHeader(t *testing.T, assertion, kid string, withKid bool) {
	t.Helper()
	h, _, _ := strings.Cut(assertion, ".")
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	text, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil || json.Unmarshal(text, &header) != nil || header.Alg != "RS256" || (header.Kid == kid) != withKid {
		t.Errorf("authlib's assertion header %q, want RS256 with kid %q only for a JWK", text, kid)
	}
}

// bearerGet sends a GET to url with tok as its bearer token and returns
// the status.
func bearerGet(t *testing.T, url, tok string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// checkReplayRefused sends the client assertion again to the token
// endpoint at tokenURL and wants 401 invalid_client.
func checkReplayRefused(t *testing.T, tokenURL, assertion string) {
	t.Helper()
	again, err := http.PostForm(tokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_assertion_type": {oauthapp.AssertionType}, "client_assertion": {assertion},
	})
	if err != nil {
		t.Fatal(err)
	}
	var refused oauthBody
	_ = json.NewDecoder(again.Body).Decode(&refused)
	again.Body.Close()
	if again.StatusCode != http.StatusUnauthorized || refused.Error != oauthhttp.CodeInvalidClient {
		t.Errorf("authlib's assertion sent again: %d %s, want 401 invalid_client", again.StatusCode, refused.Error)
	}
}

// readBody reads r's body and puts it back, for the handler after.
func readBody(r *http.Request) (string, error) {
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return string(b), err
}
