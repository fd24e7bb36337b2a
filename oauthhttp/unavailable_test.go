package oauthhttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/store"
)

// downStore is the memory store, cut off from the service while down is
// set: every read a request makes fails, as PostgreSQL's would while it
// restarts.
type downStore struct {
	*store.Memory
	down atomic.Bool
}

var errStoreDown = errors.New("test store: connection refused")

func (s *downStore) GetApp(ctx context.Context, sid string) (store.App, error) {
	if s.down.Load() {
		return store.App{}, errStoreDown
	}
	return s.Memory.GetApp(ctx, sid)
}

func (s *downStore) IsTokenRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	if s.down.Load() {
		return false, errStoreDown
	}
	return s.Memory.IsTokenRevoked(ctx, id, now)
}

// wantUnavailable wants resp to be 503 temporarily_unavailable with
// Retry-After and no Bearer challenge.
func wantUnavailable(t *testing.T, resp *http.Response) {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || body.Error != oauthhttp.CodeTemporarilyUnavailable {
		t.Errorf("answer %d %q, want 503 %s", resp.StatusCode, body.Error, oauthhttp.CodeTemporarilyUnavailable)
	}
	if got := resp.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	if got := resp.Header.Get("WWW-Authenticate"); got != "" {
		t.Errorf("WWW-Authenticate %q on a failure of the server's own", got)
	}
}

// TestStoreOutageAnswers503WithRetryAfter: while the store cannot be
// reached, the token endpoint and the bearer middleware fail closed with
// 503 temporarily_unavailable and Retry-After, so a client knows to retry:
// no token, no call of the protected handler, no Bearer challenge that
// would blame the client's token. Once the store is back, both serve.
func TestStoreOutageAnswers503WithRetryAfter(t *testing.T) {
	st := &downStore{Memory: store.NewMemory()}
	srv := oauthapptest.NewServer(t, oauthapptest.WithStore(st), oauthapptest.WithRoutes(routes...))
	var served atomic.Int64
	srv.Mux.Handle("GET /v1/Accounts/{AccountSid}/Messages", srv.OAuth.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
	})))
	app := srv.NewApp(permList)
	tok := srv.Token(app, permList)
	cfg := srv.ClientConfig(app)
	askToken := func() *http.Response {
		t.Helper()
		r, err := http.NewRequest(http.MethodPost, srv.TokenURL, strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", formType)
		r.SetBasicAuth(url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	callAPI := func() *http.Response {
		t.Helper()
		r, err := http.NewRequest(http.MethodGet, srv.URL+messages(app.AccountSID), nil)
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	st.down.Store(true)
	t.Run("token endpoint", func(t *testing.T) { wantUnavailable(t, askToken()) })
	t.Run("protected API", func(t *testing.T) {
		wantUnavailable(t, callAPI())
		if n := served.Load(); n != 0 {
			t.Errorf("the protected handler ran %d times while the store was down", n)
		}
	})
	st.down.Store(false)
	t.Run("both serve again once the store is back", func(t *testing.T) {
		if resp := askToken(); resp.StatusCode != http.StatusOK {
			t.Errorf("token endpoint: %d, want 200", resp.StatusCode)
		}
		if resp := callAPI(); resp.StatusCode != http.StatusOK || served.Load() != 1 {
			t.Errorf("protected API: %d after %d calls of the handler, want 200 after 1", resp.StatusCode, served.Load())
		}
	})
}
