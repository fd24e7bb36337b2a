package adminhttp

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// Defaults of the options.
const (
	// DefaultPrefix is the path under which the API is mounted unless
	// WithPrefix says otherwise: the collection is
	// DefaultPrefix+"/OAuthApps".
	DefaultPrefix = "/v1/Account"
	// DefaultMaxBodyBytes bounds a request body unless WithMaxBodyBytes
	// says otherwise: room for the widest policy (100 permissions of up to
	// 256 bytes) with a name and a description of the longest kind.
	DefaultMaxBodyBytes = 64 << 10
	// DefaultPageSize is the page size of a list without PageSize.
	DefaultPageSize = 50
	// MaxPageSize is the largest PageSize a list accepts.
	MaxPageSize = 1000
)

// Option configures an API. New checks every option: an invalid value is
// an error from New (wrapping ErrInvalidOption), never a panic later.
type Option func(*config) error

type config struct {
	prefix  string
	baseURL string
	maxBody int64
	logger  *slog.Logger
	origins []string
}

func defaults() config {
	return config{
		prefix:  DefaultPrefix,
		maxBody: DefaultMaxBodyBytes,
		logger:  slog.New(slog.DiscardHandler),
	}
}

// WithPrefix sets the path the API is mounted under: "" (the root) or a
// path that starts with "/", does not end with one, and holds no
// wildcard, space or percent sign. Default: DefaultPrefix ("/v1/Account").
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix != "" && (prefix[0] != '/' || strings.HasSuffix(prefix, "/") || strings.ContainsAny(prefix, "{} %?#\t\r\n")) {
			return fmt.Errorf("%w: WithPrefix: want \"\" or a path like /v1/Account, without a trailing slash or wildcards", ErrInvalidOption)
		}
		c.prefix = prefix
		return nil
	}
}

// WithBaseURL sets the scheme and host that the url members of answers,
// Location headers and next_page_url start with, such as
// "https://api.example.com". Default: none, so those URLs are
// path-absolute ("/v1/Account/OAuthApps/OQ..."): the API never builds a
// URL from the request's Host header, which a client controls.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("%w: WithBaseURL: want an absolute http or https URL without query, fragment or user", ErrInvalidOption)
		}
		c.baseURL = strings.TrimSuffix(base, "/")
		return nil
	}
}

// WithMaxBodyBytes bounds request bodies, 1 KiB to 1 MiB; a longer body is
// answered 413 and changes nothing. Default: DefaultMaxBodyBytes (64 KiB).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n < 1<<10 || n > 1<<20 {
			return fmt.Errorf("%w: WithMaxBodyBytes: %d outside 1024..1048576", ErrInvalidOption, n)
		}
		c.maxBody = n
		return nil
	}
}

// WithLogger sets where the API logs failures of the server (answers
// 500): the error, never a request body or a secret. Default: a logger
// that discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return fmt.Errorf("%w: WithLogger: nil logger", ErrInvalidOption)
		}
		c.logger = logger
		return nil
	}
}

// WithTrustedOrigins names the origins ("https://console.example.com":
// scheme, host and port as a browser sends them in Origin, no path or
// trailing slash) whose pages may call the API from a browser although
// they are not the origin the API is served at, such as a console on
// another host. Every other cross-origin request that would change
// something is refused (see API). Default: none.
func WithTrustedOrigins(origins ...string) Option {
	return func(c *config) error {
		for _, o := range origins {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
				u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
				return fmt.Errorf("%w: WithTrustedOrigins: %.80q is not an origin like https://console.example.com", ErrInvalidOption, o)
			}
		}
		c.origins = append(c.origins, origins...)
		return nil
	}
}
