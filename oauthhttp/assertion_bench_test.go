package oauthhttp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// assertionBench is a token endpoint signing EdDSA on the memory store,
// and a client that authenticates with an Ed25519 key.
type assertionBench struct {
	h     http.Handler
	app   oauthapp.App
	priv  ed25519.PrivateKey
	token string // the token endpoint URL, the assertions' aud
}

func newAssertionBench(b *testing.B) *assertionBench {
	b.Helper()
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, err := oauthapp.New(store.NewMemory(), keys, oauthapp.WithIssuer(issuer))
	if err != nil {
		b.Fatal(err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	app, _, err := svc.CreateApp(ctx, oauthapptest.NewActor(oauthapp.RoleOwner), oauthapp.NewApp{
		FriendlyName: "bench",
		Permissions:  oauthapp.Permissions{Allow: []string{permList, permRead}},
		NoSecret:     true,
		ClientKeys:   []oauthapp.NewClientKey{{ID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}},
	})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := oauthhttp.New(svc)
	if err != nil {
		b.Fatal(err)
	}
	return &assertionBench{h: srv.Token(), app: app, priv: priv, token: srv.Endpoints().Token}
}

// assertions signs n fresh assertions, as the client would, each with a
// jti of its own.
func (a *assertionBench) assertions(b *testing.B, n int) []string {
	out := make([]string, n)
	now := time.Now()
	for i := range out {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
			"iss": a.app.SID, "sub": a.app.SID, "aud": a.token,
			"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "jti": oauthapptest.NewSID("JT"),
		})
		tok.Header["kid"] = "k1"
		s, err := tok.SignedString(a.priv)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = s
	}
	return out
}

// assertionRequest is a private_key_jwt token request for the benchmark's
// scope.
func assertionRequest(assertion string) *http.Request {
	body := benchBody + "&client_assertion_type=" + strings.ReplaceAll(oauthapp.AssertionType, ":", "%3A") + "&client_assertion=" + assertion
	r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
	r.Header.Set("Content-Type", formType)
	return r
}

// BenchmarkTokenEndpointAssertion is a private_key_jwt token request with
// an EdDSA assertion through the handler, on the memory store: one
// Ed25519 verification of the assertion, one Ed25519 signature of the
// token, the jti recorded. The client's signing of the assertions is not
// timed.
func BenchmarkTokenEndpointAssertion(b *testing.B) {
	a := newAssertionBench(b)
	const batch = 4096
	var pending []string
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if len(pending) == 0 {
			b.StopTimer()
			pending = a.assertions(b, batch)
			b.StartTimer()
		}
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, assertionRequest(pending[0]))
		pending = pending[1:]
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body)
		}
	}
}

// BenchmarkFloorEd25519Verify is the floor of checking an assertion: one
// Ed25519 verification of a signature over a message as long as the
// signing input of BenchmarkTokenEndpointAssertion's assertions.
func BenchmarkFloorEd25519Verify(b *testing.B) {
	a := newAssertionBench(b)
	s := a.assertions(b, 1)[0]
	msg := []byte(s[:strings.LastIndexByte(s, '.')])
	sig := ed25519.Sign(a.priv, msg)
	pub := a.priv.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("does not verify")
		}
	}
	b.ReportMetric(float64(len(msg)), "msg-bytes")
}

// BenchmarkAssertionAgainstFloors measures, interleaved one of each per
// iteration so that the load of a shared machine falls on all alike, a
// private_key_jwt token request (as BenchmarkTokenEndpointAssertion) and
// its floors: one Ed25519 verification over the assertion's signing
// input, one Ed25519 signature over the issued token's, and the HTTP
// floor of the same request (building it and the recorder, parsing its
// form, writing a fixed answer of a token's size). It reports the median
// of each, in ns/op, and ratio, the request's median over the sum of the
// floors' medians: on a machine shared with other busy processes a few
// iterations are stretched by the scheduler, which a mean would charge to
// whichever operation they hit.
func BenchmarkAssertionAgainstFloors(b *testing.B) {
	a := newAssertionBench(b)
	warm := a.assertions(b, 1)[0]
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, assertionRequest(warm))
	tok := w.Body.String()
	tok = tok[strings.Index(tok, `"access_token":"`)+len(`"access_token":"`):]
	tok = tok[:strings.IndexByte(tok, '"')]
	signMsg := []byte(tok[:strings.LastIndexByte(tok, '.')])
	verifyMsg := []byte(warm[:strings.LastIndexByte(warm, '.')])
	_, signer, _ := ed25519.GenerateKey(rand.Reader)
	pub := a.priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(a.priv, verifyMsg)
	floor := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("client_assertion") == "" {
			b.Fatal("form does not parse")
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write(fixedToken)
	})
	var pending []string
	var req, verify, sign, floorHTTP []time.Duration
	for b.Loop() {
		if len(pending) == 0 {
			pending = a.assertions(b, 1024)
		}
		t0 := time.Now()
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, assertionRequest(pending[0]))
		t1 := time.Now()
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body)
		}
		ok := ed25519.Verify(pub, verifyMsg, sig)
		t2 := time.Now()
		ed25519.Sign(signer, signMsg)
		t3 := time.Now()
		w = httptest.NewRecorder()
		floor.ServeHTTP(w, assertionRequest(pending[0]))
		t4 := time.Now()
		if !ok || w.Code != http.StatusOK {
			b.Fatal("a floor failed")
		}
		pending = pending[1:]
		req, verify, sign, floorHTTP = append(req, t1.Sub(t0)), append(verify, t2.Sub(t1)), append(sign, t3.Sub(t2)), append(floorHTTP, t4.Sub(t3))
	}
	median := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Nanoseconds())
	}
	mReq, mVerify, mSign, mHTTP := median(req), median(verify), median(sign), median(floorHTTP)
	b.ReportMetric(mReq, "request-ns/op")
	b.ReportMetric(mVerify, "verify-ns/op")
	b.ReportMetric(mSign, "sign-ns/op")
	b.ReportMetric(mHTTP, "http-ns/op")
	b.ReportMetric(mReq/(mVerify+mSign+mHTTP), "ratio")
}
