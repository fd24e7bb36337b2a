package oauthhttp

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Limiter bounds failed client authentications at the token,
// introspection and revocation endpoints. The endpoint asks Allow before
// the service verifies a client's credentials (before any hash work), and
// calls Done once the service has answered, saying whether it refused the
// credentials. A request Allow refuses is answered 429 with Retry-After.
//
// The promise every Limiter keeps: only failures hold a client back. A
// client that has not failed gets no 429 however many of its requests run
// at once (dozens of workers behind one NAT address, starting together),
// since an attempt whose outcome is not known yet counts for nothing. And
// a burst of concurrent bad requests gets no more attempts checked than
// the allowance, however slow the hash: while the attempts in flight could
// use up what is left of it, Allow holds the next one back until one ends.
//
// Implementations must be safe for concurrent use; one backed by a shared
// store decides for itself what to do when the store cannot be reached.
// Done gets the request's context, which may be canceled by then (the
// client hung up); a failure must still count.
type Limiter interface {
	// Allow reports whether the attempt may go ahead, waiting for attempts
	// in flight to end at most until ctx is done; when it may not,
	// retryAfter is how long until it may.
	Allow(ctx context.Context, a Attempt) (retryAfter time.Duration, ok bool)
	// Done ends an attempt Allow let through; failed is true when the
	// service refused the client's credentials, the only outcome counted.
	Done(ctx context.Context, a Attempt, failed bool)
}

// Attempt is one client authentication as a Limiter sees it.
type Attempt struct {
	// ClientID is the client id as presented: possibly unknown, or junk.
	ClientID string
	// Addr is where the request came from (WithTrustedProxies or
	// WithClientAddr; RemoteHost by default); "" exempts the attempt from
	// limits by address.
	Addr string
}

// RemoteHost is the default WithClientAddr function: the host of
// r.RemoteAddr, an IPv6 address reduced to its /64 prefix (one host
// commonly holds a whole /64) and an IPv4-mapped one to its IPv4 address.
// Behind a reverse proxy RemoteAddr is the proxy's, and every client would
// share one limit: see WithTrustedProxies.
func RemoteHost(r *http.Request) string {
	ip, ok := remoteIP(r.RemoteAddr)
	if !ok {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	return hostKey(ip)
}

// admit takes the client's credentials from the request and asks the
// limiter whether the client may try them; a refusal is a 429 answer.
func (s *Server) admit(r *http.Request, f *form) (credentials, Attempt, *oauthError) {
	c, e := clientCredentials(r.Header, f)
	if e != nil {
		return c, Attempt{}, e
	}
	a := Attempt{ClientID: c.id, Addr: s.cfg.clientAddr(r)}
	if wait, ok := s.cfg.limiter.Allow(r.Context(), a); !ok {
		return c, a, &oauthError{
			status:     http.StatusTooManyRequests,
			code:       CodeTemporarilyUnavailable,
			desc:       "too many failed client authentications; retry after the delay in Retry-After",
			retryAfter: max(1, int((wait+time.Second-1)/time.Second)), // whole seconds, rounded up
		}
	}
	return c, a, nil
}

// done tells the limiter how an attempt ended: only
// oauthapp.ReasonInvalidClient is the credentials failing, not a store
// failure or a bad scope.
func (s *Server) done(ctx context.Context, a Attempt, err error) {
	s.cfg.limiter.Done(ctx, a, oauthapp.ReasonOf(err) == oauthapp.ReasonInvalidClient)
}
