package oauthapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/oauthapps/oauthapps/token"
)

// How the keys of federated issuers are fetched and kept.
const (
	// issuerTimeout bounds one fetch of an issuer's keys (its discovery
	// document, then its JWK Set), unless the host's client has a
	// shorter Timeout.
	issuerTimeout = 10 * time.Second
	// refetchInterval is the least time between two fetches of one
	// issuer's keys once a fetch succeeded: a token naming a kid the
	// issuer does not publish causes one fetch per issuer per interval
	// at most, however many such tokens arrive.
	refetchInterval = time.Minute
	// retryInterval is the least time between two fetches after a fetch
	// failed: meanwhile the issuer's tokens are refused at once instead
	// of each waiting for an issuer that does not answer.
	retryInterval = 10 * time.Second
	// minKeyLife and maxKeyLife bound how long fetched keys are kept:
	// the max-age of the JWK Set's Cache-Control, or defaultKeyLife
	// without one.
	minKeyLife     = 5 * time.Minute
	maxKeyLife     = 24 * time.Hour
	defaultKeyLife = time.Hour
	// maxDiscoveryBytes and maxJWKSBytes bound the documents read.
	maxDiscoveryBytes = 64 << 10
	maxJWKSBytes      = 256 << 10
	// maxIssuers bounds how many issuers' keys are kept at once.
	maxIssuers = 1024
)

// errNoSuchIssuerKey: the issuer's fresh keys hold none of the token's kid
// and alg, and they were fetched too recently to fetch them again.
var errNoSuchIssuerKey = errors.New("no key of that kid and alg")

// issuerConfig is how the service reaches federated issuers
// (WithIssuerHTTPClient, WithUnsafeHTTPIssuers).
type issuerConfig struct {
	client    *http.Client // nil: the default, which reaches public addresses only
	allowHTTP bool
}

// issuerKeys fetches and keeps the signing keys of federated issuers.
// Each issuer has its own entry and lock, and no lock is held during a
// fetch: an issuer that does not answer delays only the requests that need
// its keys, and at most one fetch per issuer runs at a time.
type issuerKeys struct {
	client    *http.Client
	timeout   time.Duration
	allowHTTP bool
	logger    *slog.Logger

	mu      sync.Mutex
	entries map[string]*issuerEntry
}

// issuerEntry is what is known of one issuer's keys.
type issuerEntry struct {
	mu      sync.Mutex
	keys    []*token.Key
	expires time.Time // by the service's clock
	// fetched is when the last fetch started, by the service's clock;
	// failed is its error, nil when it succeeded.
	fetched time.Time
	failed  error
	// fetching is closed when the fetch under way ends; nil when none
	// runs.
	fetching chan struct{}
}

func newIssuerKeys(cfg issuerConfig, logger *slog.Logger) *issuerKeys {
	c := cfg.client
	if c == nil {
		c = &http.Client{Transport: publicTransport(cfg.allowHTTP)}
	}
	timeout := issuerTimeout
	if c.Timeout > 0 && c.Timeout < timeout {
		timeout = c.Timeout
	}
	// A copy that follows no redirect: an issuer's documents are where
	// it says they are.
	own := *c
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &issuerKeys{client: &own, timeout: timeout, allowHTTP: cfg.allowHTTP, logger: logger, entries: make(map[string]*issuerEntry)}
}

// key returns the issuer's key of that kid and alg at now (without a kid,
// its one key of alg), fetching its keys when none are fresh, or when the
// kid is new to them and the last fetch is older than refetchInterval.
func (ik *issuerKeys) key(ctx context.Context, issuer, kid string, alg token.Algorithm, now time.Time) (*token.Key, error) {
	e := ik.entry(issuer)
	for {
		e.mu.Lock()
		fresh := now.Before(e.expires)
		if fresh {
			if k := findKey(e.keys, kid, alg); k != nil {
				e.mu.Unlock()
				return k, nil
			}
		}
		if wait := e.fetching; wait != nil {
			e.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		interval := refetchInterval
		if e.failed != nil {
			interval = retryInterval
		}
		if !e.fetched.IsZero() && now.Sub(e.fetched) < interval {
			err := e.failed
			e.mu.Unlock()
			switch {
			case fresh:
				return nil, errNoSuchIssuerKey
			case err == nil:
				err = errors.New("the issuer's keys have expired")
			}
			return nil, err
		}
		done := make(chan struct{})
		e.fetching, e.fetched = done, now
		e.mu.Unlock()

		keys, life, err := ik.fetch(ctx, issuer)
		if err != nil {
			ik.logger.WarnContext(ctx, "oauthapp: fetching the keys of a federated issuer; its tokens are refused meanwhile", "issuer", issuer, "error", err)
		}
		e.mu.Lock()
		if e.failed = err; err == nil {
			e.keys, e.expires = keys, now.Add(life)
		}
		e.fetching = nil
		close(done)
		e.mu.Unlock()
	}
}

// findKey returns the key of that kid and alg among keys; without a kid,
// the one key of alg, or nil when there are several.
func findKey(keys []*token.Key, kid string, alg token.Algorithm) *token.Key {
	var found *token.Key
	for _, k := range keys {
		switch {
		case k.Algorithm() != alg:
		case kid != "" && k.ID() == kid:
			return k
		case kid == "":
			if found != nil {
				return nil
			}
			found = k
		}
	}
	return found
}

// entry returns the issuer's entry, making it when there is none. Past
// maxIssuers entries, an arbitrary one makes room (a fetch under way on
// it finishes unseen; its issuer is fetched again when next needed).
func (ik *issuerKeys) entry(issuer string) *issuerEntry {
	ik.mu.Lock()
	defer ik.mu.Unlock()
	if e, ok := ik.entries[issuer]; ok {
		return e
	}
	if len(ik.entries) >= maxIssuers {
		for name := range ik.entries {
			delete(ik.entries, name)
			break
		}
	}
	e := &issuerEntry{}
	ik.entries[issuer] = e
	return e
}

// fetch reads the issuer's discovery document, then the JWK Set it
// names, within the timeout, however long ctx lasts (other requests may
// be waiting for this fetch): the keys, and how long to keep them.
func (ik *issuerKeys) fetch(ctx context.Context, issuer string) ([]*token.Key, time.Duration, error) {
	if err := checkIssuerURL(issuer, ik.allowHTTP); err != nil {
		return nil, 0, fmt.Errorf("issuer: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ik.timeout)
	defer cancel()
	body, _, err := ik.get(ctx, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", maxDiscoveryBytes)
	if err != nil {
		return nil, 0, fmt.Errorf("discovery document: %w", err)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, 0, errors.New("discovery document: not a JSON object with string issuer and jwks_uri")
	}
	if doc.Issuer != issuer {
		return nil, 0, errors.New("discovery document names another issuer")
	}
	if err := checkFetchURL(doc.JWKSURI, ik.allowHTTP); err != nil {
		return nil, 0, fmt.Errorf("discovery document: jwks_uri: %w", err)
	}
	body, h, err := ik.get(ctx, doc.JWKSURI, maxJWKSBytes)
	if err != nil {
		return nil, 0, fmt.Errorf("JWK Set: %w", err)
	}
	keys, err := token.ParseJWKS(body)
	if err != nil {
		return nil, 0, fmt.Errorf("JWK Set: %w", err)
	}
	if len(keys) == 0 {
		return nil, 0, errors.New("JWK Set: no key this service can verify with")
	}
	return keys, keyLife(h), nil
}

// get fetches u and returns its body, at most limit bytes, after a 200.
func (ik *issuerKeys) get(ctx context.Context, u string, limit int64) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := ik.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, err
	}
	if int64(len(body)) > limit {
		return nil, nil, fmt.Errorf("longer than %d bytes", limit)
	}
	return body, resp.Header, nil
}

// keyLife is how long a JWK Set answered with header h is kept: its
// Cache-Control max-age, within minKeyLife and maxKeyLife; minKeyLife for
// no-store or no-cache; defaultKeyLife without either.
func keyLife(h http.Header) time.Duration {
	life := defaultKeyLife
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), "=")
		switch strings.ToLower(name) {
		case "no-store", "no-cache":
			return minKeyLife
		case "max-age":
			if n, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && n >= 0 {
				life = time.Duration(min(n, int64(maxKeyLife/time.Second))) * time.Second
			}
		}
	}
	return min(max(life, minKeyLife), maxKeyLife)
}

// checkIssuerURL applies the rules of FederatedCredential.Issuer: before
// a credential is stored, and again before any fetch.
func checkIssuerURL(raw string, allowHTTP bool) error {
	u, err := parseFetchURL(raw, allowHTTP)
	switch {
	case err != nil:
		return err
	case len(raw) > maxIssuerLen:
		return fmt.Errorf("longer than %d bytes", maxIssuerLen)
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("an issuer URL has no query")
	}
	return nil
}

// checkFetchURL applies the rules of an issuer URL, but a query, to a URL
// a discovery document names.
func checkFetchURL(raw string, allowHTTP bool) error {
	_, err := parseFetchURL(raw, allowHTTP)
	return err
}

// parseFetchURL parses a URL the service may fetch: absolute, https (http
// for a loopback host under allowHTTP), with a host, no user information
// and no fragment, in the form url.URL.String gives back, so that one
// URL has one spelling.
func parseFetchURL(raw string, allowHTTP bool) (*url.URL, error) {
	if raw == "" || !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, errors.New("want a URL without spaces or control characters")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, errors.New("not a URL")
	case u.User != nil:
		return nil, errors.New("user information is not allowed in the URL")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("a fragment is not allowed in the URL")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return nil, errors.New("want an absolute URL with a host")
	case u.Scheme == "http" && allowHTTP && isLoopback(u.Hostname()):
	case u.Scheme != "https":
		return nil, errors.New("want an https URL")
	}
	if u.String() != raw {
		return nil, errors.New("not in canonical form (lowercase scheme, no escapes a parser rewrites)")
	}
	return u, nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// publicTransport is the default client's transport: no proxy, and a
// dialer that connects to public unicast addresses only, checked on the
// address it dials, after name resolution (loopback ones too under
// allowHTTP, for tests). A credential's issuer, chosen by whoever manages
// an app, cannot make the service reach its own network.
func publicTransport(allowLoopback bool) *http.Transport {
	d := &net.Dialer{Timeout: issuerTimeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return err
		}
		if allowLoopback && ip.IsLoopback() || publicAddr(ip.Unmap()) {
			return nil
		}
		return fmt.Errorf("address %s is not public", ip)
	}}
	return &http.Transport{
		DialContext:         d.DialContext,
		TLSHandshakeTimeout: issuerTimeout,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     time.Minute,
		ForceAttemptHTTP2:   true,
	}
}

// sharedAddressSpace is 100.64.0.0/10 (RFC 6598), private in practice.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// publicAddr reports whether ip is a global unicast address outside the
// private, shared and unique local ranges.
func publicAddr(ip netip.Addr) bool {
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !sharedAddressSpace.Contains(ip)
}
