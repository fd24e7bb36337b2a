package dpopclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Config is what a Transport needs to get tokens and sign proofs.
type Config struct {
	// ClientID and ClientSecret are the client's credentials, sent to
	// TokenURL with HTTP Basic (client_secret_basic, each part
	// form-encoded as RFC 6749 section 2.3.1 says). Required.
	ClientID, ClientSecret string
	// TokenURL is the token endpoint, an absolute http or https URL.
	// Required.
	TokenURL string
	// Scopes are the permissions to ask for; none asks for what the
	// server grants by default.
	Scopes []string
	// Key is the DPoP key the tokens are bound to (NewKey). nil: New
	// makes an Ed25519 key that lives as long as the Transport.
	Key *Key
	// Base carries the requests, the token requests included. nil:
	// http.DefaultTransport.
	Base http.RoundTripper
	// Now is the clock of the proofs' iat and of the token's expiry.
	// nil: time.Now. A test gives the fake clock of the server under
	// test.
	Now func() time.Time
}

// Transport is an http.RoundTripper that sends each request with a
// DPoP-bound access token and a fresh proof. It is safe for concurrent
// use. Make one with New.
type Transport struct {
	cfg Config

	mu  sync.Mutex // held while a token is fetched
	tok string
	exp time.Time

	nmu    sync.Mutex
	nonces map[string]string // the latest DPoP-Nonce by origin
}

// tokenMargin is how long before its expiry a token is replaced.
const tokenMargin = 10 * time.Second

// New checks cfg and returns a Transport. It fails with an error wrapping
// ErrInvalidOption when a required field is missing, TokenURL is not an
// absolute http or https URL.
func New(cfg Config) (*Transport, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("%w: ClientID and ClientSecret are required", ErrInvalidOption)
	}
	if u, err := url.Parse(cfg.TokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: TokenURL must be an absolute http or https URL", ErrInvalidOption)
	}
	if cfg.Key == nil {
		k, err := NewKey(nil)
		if err != nil {
			return nil, err
		}
		cfg.Key = k
	}
	if cfg.Base == nil {
		cfg.Base = http.DefaultTransport
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Scopes = append([]string(nil), cfg.Scopes...)
	return &Transport{cfg: cfg, nonces: map[string]string{}}, nil
}

// RoundTrip sends req with the Transport's token, which it gets first
// when it has none or the one it has is about to expire, and a new proof
// for req's method and URL. An answer 401 use_dpop_nonce is retried once
// with the server's nonce, when req's body can be sent again
// (http.Request.GetBody). req itself is never changed.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.token(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.send(req, tok, req.Body)
	if err != nil || !needsNonce(resp, http.StatusUnauthorized) || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	var body io.ReadCloser
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	drain(resp)
	return t.send(req, tok, body)
}

// send sends a copy of req with body, the token and a proof.
func (t *Transport) send(req *http.Request, tok string, body io.ReadCloser) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = body
	proof, err := t.proof(r.Method, r.URL, tok)
	if err != nil {
		closeBody(r)
		return nil, err
	}
	r.Header.Set("Authorization", "DPoP "+tok)
	r.Header.Set("DPoP", proof)
	resp, err := t.cfg.Base.RoundTrip(r)
	if err == nil {
		t.keepNonce(r.URL, resp)
	}
	return resp, err
}

// token returns a token that lives at least tokenMargin more.
func (t *Transport) token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != "" && t.cfg.Now().Before(t.exp.Add(-tokenMargin)) {
		return t.tok, nil
	}
	resp, err := t.requestToken(ctx)
	if err == nil && needsNonce(resp, http.StatusBadRequest) {
		drain(resp)
		resp, err = t.requestToken(ctx)
	}
	if err != nil {
		return "", fmt.Errorf("dpopclient: token request: %w", err)
	}
	defer drain(resp)
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
	switch {
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("%w: status %d, error %q", ErrToken, resp.StatusCode, body.Error)
	case err != nil || body.AccessToken == "":
		return "", fmt.Errorf("%w: the answer holds no access token", ErrToken)
	case !strings.EqualFold(body.TokenType, "DPoP"):
		return "", fmt.Errorf("%w: token_type %q", ErrToken, body.TokenType)
	}
	t.tok, t.exp = body.AccessToken, t.cfg.Now().Add(time.Duration(body.ExpiresIn)*time.Second)
	return t.tok, nil
}

// requestToken sends one token request with a proof.
func (t *Transport) requestToken(ctx context.Context) (*http.Response, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(t.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(t.cfg.Scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(t.cfg.ClientID), url.QueryEscape(t.cfg.ClientSecret))
	proof, err := t.proof(http.MethodPost, req.URL, "")
	if err != nil {
		return nil, err
	}
	req.Header.Set("DPoP", proof)
	resp, err := t.cfg.Base.RoundTrip(req)
	if err == nil {
		t.keepNonce(req.URL, resp)
	}
	return resp, err
}

// proof signs a DPoP proof for method at u, with ath for tok when it is
// not "" and the server's latest nonce when there is one.
func (t *Transport) proof(method string, u *url.URL, tok string) (string, error) {
	t.nmu.Lock()
	nonce := t.nonces[origin(u)]
	t.nmu.Unlock()
	return t.cfg.Key.Proof(method, u.String(), tok, nonce, t.cfg.Now())
}

// keepNonce remembers the DPoP-Nonce of an answer from u's server.
func (t *Transport) keepNonce(u *url.URL, resp *http.Response) {
	if n := resp.Header.Get("DPoP-Nonce"); n != "" {
		t.nmu.Lock()
		t.nonces[origin(u)] = n
		t.nmu.Unlock()
	}
}

// needsNonce reports whether resp, of the given status, asks for a proof
// with the nonce it carries (RFC 9449 sections 8 and 9).
func needsNonce(resp *http.Response, status int) bool {
	if resp.StatusCode != status || resp.Header.Get("DPoP-Nonce") == "" {
		return false
	}
	if status == http.StatusUnauthorized {
		for _, v := range resp.Header.Values("WWW-Authenticate") {
			if strings.Contains(v, `error="use_dpop_nonce"`) {
				return true
			}
		}
		return false
	}
	// A token endpoint says so in its JSON error, which is read here
	// and put back.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	var e struct {
		Error string `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error == "use_dpop_nonce"
}

// origin names a server: the URL's scheme and host.
func origin(u *url.URL) string { return strings.ToLower(u.Scheme + "://" + u.Host) }

// drain reads what is left of an answer's body and closes it, so that
// its connection can be used again.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// closeBody closes a request's body, as a RoundTripper must even when it
// fails.
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
