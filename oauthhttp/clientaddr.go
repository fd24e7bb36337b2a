package oauthhttp

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The headers through which a reverse proxy names the client it forwards
// for, one of which WithTrustedProxies believes.
const (
	headerXForwardedFor = "X-Forwarded-For"
	headerForwarded     = "Forwarded"
)

// maxForwardHops bounds the entries of a forwarding header that are
// looked at, from the right: the walk stops at the first untrusted one,
// and no deployment has more proxies than this.
const maxForwardHops = 32

// trustedProxies names a request's client from behind proxies at the
// trusted prefixes, as the forwarding header says.
type trustedProxies struct {
	header   string
	prefixes []netip.Prefix
}

// WithTrustedProxies makes the address a request counts under in the
// limiter (Attempt.Addr) the real client's, for a server behind reverse
// proxies. header is the one your proxy writes: "X-Forwarded-For" (a
// list of addresses, each proxy appending the one it received the request
// from: httputil.ReverseProxy, nginx's $proxy_add_x_forwarded_for, most
// load balancers) or "Forwarded" (RFC 7239, whose for= parameters do the
// same). The other one, which a client could send as it likes, is never
// read. prefixes are the proxies' addresses, each a CIDR prefix
// ("10.0.0.0/8") or one address.
//
// A request from an address outside prefixes counts under that address,
// whatever it says. A request from a trusted proxy counts under the
// right-most address of header that is not itself a trusted proxy: the
// one the outermost trusted proxy received the request from, which it
// appended and no client can forge (entries a client wrote come to its
// left). When header is missing, or that entry is not an address
// ("unknown", an obfuscated name), the request counts under the nearest
// trusted proxy's address. Addresses are reduced as RemoteHost reduces
// them (an IPv6 address to its /64).
//
// Default: nothing is believed; a request counts under RemoteHost. It
// replaces WithClientAddr, and New refuses both together.
func WithTrustedProxies(header string, prefixes ...string) Option {
	tp := &trustedProxies{header: http.CanonicalHeaderKey(header)}
	var bad string
	if tp.header != headerXForwardedFor && tp.header != headerForwarded {
		bad = fmt.Sprintf("WithTrustedProxies: header %.40q is neither %s nor %s", header, headerXForwardedFor, headerForwarded)
	}
	if len(prefixes) == 0 && bad == "" {
		bad = "WithTrustedProxies: no proxy prefixes"
	}
	for _, s := range prefixes {
		p, err := parsePrefix(s)
		if err != nil {
			if bad == "" {
				bad = fmt.Sprintf("WithTrustedProxies: %.60q is neither a CIDR prefix nor an IP address", s)
			}
			continue
		}
		tp.prefixes = append(tp.prefixes, p)
	}
	return func(c *config) error { return set(&c.proxies, tp, bad != "", bad) }
}

// parsePrefix reads a CIDR prefix or a single address, as a prefix in
// canonical form.
func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("not a prefix")
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), nil
}

// trusts reports whether ip is one of the proxies.
func (tp *trustedProxies) trusts(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	for _, p := range tp.prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// clientAddr is the WithClientAddr function of the setting.
func (tp *trustedProxies) clientAddr(r *http.Request) string {
	peer, ok := remoteIP(r.RemoteAddr)
	if !ok {
		return RemoteHost(r)
	}
	if !tp.trusts(peer) {
		return hostKey(peer)
	}
	entries := forwardedEntries(r.Header[tp.header], tp.header == headerForwarded)
	for i := len(entries) - 1; i >= 0 && i >= len(entries)-maxForwardHops; i-- {
		ip, ok := entryIP(entries[i])
		if !ok {
			break
		}
		if !tp.trusts(ip) {
			return hostKey(ip)
		}
		peer = ip
	}
	return hostKey(peer)
}

// forwardedEntries splits the header's lines into their entries, left to
// right: for Forwarded the for= value of each element ("" when an element
// has none), else each comma-separated item.
func forwardedEntries(lines []string, forwarded bool) []string {
	var out []string
	for _, line := range lines {
		for item := range strings.SplitSeq(line, ",") {
			item = strings.TrimSpace(item)
			if forwarded {
				item = forParam(item)
			}
			out = append(out, item)
		}
	}
	return out
}

// forParam returns the for= value of a Forwarded element (RFC 7239
// section 4: pairs separated by ";", names case-insensitive, a value a
// token or a quoted string), unquoted; "" when there is none. A comma in
// a quoted value would split the element first; no address holds one.
func forParam(element string) string {
	for pair := range strings.SplitSeq(element, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || !strings.EqualFold(name, "for") {
			continue
		}
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		return value
	}
	return ""
}

// entryIP reads the address of a forwarding entry: an IP address, with or
// without a port, IPv6 in brackets when it has one (RFC 7239 section 6).
func entryIP(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr(), true
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	ip, err := netip.ParseAddr(s)
	return ip, err == nil
}

// remoteIP reads the IP address of http.Request.RemoteAddr.
func remoteIP(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	return ip, err == nil
}

// hostKey names an address for the limiter: an IPv4-mapped address as its
// IPv4 address, another IPv6 address as its /64 prefix (one host commonly
// holds a whole /64).
func hostKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64) // no error for an IPv6 address
	return p.String()
}
