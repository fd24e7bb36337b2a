package keyring

import (
	"crypto"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthapps/oauthapps/token"
)

// Defaults of the options.
const (
	// DefaultRotationPeriod is how long a key signs before its successor
	// takes over: 30 days.
	DefaultRotationPeriod = 30 * 24 * time.Hour
	// DefaultPublishLead is how long a new key is published in the JWKS
	// document before it signs: one hour, well above the five minutes a
	// JWKS response may be cached (oauthhttp sends max-age=300), so that
	// a resource server never meets a kid it has not seen.
	DefaultPublishLead = time.Hour
	// DefaultLeeway is added to the longest token lifetime before a
	// retired key is removed: clocks of instances and resource servers
	// may differ by that much.
	DefaultLeeway = 5 * time.Minute
	// DefaultResync is how often the ring reads the store even when no
	// change was notified: the bound on staleness while notifications
	// are lost, and the whole mechanism for a store that has none.
	DefaultResync = 30 * time.Second
)

// Option configures New. A bad value is an error from New wrapping
// ErrInvalidOption.
type Option func(*config) error

type config struct {
	keks     [][]byte
	alg      token.Algorithm
	period   time.Duration
	lead     time.Duration
	maxTTL   time.Duration
	leeway   time.Duration
	resync   time.Duration
	clock    func() time.Time
	logger   *slog.Logger
	signers  []crypto.Signer
	noRotate bool
}

func defaults() config {
	return config{
		alg:    token.EdDSA,
		period: DefaultRotationPeriod,
		lead:   DefaultPublishLead,
		maxTTL: token.MaxTTL,
		leeway: DefaultLeeway,
		resync: DefaultResync,
		clock:  time.Now,
		logger: slog.New(slog.DiscardHandler),
	}
}

func bad(option, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidOption, option, fmt.Sprintf(format, args...))
}

// WithKeyEncryptionKey sets the key-encryption key (KEK) that seals the
// private keys the ring stores: KEKSize (32) random bytes, kept outside
// the store (an environment variable, a secret manager). Given more than
// once, the first seals and every one opens. Every instance on one store
// must hold the KEK the keys are sealed under, or New fails with
// ErrForeignKEK.
//
// To rotate the KEK, in three rollouts: give every instance the old one
// followed by the new one (the new one now opens everywhere); then the new
// one followed by the old one (rings re-seal the stored keys under the new
// one, and every instance can already open them); then the new one alone.
// An instance still on the old KEK alone when keys are re-sealed keeps the
// keys it had opened, and logs a warning, but could not start again.
// Default: none, which allows only WithSigner.
func WithKeyEncryptionKey(kek []byte) Option {
	return func(c *config) error {
		if len(kek) != KEKSize {
			return bad("WithKeyEncryptionKey", "a key-encryption key must be %d bytes, not %d", KEKSize, len(kek))
		}
		c.keks = append(c.keks, append([]byte(nil), kek...))
		return nil
	}
}

// WithAlgorithm sets the algorithm of the keys the ring generates: EdDSA,
// ES256 or RS256 (HS256 keys cannot be published, so a ring of instances
// cannot share them this way). Default: token.EdDSA.
func WithAlgorithm(alg token.Algorithm) Option {
	return func(c *config) error {
		switch alg {
		case token.EdDSA, token.ES256, token.RS256:
			c.alg = alg
			return nil
		}
		return bad("WithAlgorithm", "%q is not EdDSA, ES256 or RS256", alg)
	}
}

// WithRotation sets how long each key signs (period) and how long before
// it starts signing a new key is published (lead); lead must be shorter
// than period. The successor of a key is created once the key has signed
// for period minus lead, and signs from period on. A period of zero turns
// scheduled rotation off (Rotate still works). Default:
// DefaultRotationPeriod (30 days) and DefaultPublishLead (1 hour).
func WithRotation(period, lead time.Duration) Option {
	return func(c *config) error {
		if period < 0 || lead < 0 || (period > 0 && lead >= period) {
			return bad("WithRotation", "want 0 <= lead < period, or period 0, got period %v and lead %v", period, lead)
		}
		c.period, c.lead = period, lead
		c.noRotate = period == 0
		return nil
	}
}

// WithMaxTokenTTL sets the longest lifetime of a token the service mints:
// a retired key is removed that long (plus WithLeeway) after it stopped
// signing, once the last token it signed has expired. Every instance on
// one store must use the same value, since any of them may remove the key.
// Default: token.MaxTTL (30 days), safe for any app's TTL; a service
// whose apps all keep the default one-hour TTL may pass an hour.
func WithMaxTokenTTL(ttl time.Duration) Option {
	return func(c *config) error {
		if ttl < token.MinTTL || ttl > token.MaxTTL {
			return bad("WithMaxTokenTTL", "%v is outside %v..%v", ttl, token.MinTTL, token.MaxTTL)
		}
		c.maxTTL = ttl
		return nil
	}
}

// WithLeeway sets the margin added to WithMaxTokenTTL before a retired key
// is removed, between 0 and an hour. Default: DefaultLeeway (5 minutes).
func WithLeeway(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 || d > time.Hour {
			return bad("WithLeeway", "%v is outside 0..1h", d)
		}
		c.leeway = d
		return nil
	}
}

// WithResync sets how often the ring reads the store even when no change
// was notified, at least 10ms: the bound on how stale the key set may be
// while notifications are lost (a store that implements store.Watcher
// notifies changes within milliseconds). Default: DefaultResync (30s).
func WithResync(d time.Duration) Option {
	return func(c *config) error {
		if d < 10*time.Millisecond {
			return bad("WithResync", "%v is shorter than 10ms", d)
		}
		c.resync = d
		return nil
	}
}

// WithClock sets the clock the ring reads. Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return bad("WithClock", "nil clock")
		}
		c.clock = now
		return nil
	}
}

// WithLogger sets where the ring reports what it does and what fails: keys
// created, removed and re-sealed, keys refused, store errors. It never
// receives key material. Default: discard.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return bad("WithLogger", "nil logger")
		}
		c.logger = logger
		return nil
	}
}

// WithSigner makes signer (a KMS, an HSM, PKCS #11) the signing key: the
// store then holds only its public key, under its RFC 7638 JWK thumbprint
// as kid, and the ring generates no keys and does not rotate on a schedule
// (Rotate fails): the signer's owner rotates it. Every instance of one
// deployment is given the same signer.
//
// A stored key without a sealed private key is trusted only when its
// public key is one of the instance's signers: nothing else vouches for
// it. Given more than once, the first signer is the one to sign with and
// the others are known too (they may sign while the first is not yet due).
// To move to a new signer, in three rollouts: give every instance the old
// signer followed by the new one (every instance now knows the new key);
// then the new one followed by the old one (the new public key is
// published, and signs WithRotation's lead later, so no resource server
// meets its kid unannounced; the old key is retired and removed like a
// generated one); then the new one alone. Default: none; the ring
// generates keys and stores them sealed.
func WithSigner(signer crypto.Signer) Option {
	return func(c *config) error {
		if signer == nil {
			return bad("WithSigner", "nil signer")
		}
		c.signers = append(c.signers, signer)
		return nil
	}
}
