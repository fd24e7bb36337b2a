package oauthhttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Limiter bounds failed client authentications at the token,
// introspection and revocation endpoints. Before the service verifies a
// client's secret (before any hash work), the endpoint asks Allow; once
// the service has answered, it calls Done, saying whether the service
// refused the credentials. A request Allow refuses is answered 429 with
// Retry-After and costs nothing more.
//
// The promise every Limiter keeps: only failures hold a client back. An
// attempt is refused when failures that have happened used up its
// allowance, never because of attempts whose outcome is not known yet,
// so a client that has not failed gets no 429 however many of its
// requests run at once (dozens of workers behind one NAT address, all
// starting together). And a burst of concurrent bad requests gets no
// more attempts checked than the allowance, however slow the hash: while
// the attempts in flight could use up what is left of it, Allow holds the
// next one back until one of them ends, rather than refusing it or
// letting it through. A success frees its place at once; a failure uses
// it up. MemoryLimiter documents its exact rule.
//
// Implementations must be safe for concurrent use. One backed by a shared
// store (to limit across processes) decides for itself whether to allow
// or refuse when that store cannot be reached. Done gets the request's
// context, which may be canceled by then (the client went away); the
// service has checked the credentials all the same, and a failure must
// still count, so a client cannot escape the limit by hanging up.
type Limiter interface {
	// Allow reports whether the attempt may go ahead. It may wait (for
	// attempts in flight to end) until ctx is done; when it may not go
	// ahead, retryAfter is how long until it may.
	Allow(ctx context.Context, a Attempt) (retryAfter time.Duration, ok bool)
	// Done ends an attempt Allow let through: failed is true when the
	// service refused the client's credentials, and the failure counts;
	// otherwise (the client authenticated, or the request failed for
	// another reason) nothing is counted.
	Done(ctx context.Context, a Attempt, failed bool)
}

// Attempt is one client authentication as a Limiter sees it.
type Attempt struct {
	// ClientID is the client id as presented: it may be unknown, or any
	// string the request carried.
	ClientID string
	// Addr is where the request came from, as the WithClientAddr function
	// says (RemoteHost by default); "" exempts the attempt from limits by
	// address.
	Addr string
}

// RemoteHost is the default WithClientAddr function: the host of
// r.RemoteAddr (net.SplitHostPort), with an IPv6 address reduced to its
// /64 prefix, since one host commonly holds a whole /64, and an
// IPv4-mapped one to its IPv4 address. Behind a reverse proxy or load
// balancer RemoteAddr is the proxy's address, and every client would
// share one limit: see WithClientAddr.
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	switch {
	case err != nil:
		return host
	case ip.Is4In6():
		return ip.Unmap().String()
	case ip.Is4():
		return host
	}
	p, _ := ip.WithZone("").Prefix(64) // no error for 64 bits of an IPv6 address
	return p.String()
}

// admit takes the client's credentials from the request and asks the
// limiter whether the client may try to authenticate with them; a refusal
// is a 429 answer.
func (s *Server) admit(r *http.Request, f *form) (credentials, Attempt, *oauthError) {
	c, e := clientCredentials(r.Header, f)
	if e != nil {
		return c, Attempt{}, e
	}
	a := Attempt{ClientID: c.id, Addr: s.cfg.clientAddr(r)}
	if wait, ok := s.cfg.limiter.Allow(r.Context(), a); !ok {
		return c, a, tooManyFailures(wait)
	}
	return c, a, nil
}

// done tells the limiter how an attempt it let through ended: only
// invalid_client is the credentials failing, not a store failure or a bad
// scope.
func (s *Server) done(ctx context.Context, a Attempt, err error) {
	s.cfg.limiter.Done(ctx, a, errors.Is(err, oauthapp.ErrInvalidClient))
}

// tooManyFailures is the 429 answer, with Retry-After in whole seconds,
// rounded up and at least one.
func tooManyFailures(wait time.Duration) *oauthError {
	return &oauthError{
		status:     http.StatusTooManyRequests,
		code:       CodeTemporarilyUnavailable,
		desc:       "too many failed client authentications; retry after the delay in Retry-After",
		retryAfter: max(1, int((wait+time.Second-1)/time.Second)),
	}
}
