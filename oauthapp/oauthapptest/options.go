package oauthapptest

import (
	"fmt"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Option configures a kit made by New or NewServer. New checks every
// option: an unusable value fails the test through t.Fatalf with an error
// wrapping ErrInvalidOption, or oauthapp.ErrInvalidOption for a value the
// kit hands to the service unchecked (WithCatalog's).
type Option func(*config) error

type config struct {
	store    store.Store
	alg      token.Algorithm
	keys     *token.KeySet
	catalog  oauthapp.Option // oauthapp.WithCatalog, when one was given
	clock    *Clock
	service  []oauthapp.Option
	server   []oauthhttp.Option
	algGiven bool
}

func defaults() config {
	return config{alg: token.EdDSA}
}

// WithStore runs the kit's service on st, any store.Store (a PostgreSQL
// one, a store of one's own, a wrapper that injects failures). The kit
// does not close it. Default: a fresh store.NewMemory().
func WithStore(st store.Store) Option {
	return func(c *config) error {
		if st == nil {
			return fmt.Errorf("%w: WithStore: nil store", ErrInvalidOption)
		}
		c.store = st
		return nil
	}
}

// WithAlgorithm sets the algorithm of the signing key the kit generates
// (token.EdDSA, token.ES256, token.RS256 or token.HS256). It may not be
// combined with WithKeys. Default: token.EdDSA.
func WithAlgorithm(alg token.Algorithm) Option {
	return func(c *config) error {
		if !alg.Valid() {
			return fmt.Errorf("%w: WithAlgorithm: unsupported algorithm %q", ErrInvalidOption, alg)
		}
		c.alg, c.algGiven = alg, true
		return nil
	}
}

// WithKeys has the service sign and verify with keys instead of a key of
// its own, as when several kits stand for the instances of one
// deployment. It may not be combined with WithAlgorithm. Default: a key
// set with one new key of the kit's algorithm.
func WithKeys(keys *token.KeySet) Option {
	return func(c *config) error {
		if keys == nil {
			return fmt.Errorf("%w: WithKeys: nil key set", ErrInvalidOption)
		}
		c.keys = keys
		return nil
	}
}

// WithCatalog sets the service's route catalog (oauthapp.WithCatalog), so
// that oauthhttp's Protect resolves routes through it.
// oauthapp.WithCatalog checks it: a nil catalog fails New when it builds
// the service. Default: none.
func WithCatalog(catalog *scope.Catalog) Option {
	return func(c *config) error {
		c.catalog = oauthapp.WithCatalog(catalog)
		return nil
	}
}

// WithRoutes sets the service's route catalog to one of these routes, as
// WithCatalog(scope.NewCatalog(routes)) would; a route NewCatalog refuses
// is a bad option. Default: none.
func WithRoutes(routes ...scope.Route) Option {
	return func(c *config) error {
		catalog, err := scope.NewCatalog(routes)
		if err != nil {
			return fmt.Errorf("%w: WithRoutes: %w", ErrInvalidOption, err)
		}
		return WithCatalog(catalog)(c)
	}
}

// WithClock sets the fake clock the service reads, for kits that share
// one or a test that starts elsewhere than Epoch. Default: NewClock(Epoch).
func WithClock(clock *Clock) Option {
	return func(c *config) error {
		if clock == nil {
			return fmt.Errorf("%w: WithClock: nil clock", ErrInvalidOption)
		}
		c.clock = clock
		return nil
	}
}

// WithServiceOptions passes options to oauthapp.New, after the kit's own
// (the clock, the catalog and, for NewServer, the issuer), so they may
// override those. Options given more than once add up. Default: none.
func WithServiceOptions(opts ...oauthapp.Option) Option {
	return func(c *config) error {
		return appendOptions(&c.service, "WithServiceOptions", opts)
	}
}

// WithServerOptions passes options to oauthhttp.New when NewServer builds
// its server, after the kit's own (the base URL), so they may override it.
// New builds no server and ignores them. Options given more than once add
// up. Default: none.
func WithServerOptions(opts ...oauthhttp.Option) Option {
	return func(c *config) error {
		return appendOptions(&c.server, "WithServerOptions", opts)
	}
}

// appendOptions adds opts, options of oauthapp or oauthhttp, to the list
// at dst, refusing a nil one; name is the kit's option that passes them.
func appendOptions[O ~func(C) error, C any](dst *[]O, name string, opts []O) error {
	for _, o := range opts {
		if o == nil {
			return fmt.Errorf("%w: %s: nil option", ErrInvalidOption, name)
		}
	}
	*dst = append(*dst, opts...)
	return nil
}
