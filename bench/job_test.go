package bench

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The job every token row does: one confidential client, client_secret_basic,
// two scopes, a one-hour access token.
const (
	clientID    = "OQ0123456789abcdef0123456789abcdef"
	scopeRead   = "/acme/messaging/messages/read"
	scopeWrite  = "/acme/messaging/messages/write"
	tokenTTL    = time.Hour
	tokenIssuer = "https://auth.example.com"
	audience    = "https://api.example.com"
	tokenPath   = "/oauth/token"
)

// clientSecret is random and as long as ours (256 bits), so that the hashers
// see an input of the same size.
var clientSecret = func() string {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}()

// tokenForm is the body of the token request.
var tokenForm = url.Values{
	"grant_type": {"client_credentials"},
	"scope":      {scopeRead + " " + scopeWrite},
}.Encode()

// credentials are what a client sends with client_secret_basic.
type credentials struct {
	id, secret string
}

// peerClient is the client registered with every peer. Our library
// generates its own client ids and secrets; our rows send those.
var peerClient = credentials{id: clientID, secret: clientSecret}

// tokenRequest builds the token request the client sends. Building it is
// part of every timed operation, in the floor row too.
func (c credentials) tokenRequest() *http.Request {
	r := httptest.NewRequest(http.MethodPost, tokenPath, strings.NewReader(tokenForm))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(c.id, c.secret)
	return r
}

// serveToken sends one token request from c to h and fails tb unless it
// succeeds.
func serveToken(tb testing.TB, h http.Handler, c credentials) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, c.tokenRequest())
	if w.Code != http.StatusOK {
		tb.Fatalf("token request: status %d: %s", w.Code, w.Body)
	}
	return w
}

// tokenReply is what the rows' token responses have in common.
type tokenReply struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// issueToken asks h for one token for c, outside any timer.
func issueToken(tb testing.TB, h http.Handler, c credentials) tokenReply {
	tb.Helper()
	var reply tokenReply
	if err := json.Unmarshal(serveToken(tb, h, c).Body.Bytes(), &reply); err != nil {
		tb.Fatalf("token reply: %v", err)
	}
	if reply.AccessToken == "" {
		tb.Fatal("token reply without access_token")
	}
	return reply
}

// pruneEvery is how many tokens a peer's in-memory store may gather before
// a benchmark empties it, outside the timer. The stores keep every token for
// its lifetime (an hour), so without pruning they grow with b.N and each
// operation gets slower the longer the run.
const pruneEvery = 4096

// benchTokens runs h's token endpoint for c b.N times, emptying the store
// with prune every pruneEvery tokens while the timers are paused. A nil
// prune is for a library that keeps no per-token state.
func benchTokens(b *testing.B, h http.Handler, c credentials, prune func()) {
	b.ReportAllocs()
	m := startCPU(b)
	for i := range b.N {
		if prune != nil && i > 0 && i%pruneEvery == 0 {
			m.Pause()
			prune()
			m.Resume()
		}
		serveToken(b, h, c)
	}
	m.Stop()
}
