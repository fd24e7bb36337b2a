package oauthhttp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/token"
)

const benchBody = "grant_type=client_credentials&scope=%2Fdemo%2Fmessaging%2Fmessages%2Flist"

// benchRequest builds the request every benchmark here sends: what
// golang.org/x/oauth2/clientcredentials sends with AuthStyleInHeader.
func benchRequest(auth string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(benchBody))
	r.Header.Set("Content-Type", formType)
	r.Header.Set("Authorization", auth)
	return r
}

// fixedToken is about the size of a token endpoint answer.
var fixedToken = []byte(`{"access_token":"` + strings.Repeat("x", 560) + `","token_type":"Bearer","expires_in":3600,"scope":"/demo/messaging/messages/list"}`)

// BenchmarkFloorHTTP is the floor of an HTTP token endpoint: building the
// request and the recorder, parsing the form, writing a fixed JSON body.
func BenchmarkFloorHTTP(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") == "" {
			b.Fatal("form does not parse")
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write(fixedToken)
	})
	auth := basic(oauthapptest.NewSID("OQ"), "oqcs_"+strings.Repeat("a", 79))
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, benchRequest(auth))
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkFloorEd25519Sign is the floor of minting: one Ed25519
// signature over a message as long as the signing input (header and
// payload) of the tokens BenchmarkTokenEndpoint/EdDSA issues, so that what
// the endpoint costs above it is the library's work and nothing else.
func BenchmarkFloorEd25519Sign(b *testing.B) {
	h, auth := benchEndpoint(b, token.EdDSA)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, benchRequest(auth))
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || answer.AccessToken == "" {
		b.Fatalf("token answer: %v: %s", err, w.Body)
	}
	msg := make([]byte, strings.LastIndexByte(answer.AccessToken, '.'))
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	b.ReportAllocs()
	for b.Loop() {
		ed25519.Sign(priv, msg)
	}
	b.ReportMetric(float64(len(msg)), "msg-bytes")
}

// BenchmarkTokenEndpoint is a client_secret_basic token request through
// the handler, on the memory store.
func BenchmarkTokenEndpoint(b *testing.B) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.HS256} {
		b.Run(string(alg), func(b *testing.B) {
			h, auth := benchEndpoint(b, alg)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, benchRequest(auth))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body)
				}
			}
		})
	}
}

// benchEndpoint returns the token endpoint of a service on the memory
// store signing with alg, and the Authorization header of its one app.
func benchEndpoint(b *testing.B, alg token.Algorithm) (http.Handler, string) {
	b.Helper()
	kit := oauthapptest.New(b, oauthapptest.WithAlgorithm(alg), oauthapptest.WithServiceOptions(oauthapp.WithClock(time.Now), oauthapp.WithIssuer(issuer)))
	app := kit.NewApp(permList, permRead)
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		b.Fatal(err)
	}
	return srv.Token(), basic(app.SID, kit.Secret(app.SID))
}
