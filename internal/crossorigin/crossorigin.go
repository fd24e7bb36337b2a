// Package crossorigin refuses state-changing requests that a browser sends
// on behalf of another site: the cross-site request forgery a cookie-based
// sign-in is open to. It applies the rule Go 1.25's
// http.CrossOriginProtection applies, on the Go 1.24 floor of this module:
//
//   - GET, HEAD and OPTIONS pass: they must change nothing.
//   - A request with Sec-Fetch-Site (every browser since 2023 sends it)
//     passes when it says same-origin or none (typed by the user), and is
//     refused otherwise, same-site included.
//   - Without Sec-Fetch-Site, a request with an Origin header passes when
//     the Origin's host is the request's Host, and is refused otherwise.
//   - A request with neither header is not from a browser (curl, a Go
//     client, a server) and passes: it carries no ambient credentials of
//     the victim's.
//
// Trusted origins (scheme://host[:port]) pass as well, for a console
// served on one host and posting to another the host runs.
package crossorigin

import (
	"errors"
	"net/http"
	"net/url"
)

// ErrCrossOrigin says a browser sent a state-changing request from another
// origin.
var ErrCrossOrigin = errors.New("cross-origin request refused")

// Check returns ErrCrossOrigin when r is a state-changing request that a
// browser sent from an origin other than the one r is addressed to, and
// not one of trusted. Trusted origins are compared exactly, as browsers
// serialize them ("https://console.example.com", no trailing slash).
func Check(r *http.Request, trusted ...string) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	origin := r.Header.Get("Origin")
	for _, t := range trusted {
		if origin != "" && origin == t {
			return nil
		}
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "":
	case "same-origin", "none":
		return nil
	default:
		return ErrCrossOrigin
	}
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != r.Host {
		return ErrCrossOrigin
	}
	return nil
}
