package dpopclient_test

import (
	"crypto"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/scope"
)

// counting is a RoundTripper that counts what it carries.
type counting struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestTransportRetriesOnceWithTheAPIsNewNonce(t *testing.T) {
	nonceKey := make([]byte, 32)
	_, _ = rand.Read(nonceKey)
	srv := oauthapptest.NewServer(t,
		oauthapptest.WithRoutes(scope.Route{Pattern: "POST /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/create"}),
		oauthapptest.WithServiceOptions(oauthapp.WithDPoPNonces(nonceKey, 10*time.Second)))
	srv.Mux.Handle("POST /v1/Accounts/{AccountSid}/Messages", srv.OAuth.ProtectFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, _ = w.Write(body)
	}))
	app := srv.NewApp("/demo/messaging/messages/create")
	carrier := &counting{base: srv.HTTP.Client().Transport}
	tr, err := dpopclient.New(dpopclient.Config{ClientID: app.SID, ClientSecret: srv.Secret(app.SID), TokenURL: srv.TokenURL, Base: carrier, Now: srv.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	target := srv.URL + "/v1/Accounts/" + srv.Owner.AccountSID + "/Messages"
	post := func() (int, string) {
		resp, err := client.Post(target, "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, body := post(); code != 200 || body != "hello" {
		t.Fatalf("first call: %d %q", code, body)
	}
	// Two token requests (the second with the nonce), then the call.
	if n := carrier.n.Load(); n != 3 {
		t.Errorf("%d round trips for the first call, want 3", n)
	}
	srv.Advance(11 * time.Second) // the nonce it holds is stale now
	before := carrier.n.Load()
	if code, body := post(); code != 200 || body != "hello" {
		t.Fatalf("call with a stale nonce: %d %q, want 200 and the body sent again", code, body)
	}
	if n := carrier.n.Load() - before; n != 2 {
		t.Errorf("%d round trips with a stale nonce, want 2: one refused, one retried", n)
	}
}

func TestTransportRefusesATokenThatIsNotDPoPBound(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"abc","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(ts.Close)
	tr, err := dpopclient.New(dpopclient.Config{ClientID: "id", ClientSecret: "secret", TokenURL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = (&http.Client{Transport: tr}).Get(ts.URL + "/api")
	if !errors.Is(err, dpopclient.ErrToken) {
		t.Errorf("a bearer token: %v, want ErrToken", err)
	}
}

func TestNewRefusesAnUnusableConfig(t *testing.T) {
	for _, cfg := range []dpopclient.Config{
		{ClientSecret: "s", TokenURL: "https://auth.example/token"},
		{ClientID: "id", TokenURL: "https://auth.example/token"},
		{ClientID: "id", ClientSecret: "s", TokenURL: "/token"},
		{ClientID: "id", ClientSecret: "s", TokenURL: "ftp://auth.example/token"},
	} {
		if _, err := dpopclient.New(cfg); !errors.Is(err, dpopclient.ErrInvalidOption) {
			t.Errorf("New(%+v): %v, want ErrInvalidOption", cfg, err)
		}
	}
	if _, err := dpopclient.NewKey(badSigner{}); !errors.Is(err, dpopclient.ErrInvalidOption) {
		t.Errorf("NewKey of an unsupported key: %v, want ErrInvalidOption", err)
	}
}

// badSigner is a crypto.Signer of no type a proof can be signed with.
type badSigner struct{}

func (badSigner) Public() crypto.PublicKey { return nil }
func (badSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("no")
}
