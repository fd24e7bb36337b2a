package oauthhttp_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// Loopback addresses of the clients in front of the proxy; Linux routes
// all of 127.0.0.0/8 to the loopback interface.
const (
	attackerAddr = "127.0.0.2"
	victimAddr   = "127.0.0.3"
)

// proxied is a token server behind an httputil.ReverseProxy, both on
// loopback: the proxy reaches the server from 127.0.0.1, and each client
// reaches the proxy from a loopback address of its own.
type proxied struct {
	*stack
	proxy *httptest.Server
}

func newProxied(t *testing.T, srv ...oauthhttp.Option) *proxied {
	t.Helper()
	st := newStack(t, nil, stackConfig{srv: srv})
	target, err := url.Parse(st.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	// The default director appends the address it received the request
	// from to X-Forwarded-For, as most proxies do.
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)
	return &proxied{stack: st, proxy: proxy}
}

// clientFrom returns a client whose connections come from the loopback
// address from.
func clientFrom(t *testing.T, from string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// token asks the proxy for a token with c; headers come in name, value
// pairs.
func (p *proxied) token(t *testing.T, c *http.Client, id, sec string, headers ...string) int {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, p.proxy.URL+oauthhttp.TokenPath, strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", formType)
	r.Header.Set("Authorization", basic(id, sec))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	res, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// attack runs, from the attacker's address, three times the per-client
// limit of wrong secrets under the victim's id and three times the
// per-address limit under made-up ids, some with a forged X-Forwarded-For
// naming the victim's address, and a correct request of the victim
// between every two of them. It returns the victim's answers and how many
// of the attacker's requests were refused with 429.
func (p *proxied) attack(t *testing.T) (victim []int, attacker429 int) {
	t.Helper()
	app := p.kit.NewApp(permList)
	sec := p.kit.Secret(app.SID)
	attacker, victimClient := clientFrom(t, attackerAddr), clientFrom(t, victimAddr)
	wrong := realLookingSecret(t)
	for i := range 3*oauthhttp.DefaultClientFailures + 3*oauthhttp.DefaultAddrFailures {
		id := app.SID
		if i%2 == 1 {
			id = oauthapptest.NewSID("OQ")
		}
		var forged []string
		if i%3 == 0 {
			forged = []string{"X-Forwarded-For", victimAddr, "Forwarded", "for=" + victimAddr}
		}
		if p.token(t, attacker, id, wrong, forged...) == http.StatusTooManyRequests {
			attacker429++
		}
		victim = append(victim, p.token(t, victimClient, app.SID, sec))
	}
	return victim, attacker429
}

// TestTrustedProxiesKeepAVictimServedBehindAReverseProxy: behind
// httputil.ReverseProxy with WithTrustedProxies naming it, an attacker
// sending wrong secrets under a victim's client id and under made-up ids
// is held back at its own address, and the victim, which has no failure
// of its own, is never refused.
func TestTrustedProxiesKeepAVictimServedBehindAReverseProxy(t *testing.T) {
	p := newProxied(t, oauthhttp.WithTrustedProxies("X-Forwarded-For", "127.0.0.1/32"))
	victim, refused := p.attack(t)
	for i, status := range victim {
		if status != http.StatusOK {
			t.Fatalf("the victim's request %d of %d: %d, want 200", i+1, len(victim), status)
		}
	}
	if refused == 0 {
		t.Error("the attacker was never held back")
	}
}

// TestWithoutTrustedProxiesTheProxyIsEveryonesAddress is the control: the
// same attack behind the same proxy, with the default client address (the
// proxy's), gets the victim refused.
func TestWithoutTrustedProxiesTheProxyIsEveryonesAddress(t *testing.T) {
	p := newProxied(t)
	victim, _ := p.attack(t)
	refused := 0
	for _, status := range victim {
		if status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Error("the victim was never refused: the control shows nothing")
	}
}

// TestTrustedProxiesNameTheClient checks the address a request counts
// under, through the limiter, for each shape of forwarding header.
func TestTrustedProxiesNameTheClient(t *testing.T) {
	xff := []string{"X-Forwarded-For", "10.0.0.0/8", "192.0.2.10", "2001:db8:ff::/48"}
	fwd := append([]string{"Forwarded"}, xff[1:]...)
	for _, tc := range []struct {
		name    string
		opt     []string
		remote  string
		headers []string
		want    string
	}{
		{"a direct client counts under its own address", xff, "198.51.100.1:5000", []string{"X-Forwarded-For", "203.0.113.9"}, "198.51.100.1"},
		{"a trusted proxy's right-most entry is the client", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "203.0.113.9"}, "203.0.113.9"},
		{"entries a client wrote to the left are skipped", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.77, 203.0.113.9"}, "203.0.113.9"},
		{"a chain of trusted proxies is walked from the right", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.77, 203.0.113.9, 192.0.2.10, 10.9.9.9"}, "203.0.113.9"},
		{"several header lines are one list", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "198.51.100.77", "X-Forwarded-For", "203.0.113.9"}, "203.0.113.9"},
		{"an entry with a port", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "203.0.113.9:4444"}, "203.0.113.9"},
		{"an IPv6 client is its /64", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "2001:db8:1:2::5"}, "2001:db8:1:2::/64"},
		{"a trusted IPv6 proxy", xff, "[2001:db8:ff:1::1]:80", []string{"X-Forwarded-For", "203.0.113.9"}, "203.0.113.9"},
		{"no header: the proxy itself", xff, "10.1.2.3:80", nil, "10.1.2.3"},
		{"only trusted entries: the left-most proxy", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "10.7.7.7"}, "10.7.7.7"},
		{"an entry that is no address stops the walk at the proxy", xff, "10.1.2.3:80", []string{"X-Forwarded-For", "203.0.113.9, unknown"}, "10.1.2.3"},
		{"Forwarded is not read when X-Forwarded-For is believed", xff, "10.1.2.3:80", []string{"Forwarded", "for=203.0.113.9"}, "10.1.2.3"},
		{"Forwarded for= values", fwd, "10.1.2.3:80", []string{"Forwarded", `for=198.51.100.77;proto=https, For="203.0.113.9:80";by=10.1.2.3`}, "203.0.113.9"},
		{"Forwarded IPv6 in brackets", fwd, "10.1.2.3:80", []string{"Forwarded", `for="[2001:db8:1:2::5]:4711"`}, "2001:db8:1:2::/64"},
		{"Forwarded element without for=", fwd, "10.1.2.3:80", []string{"Forwarded", "for=203.0.113.9, proto=https"}, "10.1.2.3"},
		{"X-Forwarded-For is not read when Forwarded is believed", fwd, "10.1.2.3:80", []string{"X-Forwarded-For", "203.0.113.9"}, "10.1.2.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := &recordingLimiter{}
			f := newFixture(t, oauthhttp.WithTrustedProxies(tc.opt[0], tc.opt[1:]...), oauthhttp.WithLimiter(lim))
			r := formRequest(oauthhttp.TokenPath, "grant_type=client_credentials", basic(f.app.SID, f.secret))
			r.RemoteAddr = tc.remote
			for i := 0; i+1 < len(tc.headers); i += 2 {
				r.Header.Add(tc.headers[i], tc.headers[i+1])
			}
			if w := serve(f.srv.Token(), r); w.Code != http.StatusOK {
				t.Fatalf("token: %d %s", w.Code, w.Body)
			}
			if len(lim.addrs) != 1 || lim.addrs[0] != tc.want {
				t.Errorf("counted under %q, want %q", lim.addrs, tc.want)
			}
		})
	}
}

func TestTrustedProxiesRefusesBadSettings(t *testing.T) {
	kit := newBareKit(t)
	for name, opts := range map[string][]oauthhttp.Option{
		"another header":        {oauthhttp.WithTrustedProxies("X-Real-IP", "10.0.0.0/8")},
		"no prefix":             {oauthhttp.WithTrustedProxies("X-Forwarded-For")},
		"a host name":           {oauthhttp.WithTrustedProxies("X-Forwarded-For", "proxy.internal")},
		"a bad prefix length":   {oauthhttp.WithTrustedProxies("X-Forwarded-For", "10.0.0.0/33")},
		"with WithClientAddr":   {oauthhttp.WithTrustedProxies("X-Forwarded-For", "10.0.0.0/8"), oauthhttp.WithClientAddr(oauthhttp.RemoteHost)},
		"one good, one bad":     {oauthhttp.WithTrustedProxies("Forwarded", "10.0.0.0/8", "")},
		"a zone is no prefix":   {oauthhttp.WithTrustedProxies("Forwarded", "fe80::1%eth0")},
		"an empty header name":  {oauthhttp.WithTrustedProxies("", "10.0.0.0/8")},
		"a lowercase other one": {oauthhttp.WithTrustedProxies("x-forwarded-host", "10.0.0.0/8")},
	} {
		if _, err := oauthhttp.New(kit.Service, opts...); !errors.Is(err, oauthhttp.ErrInvalidOption) {
			t.Errorf("%s: err %v, want ErrInvalidOption", name, err)
		}
	}
	for _, h := range []string{"x-forwarded-for", "forwarded"} {
		if _, err := oauthhttp.New(kit.Service, oauthhttp.WithTrustedProxies(h, "10.0.0.1", "::1")); err != nil {
			t.Errorf("WithTrustedProxies(%q): %v", h, err)
		}
	}
}

// FuzzTrustedProxies sends any peer address and forwarding headers to a
// server behind trusted proxies: it never panics, a request from an
// untrusted peer counts under that peer whatever its headers say, the
// header not believed changes nothing, and the address counted is an IP
// address or an IPv6 /64.
func FuzzTrustedProxies(f *testing.F) {
	f.Add("10.1.2.3:80", "198.51.100.7, 203.0.113.9", `for="[2001:db8::1]:4711"`)
	f.Add("192.0.2.1:5000", "10.0.0.1", "for=10.0.0.1")
	f.Add("[::ffff:10.0.0.9]:1", "unknown, 10.2.2.2", "for=_hidden;proto=https")
	lim := &recordingLimiter{}
	fx := newFixture(f, oauthhttp.WithTrustedProxies("X-Forwarded-For", "10.0.0.0/8", "2001:db8::/32"), oauthhttp.WithLimiter(lim))
	h := fx.srv.Token()
	counted := func(remote, xff, fwd string) string {
		r := formRequest(oauthhttp.TokenPath, "grant_type=client_credentials", basic(fx.app.SID, "x"))
		r.RemoteAddr = remote
		r.Header["X-Forwarded-For"] = strings.Split(xff, "\n")
		if fwd != "" {
			r.Header["Forwarded"] = []string{fwd}
		}
		lim.mu.Lock()
		lim.addrs = lim.addrs[:0]
		lim.mu.Unlock()
		serve(h, r)
		lim.mu.Lock()
		defer lim.mu.Unlock()
		if len(lim.addrs) != 1 {
			return "<none>"
		}
		return lim.addrs[0]
	}
	f.Fuzz(func(t *testing.T, remote, xff, fwd string) {
		got := counted(remote, xff, fwd)
		if other := counted(remote, xff, ""); other != got {
			t.Fatalf("Forwarded changed the address from %q to %q", other, got)
		}
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.RemoteAddr = remote
		if peer := oauthhttp.RemoteHost(r); !trusted(remote) {
			if got != peer {
				t.Fatalf("untrusted peer %q counted under %q", peer, got)
			}
			return
		}
		if _, err := netip.ParseAddr(got); err != nil {
			if p, err := netip.ParsePrefix(got); err != nil || p.Bits() != 64 {
				t.Fatalf("counted under %q: neither an address nor a /64", got)
			}
		}
	})
}

// trusted reports whether the peer address remote is in FuzzTrustedProxies'
// trusted prefixes.
func trusted(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap().WithZone("")
	return netip.MustParsePrefix("10.0.0.0/8").Contains(ip) || netip.MustParsePrefix("2001:db8::/32").Contains(ip)
}
