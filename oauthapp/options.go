package oauthapp

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthapps/oauthapps/internal/seal"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/token"
)

// Defaults of the service's settings (token lifetime, grace, region,
// issuer, audience) and the bounds of its configurable durations.
const (
	// DefaultTokenTTL is the lifetime of an access token unless the service
	// or the app says otherwise: one hour, returned as expires_in 3600. It
	// is token.DefaultTTL.
	DefaultTokenTTL = token.DefaultTTL
	// MinTokenTTL and MaxTokenTTL bound a service's or an app's token TTL:
	// token.MinTTL and token.MaxTTL, what a token may carry.
	MinTokenTTL = token.MinTTL
	MaxTokenTTL = token.MaxTTL
	// DefaultGrace is how long a rotated-out secret keeps working unless
	// the service or the rotation says otherwise: secret.DefaultGrace.
	DefaultGrace = secret.DefaultGrace
	// MaxGrace is the longest grace a rotation may give: secret.MaxGrace.
	MaxGrace = secret.MaxGrace
	// DefaultRegion is the region a service serves unless WithRegions says
	// otherwise.
	DefaultRegion = "us1"
	// DefaultIssuer is the token issuer (iss) unless WithIssuer says
	// otherwise; production services set their own URL.
	DefaultIssuer = "oauthapps"
	// DefaultAudience is the token audience (aud) unless WithAudience says
	// otherwise.
	DefaultAudience = "oauthapps"
)

// Option configures a Service. Options are checked by New: an invalid value
// is an error from New wrapping ErrInvalidOption, never a panic later.
type Option func(*config) error

type config struct {
	clock      func() time.Time
	issuer     string
	audience   string
	regions    []string
	tokenTTL   time.Duration
	grace      time.Duration
	catalog    *scope.Catalog
	audit      func(context.Context, Event)
	logger     *slog.Logger
	hasher     secret.Hasher
	cacheStale time.Duration
	cacheSize  int
	maxRetries int
	// tokenEntries and tokenBytes bound the verified-token cache
	// (WithTokenCache); 0 turns it off.
	tokenEntries int
	tokenBytes   int
	// noHashUpgrades turns off upgrading stored hashes on use.
	noHashUpgrades bool
	// resources are the resource URIs served besides the audience
	// (WithResources); assertionLife bounds a client assertion's exp
	// (WithAssertionLifetime).
	resources     []string
	assertionLife time.Duration
	// assertionIssuerOnly: an assertion's aud must be the issuer
	// (WithAssertionAudienceIssuerOnly).
	assertionIssuerOnly bool
	observer            Observer
	// keks seal the answers kept for idempotency keys
	// (WithKeyEncryptionKey).
	keks [][]byte
	// issuers is how federated issuers are reached (federation.go).
	issuers issuerConfig
	// dpop holds the DPoP options (dpop.go).
	dpop dpopConfig
}

func defaults() config {
	return config{
		clock:      time.Now,
		issuer:     DefaultIssuer,
		audience:   DefaultAudience,
		regions:    []string{DefaultRegion},
		tokenTTL:   DefaultTokenTTL,
		grace:      DefaultGrace,
		logger:     slog.New(slog.DiscardHandler),
		hasher:     secret.SHA256{},
		cacheSize:  100_000,
		maxRetries: 64,

		tokenEntries: DefaultTokenCacheEntries,
		tokenBytes:   DefaultTokenCacheBytes,

		assertionLife: DefaultAssertionLifetime,
		dpop:          dpopConfig{proofAge: DefaultDPoPProofAge, replayEntries: DefaultDPoPReplayEntries},
	}
}

// WithClock sets the clock the service reads. Default: time.Now. Tests pass
// a fake clock (see package oauthapptest).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock: nil clock", ErrInvalidOption)
		}
		c.clock = now
		return nil
	}
}

// WithKeyEncryptionKey sets the key-encryption key (KEK) under which the
// answers kept for idempotency keys are sealed in the store (see
// Idempotent): 32 random bytes, the same on every instance that shares
// the store, and best the one the key ring seals signing keys with
// (keyring.WithKeyEncryptionKey). Given more than once, the first seals
// and every one opens, so a KEK is rotated as the key ring's is.
// Default: none, which seals under a random key of this process, so that
// a replay works on the instance that answered only.
func WithKeyEncryptionKey(kek []byte) Option {
	return func(c *config) error {
		if len(kek) != seal.KEKSize {
			return fmt.Errorf("%w: WithKeyEncryptionKey: a key-encryption key must be %d bytes, not %d", ErrInvalidOption, seal.KEKSize, len(kek))
		}
		c.keks = append(c.keks, append([]byte(nil), kek...))
		return nil
	}
}

// WithIssuer sets the iss claim of issued tokens and the issuer tokens must
// carry. Default: DefaultIssuer.
func WithIssuer(issuer string) Option {
	return func(c *config) error {
		if issuer == "" {
			return fmt.Errorf("%w: WithIssuer: empty issuer", ErrInvalidOption)
		}
		c.issuer = issuer
		return nil
	}
}

// WithAudience sets the aud claim of issued tokens and the audience tokens
// must carry: the API the tokens are for. Default: DefaultAudience.
func WithAudience(audience string) Option {
	return func(c *config) error {
		if audience == "" {
			return fmt.Errorf("%w: WithAudience: empty audience", ErrInvalidOption)
		}
		c.audience = audience
		return nil
	}
}

// WithRegions sets the regions this service serves; the first is the default
// for new apps. Default: DefaultRegion ("us1") alone.
func WithRegions(regions ...string) Option {
	return func(c *config) error {
		if len(regions) == 0 {
			return fmt.Errorf("%w: WithRegions: no region", ErrInvalidOption)
		}
		seen := make(map[string]bool, len(regions))
		for _, r := range regions {
			if r == "" || seen[r] {
				return fmt.Errorf("%w: WithRegions: empty or repeated region %q", ErrInvalidOption, r)
			}
			seen[r] = true
		}
		c.regions = append([]string(nil), regions...)
		return nil
	}
}

// WithTokenTTL sets the lifetime of access tokens for apps that do not set
// their own, between MinTokenTTL and MaxTokenTTL. Default: DefaultTokenTTL
// (one hour).
func WithTokenTTL(ttl time.Duration) Option {
	return func(c *config) error {
		if err := checkTTL(ttl); err != nil {
			return fmt.Errorf("%w: WithTokenTTL: %w", ErrInvalidOption, err)
		}
		c.tokenTTL = ttl
		return nil
	}
}

// WithDefaultGrace sets the grace of a rotation that does not give its own,
// between 0 and MaxGrace. Default: DefaultGrace (24 hours).
func WithDefaultGrace(grace time.Duration) Option {
	return func(c *config) error {
		if err := checkGrace(grace); err != nil {
			return fmt.Errorf("%w: WithDefaultGrace: %w", ErrInvalidOption, err)
		}
		c.grace = grace
		return nil
	}
}

// WithCatalog sets the route catalog of the API the tokens are for: the
// routes oauthhttp's Protect resolves requests through (Metadata.Catalog),
// and the permissions its metadata lists. The catalog also spells out, in
// a token's full grant (IssueToken) and in Introspect's scope, the
// permissions under an allow wildcard that a deny entry carves exceptions
// out of, and its permissions count toward Metadata.MaxTokenSize.
// Default: none (such wildcards then stay as they are).
func WithCatalog(catalog *scope.Catalog) Option {
	return func(c *config) error {
		if catalog == nil {
			return fmt.Errorf("%w: WithCatalog: nil catalog", ErrInvalidOption)
		}
		c.catalog = catalog
		return nil
	}
}

// WithAudit sets the hook that receives audit events. It is called
// synchronously, after the event's effect is stored, and must not block.
// Default: none.
func WithAudit(hook func(context.Context, Event)) Option {
	return func(c *config) error {
		c.audit = hook
		return nil
	}
}

// WithObserver sets the hooks that tell metrics and traces how the service
// is doing (see Observer; package oauthotel makes one for OpenTelemetry).
// Default: none, which costs a nil check per hook.
func WithObserver(o Observer) Option {
	return func(c *config) error {
		c.observer = o
		return nil
	}
}

// WithLogger sets the logger for operational messages (store failures,
// retries). It never receives a secret or a whole token. Default: discard.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return fmt.Errorf("%w: WithLogger: nil logger", ErrInvalidOption)
		}
		c.logger = logger
		return nil
	}
}

// WithHasher sets how client secrets are hashed. Default: secret.SHA256{}.
//
// Verification reads the algorithm from each stored hash, so changing the
// hasher (from secret.SHA256{} to a secret.Argon2id, back, or to other
// Argon2id parameters) keeps old secrets working. New and rotated secrets
// get the new hasher at once; an existing secret gets it on its next
// successful use, when the service hashes the presented secret anew and
// stores it in the same slot (same id and times; the app's Version goes
// up, UpdatedAt does not; EventSecretRehashed). Until then the app keeps
// its old hash, and a wrong secret for it costs the old algorithm's time
// while an unknown client id costs the new one's: timing tells that client
// id apart from an unknown one until its secret is used or rotated.
//
// Upgrading needs a hasher that implements secret.Rehasher, as the
// hashers of package secret do; with one that does not, or whose
// NeedsRehash rejects its own hashes (logged by New), hashes change only
// by rotation. Services that share a store should agree on the hasher:
// while a rollout of a new one is under way, an instance with the old
// hasher and one with the new rewrite the hash of a client that uses both,
// one store write each time it moves from one to the other, until the
// rollout ends; roll out with WithHashUpgrades(false), then turn upgrades
// on once every instance has the new hasher.
func WithHasher(h secret.Hasher) Option {
	return func(c *config) error {
		if h == nil {
			return fmt.Errorf("%w: WithHasher: nil hasher", ErrInvalidOption)
		}
		c.hasher = h
		return nil
	}
}

// WithHashUpgrades turns the upgrade of stored secret hashes on successful
// use on or off (see WithHasher). Default: on. Turn it off while instances
// that share a store run different hashers, during the rollout of a new
// one, so that they do not rewrite a client's hash back and forth.
func WithHashUpgrades(on bool) Option {
	return func(c *config) error {
		c.noHashUpgrades = !on
		return nil
	}
}

// WithCache puts a cache in front of the store for the lookups that
// authorization and token issuing make on every request (the app, its
// secrets and policy, and whether a token was revoked). An entry is served
// for at most maxStale after it was read; so a deletion, rotation or
// revocation made through another process takes effect within maxStale.
// When the store implements store.Watcher, changes evict entries as soon as
// they are notified, and maxStale only bounds what happens while
// notifications are lost. Changes made through this Service always evict at
// once. size caps the cache at size apps and, separately, size revocation
// answers (0 means 100,000 each); a full map drops about a tenth of its
// entries, chosen at random, to make room.
//
// The store's answer that there is no app with a client id is cached the
// same way, for at most maxStale, in a map of its own of up to size ids
// (made-up ids fill it, never push out real apps): a request with an
// unknown client id then costs what one with a known id does, so its
// answer time does not tell whether the id exists. A new app evicts its
// id like any other change: at once through this Service, by notification
// elsewhere (the memory store and store/postgres publish creations), or
// within maxStale from a store without notifications. The first request
// for an id that this instance has not looked up within maxStale still
// reads the store, known or unknown.
//
// When the store also lists its live revocations (store.RevocationLister;
// the memory store and store/postgres do), the Service holds the whole
// revoked set in memory instead of caching answers one token at a time: it
// loads the set on the first check, keeps it by notifications, loads it
// again every maxStale, and forgets an entry once its token would have
// expired. A warm Service then authorizes a token, new or not, with no
// store read at all. While the store's notifications are away (a
// store/postgres listener whose connection dropped: the store sends
// store.Resync when it goes and again when it is back), a revocation made
// through another process takes effect at the next load, within maxStale;
// each Resync makes the next check load the set at once.
//
// Default: no cache; every request reads the store, so every change takes
// effect on the next request. Call Close to stop watching the store.
func WithCache(maxStale time.Duration, size int) Option {
	return func(c *config) error {
		if maxStale <= 0 || size < 0 {
			return fmt.Errorf("%w: WithCache: maxStale must be positive and size not negative", ErrInvalidOption)
		}
		c.cacheStale = maxStale
		if size > 0 {
			c.cacheSize = size
		}
		return nil
	}
}

// WithTokenCache sizes the cache of verified tokens that Authorize and
// Introspect keep, or turns it off with (0, 0). The cache maps the exact
// bytes of a token that passed the token checks (signature, issuer,
// audience, times) to its claims, so that a client's token presented
// again costs a map lookup instead of a signature verification. Every
// check that depends on state still runs on every request: the token's
// revocation, its app, its secret or client key, the app's policy and
// resources, and the resource's account, region and audience. An entry
// is never served at or after its token's exp, nor once the key set has
// changed since it was verified (a key added, rotated or removed empties
// the cache).
//
// entries bounds the number of tokens kept and bytes the memory they
// hold by the cache's account, which includes every byte of the token,
// its claims and the bookkeeping; a full cache drops expired entries and
// otherwise keeps what it has, verifying the tokens it has no room for on
// every request. Default: DefaultTokenCacheEntries and
// DefaultTokenCacheBytes (32 MiB at most). Both must be positive, or
// both 0 to turn the cache off.
func WithTokenCache(entries, bytes int) Option {
	return func(c *config) error {
		if entries < 0 || bytes < 0 || (entries == 0) != (bytes == 0) {
			return fmt.Errorf("%w: WithTokenCache: entries and bytes must both be positive, or both 0 to turn the cache off", ErrInvalidOption)
		}
		c.tokenEntries, c.tokenBytes = entries, bytes
		return nil
	}
}

// WithResources sets the resource URIs (RFC 8707) the service issues
// tokens for besides its audience (WithAudience): the APIs an app may be
// granted (NewApp.Resources) and a token request may name in its resource
// parameter, each becoming the aud of the token issued for it. Each must
// be an absolute URI without a fragment, at most MaxResourceLen bytes; at
// most MaxServiceResources of them. Default: none, so every token carries
// the service's audience.
func WithResources(uris ...string) Option {
	return func(c *config) error {
		if len(uris) > MaxServiceResources {
			return fmt.Errorf("%w: WithResources: %d resources, more than %d", ErrInvalidOption, len(uris), MaxServiceResources)
		}
		for _, u := range uris {
			if err := checkResource(u); err != nil {
				return fmt.Errorf("%w: WithResources: %w", ErrInvalidOption, err)
			}
		}
		c.resources = normaliseResources(uris)
		return nil
	}
}
