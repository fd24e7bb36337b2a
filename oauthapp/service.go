package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/internal/quote"
	"github.com/oauthapps/oauthapps/internal/seal"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Service manages OAuth apps, authenticates their clients, issues their
// access tokens and authorizes requests that carry them. It is safe for
// concurrent use. Create it with New.
type Service struct {
	store     store.Store
	keys      *token.KeySet
	minter    *token.Minter
	validator *token.Validator
	cfg       config
	apps      *appCache
	revs      *revocationSet // nil unless the cache is on and the store lists revocations
	tokens    *tokenCache    // nil when WithTokenCache turned it off
	stopWatch func()
	closeOnce sync.Once
	// decoy is checked against when the client is unknown, so that an
	// unknown client costs the same hash comparison as a wrong secret of
	// an app whose hash is of the current hasher's kind.
	decoy secret.Credentials
	// meta is what Metadata returns, computed by New.
	meta Metadata
	// rehash is whether stored hashes are upgraded to the hasher's kind on
	// use: the hasher implements secret.Rehasher and accepts its own
	// hashes.
	rehash bool
	// idem seals the answers kept for idempotency keys.
	idem *seal.Sealer
	// issuers fetches and keeps federated issuers' keys (issuers.go).
	issuers *issuerKeys
	// dpop holds the proofs and nonces of DPoP (dpop.go).
	dpop *dpopState
}

// New returns a Service on the given store, signing and verifying tokens
// with the given key set. Options are checked here: an invalid one is an
// error, not a later panic.
//
// If WithCache is given and the store implements store.Watcher, the Service
// subscribes to the store's changes; Close ends the subscription.
func New(st store.Store, keys *token.KeySet, opts ...Option) (*Service, error) {
	if st == nil {
		return nil, errors.New("oauthapp: New: nil store")
	}
	if keys == nil {
		return nil, errors.New("oauthapp: New: nil key set")
	}
	cfg := defaults()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	minter, err := token.NewMinter(keys, cfg.issuer, cfg.audience)
	if err != nil {
		return nil, fmt.Errorf("oauthapp: New: %w", err)
	}
	maxToken := maxTokenSize(&cfg)
	if maxToken > maxValidatorSize {
		return nil, fmt.Errorf("oauthapp: New: a full grant from this catalog could make a token of %d bytes, more than the %d a token may be: fewer or shorter permissions", maxToken, maxValidatorSize)
	}
	validator, err := token.NewValidator(keys, cfg.issuer, cfg.audience, token.WithMaxSize(maxToken), token.WithAudiences(cfg.resources...))
	if err != nil {
		return nil, fmt.Errorf("oauthapp: New: %w", err)
	}
	decoy, err := secret.Decoy(cfg.hasher)
	if err != nil {
		return nil, fmt.Errorf("oauthapp: New: %w", err)
	}
	idem, err := newIdemSealer(cfg.keks)
	if err != nil {
		return nil, fmt.Errorf("oauthapp: New: %w", err)
	}
	dpop := newDPoP(cfg.dpop)
	s := &Service{
		decoy:     decoy,
		idem:      idem,
		rehash:    upgradesHashes(&cfg, decoy),
		store:     observeStore(st, cfg.observer.StoreCall),
		keys:      keys,
		minter:    minter,
		validator: validator,
		meta:      newMetadata(&cfg, keys, maxToken, dpop.nonceSource(cfg.clock)),
		cfg:       cfg,
		apps:      newAppCache(cfg.cacheStale, cfg.cacheSize),
		tokens:    newTokenCache(keys, cfg.tokenEntries, int64(cfg.tokenBytes)),
		revs:      newRevocationSet(st, cfg.cacheStale, cfg.observer.StoreCall),
		issuers:   newIssuerKeys(cfg.issuers, cfg.logger),
		dpop:      dpop,
	}
	if w, ok := st.(store.Watcher); ok && cfg.cacheStale > 0 {
		s.stopWatch = w.Watch(s.watcher())
	}
	return s, nil
}

// upgradesHashes reports whether stored hashes are upgraded to the
// hasher's kind on use: the hasher implements secret.Rehasher, upgrades
// are not turned off, and it accepts its own hashes (decoy's, made by it).
func upgradesHashes(cfg *config, decoy secret.Credentials) bool {
	if _, ok := cfg.hasher.(secret.Rehasher); !ok || cfg.noHashUpgrades {
		return false
	}
	cur, _ := decoy.Records()
	if decoy.NeedsRehash(cur.ID, cfg.hasher) {
		cfg.logger.Warn("oauthapp: the hasher's NeedsRehash rejects its own hashes; stored hashes will not be upgraded")
		return false
	}
	return true
}

// Close stops watching the store for changes. It does not close the store.
// A Service without a cache needs no Close; calling it, more than once or
// from several goroutines, is harmless.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWatch != nil {
			s.stopWatch()
		}
	})
	return nil
}

func (s *Service) now() time.Time { return s.cfg.clock() }

func (s *Service) servesRegion(r string) bool { return slices.Contains(s.cfg.regions, r) }

// region resolves a requested region: "" is the default one.
func (s *Service) region(r string) (string, error) {
	if r == "" {
		return s.cfg.regions[0], nil
	}
	if !s.servesRegion(r) {
		return "", fmt.Errorf("%w: %s (this service serves %v)", ErrUnsupportedRegion, quote.Q(r), s.cfg.regions)
	}
	return r, nil
}

// ttl is the effective token lifetime of an app.
func (s *Service) ttl(appTTL time.Duration) time.Duration {
	if appTTL == 0 {
		return s.cfg.tokenTTL
	}
	return appTTL
}

// lookupApp returns the compiled form of an app for token issuing and
// authorization at now (the request's one clock reading): from the cache
// when it is fresh enough, else from the store (reusing the compiled form
// when the stored version is unchanged).
func (s *Service) lookupApp(ctx context.Context, sid string, now time.Time) (*liveApp, error) {
	switch a, missing := s.apps.fresh(sid, now); {
	case a != nil:
		s.observeCache(ctx, CacheApps, true)
		return a, nil
	case missing:
		s.observeCache(ctx, CacheApps, true)
		return nil, ErrNotFound
	}
	s.observeCache(ctx, CacheApps, false)
	gen := s.apps.generation()
	rec, err := s.store.GetApp(ctx, sid)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.apps.forget(sid, now, gen)
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("oauthapp: reading app: %w", err)
	}
	if a := s.apps.same(rec); a != nil {
		s.apps.put(a, now, gen)
		return a, nil
	}
	a, err := compileApp(rec)
	if err != nil {
		// A record the store handed back but that does not parse is a
		// corrupt or foreign record: refuse it, do not guess.
		s.cfg.logger.ErrorContext(ctx, "oauthapp: stored app does not load", "app", sid, "error", err)
		return nil, fmt.Errorf("oauthapp: stored app %s: %w", sid, err)
	}
	s.apps.put(a, now, gen)
	return a, nil
}

// onChange is the store.Watcher subscriber.
func (s *Service) onChange(ch store.Change) {
	s.apps.onChange(ch)
	if s.revs != nil {
		s.revs.onChange(ch, s.now())
	}
}

// isRevoked reports whether a token id is in the revoked set at now: from
// the in-memory set when there is one, else through the cache when one is
// configured.
func (s *Service) isRevoked(ctx context.Context, jti string, now time.Time) (bool, error) {
	if s.revs != nil {
		if revoked, ok := s.revs.lookup(jti, now); ok {
			s.observeCache(ctx, CacheRevocations, true)
			return revoked, nil
		}
		s.observeCache(ctx, CacheRevocations, false)
		if err := s.revs.load(ctx, now); err != nil {
			s.cfg.logger.WarnContext(ctx, "oauthapp: loading the revoked set; reading the store per token meanwhile", "error", err)
		} else if revoked, ok := s.revs.lookup(jti, now); ok {
			return revoked, nil
		}
	} else if revoked, ok := s.apps.revokedFresh(jti, now); ok {
		s.observeCache(ctx, CacheRevocations, true)
		return revoked, nil
	} else {
		s.observeCache(ctx, CacheRevocations, false)
	}
	gen := s.apps.generation()
	revoked, err := s.store.IsTokenRevoked(ctx, jti, now)
	if err != nil {
		return false, fmt.Errorf("oauthapp: reading revocations: %w", err)
	}
	s.apps.putRevoked(jti, revoked, now, gen)
	return revoked, nil
}

// touch records, at most once a minute per app and secret, that a secret
// authenticated a client. A failure is logged and otherwise ignored: it
// must not fail a token request.
func (s *Service) touch(ctx context.Context, a *liveApp, secretID string, now time.Time) {
	if !a.shouldTouch(secretID, now) {
		return
	}
	if err := s.store.TouchSecret(ctx, a.sid, secretID, now); err != nil {
		s.cfg.logger.WarnContext(ctx, "oauthapp: recording secret use", "app", a.sid, "secret_id", secretID, "error", err)
	}
}

// upgrade stores a new hash of presented, made by the service's hasher,
// in the slot secretID that presented has just verified against in a,
// when that slot's hash is of another kind or has other parameters. The
// write is a real update: compare-and-swap on the version it reads, a
// version bump, the cache entry evicted, an audit event. At most one
// upgrade of a compiled app runs at a time, and once one has succeeded (or
// found the work done, or the app gone) it is not tried again. A conflict
// or a store failure is logged (never with the secret) and otherwise
// ignored: the client is authenticated, and the next use tries again.
func (s *Service) upgrade(ctx context.Context, a *liveApp, presented secret.Secret, secretID string, now time.Time) {
	if !a.upgrading.CompareAndSwap(false, true) {
		return
	}
	done := false
	defer func() {
		if !done {
			a.upgrading.Store(false)
		}
	}()
	fail := func(level slog.Level, msg string, err error) {
		s.cfg.logger.Log(ctx, level, msg, "app", a.sid, "secret_id", secretID, "error", err)
	}
	rec, err := s.store.GetApp(ctx, a.sid)
	if errors.Is(err, store.ErrNotFound) {
		done = true // deleted since it was read
		return
	}
	if err != nil {
		fail(slog.LevelWarn, "oauthapp: reading app to upgrade a secret hash; the next use retries", err)
		return
	}
	creds, err := credsOf(rec.Secrets)
	if err != nil {
		fail(slog.LevelError, "oauthapp: stored app does not load", err)
		return
	}
	creds, changed, err := creds.Rehash(now, presented, s.cfg.hasher)
	switch {
	case errors.Is(err, secret.ErrMismatch):
		done = true // rotated away since it verified: nothing to upgrade
		return
	case err != nil:
		fail(slog.LevelWarn, "oauthapp: hashing a secret anew; the next use retries", err)
		return
	case !changed:
		// Upgraded meanwhile, by another process: forget the old copy.
		done = true
		s.apps.evict(a.sid)
		return
	}
	rec.Secrets = storedSecrets(creds)
	saved, err := s.store.UpdateApp(ctx, rec)
	switch {
	case errors.Is(err, store.ErrNotFound):
		done = true // deleted since it was read
		return
	case errors.Is(err, store.ErrConflict):
		fail(slog.LevelInfo, "oauthapp: app changed while upgrading a secret hash; the next use retries", err)
		return
	case err != nil:
		fail(slog.LevelWarn, "oauthapp: storing an upgraded secret hash; the next use retries", err)
		return
	}
	done = true
	s.apps.evict(a.sid)
	s.emit(ctx, Event{Kind: EventSecretRehashed, Time: now, AccountSID: saved.AccountSID, AppSID: saved.SID, SecretID: secretID})
}

// newCredentials wraps secret.NewCredentials with the service's hasher.
func (s *Service) newCredentials(now time.Time) (secret.Credentials, secret.Secret, error) {
	return secret.NewCredentials(now, s.cfg.hasher)
}
