package main

import (
	"flag"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/oauthhttp"
)

// Timeouts of the HTTP server. Without them one client holds a connection
// and a goroutine for as long as it likes: by sending a request's body a
// byte at a time, or by keeping an idle connection open. The requests
// this server takes are small (a token request, a management call of at
// most 64 KiB), so a client that cannot send one within the read timeout
// is dropped.
const (
	// defaultReadTimeout bounds reading a whole request, headers and body.
	defaultReadTimeout = 10 * time.Second
	// readHeaderTimeout bounds reading the headers, within the read
	// timeout.
	readHeaderTimeout = 5 * time.Second
	// writeMargin is added to the read timeout to make the write timeout,
	// which net/http counts from the end of the headers: it must cover
	// reading the body, handling the request and writing the answer.
	writeMargin = 10 * time.Second
	// idleTimeout bounds how long a kept-alive connection waits for its
	// next request.
	idleTimeout = time.Minute
)

// httpFlags are the flags of the HTTP server itself: its read timeout and
// the reverse proxies it believes.
type httpFlags struct {
	readTimeout     *time.Duration
	trustedProxies  *string
	forwardedHeader *string
}

func addHTTPFlags(flags *flag.FlagSet) *httpFlags {
	return &httpFlags{
		readTimeout:     flags.Duration("read-timeout", defaultReadTimeout, "how long a client may take to send a whole request; a slower one is dropped"),
		trustedProxies:  flags.String("trusted-proxies", "", "comma-separated CIDR prefixes or addresses of the reverse proxies in front of this server, whose -forwarded-header names the real client for the failure limiter (default: none, each request counts under its peer address)"),
		forwardedHeader: flags.String("forwarded-header", "X-Forwarded-For", "the header the -trusted-proxies write: X-Forwarded-For or Forwarded"),
	}
}

// serverOptions are the oauthhttp options the flags ask for.
func (f *httpFlags) serverOptions() []oauthhttp.Option {
	if *f.trustedProxies == "" {
		return nil
	}
	prefixes := strings.Split(*f.trustedProxies, ",")
	for i := range prefixes {
		prefixes[i] = strings.TrimSpace(prefixes[i])
	}
	return []oauthhttp.Option{oauthhttp.WithTrustedProxies(*f.forwardedHeader, prefixes...)}
}

// newHTTPServer returns the server of h with the timeouts above.
func newHTTPServer(h http.Handler, readTimeout time.Duration, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(readHeaderTimeout, readTimeout),
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout + writeMargin,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
