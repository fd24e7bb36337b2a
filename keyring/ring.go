package keyring

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Ring keeps one instance's token.KeySet in step with the signing keys in
// a store that every instance shares. Give its KeySet to oauthapp.New: the
// service signs and verifies with it in memory, and the ring changes it
// (publishing, rotating, removing keys) as the store changes. Nothing on
// the request path reads the store.
//
// New starts one goroutine that watches the store (store.Watcher, when the
// store implements it), reads it every WithResync, and wakes when a key is
// due to start signing or to be removed. Close stops it. A Ring is safe for
// concurrent use.
type Ring struct {
	st     store.SigningKeys
	cfg    config
	sealer *sealer
	exts   []*externalKey // WithSigner's, the one to sign with first; nil for none

	keys *token.KeySet

	// mu serialises reading the store and changing the key set.
	mu     sync.Mutex
	opened map[string]openedKey // by kid: the last record opened, and how
	// fallback is the kid of a key due to sign that this instance could
	// not sign with, as last logged; "" when the due key signs.
	fallback string

	refused atomic.Pointer[[]error]
	nextAt  atomic.Int64 // when the next timed change is due, Unix ns; 0 for none

	wake      chan struct{}
	stopWatch func()
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	closed    atomic.Bool
}

// openedKey caches the result of opening one version of a record.
type openedKey struct {
	version int64
	key     *token.Key
	err     error
}

// New reads the store's signing keys, creating the first one if there is
// none (or the record of WithSigner's key), and returns a Ring whose
// KeySet holds them, signing with the key that is due. It fails, writing
// nothing, when the store holds keys sealed under a key-encryption key it
// was not given (ErrForeignKEK), and when no key it can sign with is due
// (ErrNoSigningKey). A stored key that cannot be opened is refused (see
// Refused) while the others are used.
//
// New starts the ring's goroutine; call Close when done.
func New(ctx context.Context, st store.SigningKeys, opts ...Option) (*Ring, error) {
	if st == nil {
		return nil, fmt.Errorf("%w: nil store", ErrInvalidOption)
	}
	cfg := defaults()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	sl, err := newSealer(cfg.keks)
	if err != nil {
		return nil, err
	}
	if sl == nil && len(cfg.signers) == 0 {
		return nil, fmt.Errorf("%w: the keys it generates are stored sealed; pass WithKeyEncryptionKey, or WithSigner", ErrNoKEK)
	}
	r := &Ring{
		st:     st,
		cfg:    cfg,
		sealer: sl,
		opened: make(map[string]openedKey),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	for _, signer := range cfg.signers {
		ext, err := newExternalKey(signer)
		if err != nil {
			return nil, err
		}
		r.exts = append(r.exts, ext)
	}
	// Subscribe before the first read, so that no change after it is
	// missed.
	if w, ok := st.(store.Watcher); ok {
		r.stopWatch = w.Watch(r.onChange)
	}
	if err := r.start(ctx); err != nil {
		if r.stopWatch != nil {
			r.stopWatch()
		}
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.run(runCtx)
	return r, nil
}

// KeySet returns the key set the ring keeps in step: pass it to
// oauthapp.New. It is the same set for the ring's whole life.
func (r *Ring) KeySet() *token.KeySet { return r.keys }

// Refused returns the errors of the stored keys the ring refused at its
// last read of the store, each a *KeyError naming the key; nil when every
// key opened.
func (r *Ring) Refused() []error {
	if p := r.refused.Load(); p != nil {
		return append([]error(nil), (*p)...)
	}
	return nil
}

// Close stops the ring's goroutine and its watch of the store, and waits
// for the goroutine to end. The key set keeps working as it was. Close is
// idempotent.
func (r *Ring) Close() error {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		if r.cancel != nil {
			r.cancel()
			<-r.done
		}
		if r.stopWatch != nil {
			r.stopWatch()
		}
	})
	return nil
}

// Sync reads the store and brings the key set in step with it now: it
// creates a scheduled successor, removes keys whose last token has
// expired, re-seals keys under the first key-encryption key, then
// publishes, rotates and drops keys in the key set. The goroutine calls it
// on every change and every WithResync; call it to act at once (tests with
// a fake clock do). On a store error the key set stays as it was.
func (r *Ring) Sync(ctx context.Context) error {
	if r.closed.Load() {
		return ErrClosed
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.syncLocked(ctx)
}

func (r *Ring) syncLocked(ctx context.Context) error {
	recs, err := r.list(ctx)
	if err != nil {
		return err
	}
	// A store emptied of keys (every key withdrawn) gets a first key
	// again, as at start; ErrAlreadyExists means another instance made it.
	created := false
	if len(recs) == 0 {
		created, err = r.bootstrap(ctx, recs)
		if errors.Is(err, store.ErrAlreadyExists) {
			created, err = true, nil
		}
		if err != nil {
			return err
		}
	}
	changed, err := r.housekeep(ctx, recs, r.cfg.clock())
	if err != nil {
		return err
	}
	changed = changed || created
	if changed {
		if recs, err = r.list(ctx); err != nil {
			return err
		}
	}
	return r.apply(recs, r.cfg.clock())
}

// Rotate creates the successor of the newest key now, whatever the
// schedule: published at once, signing after WithRotation's lead. When
// several instances rotate at once, one creates the key and the others
// return it too. It returns the new key's kid.
func (r *Ring) Rotate(ctx context.Context) (string, error) {
	if r.closed.Load() {
		return "", ErrClosed
	}
	if r.exts != nil {
		return "", errors.New("keyring: Rotate: the signing key is an external signer (WithSigner), which its owner rotates")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	recs, err := r.list(ctx)
	if err != nil {
		return "", err
	}
	gen := int64(1)
	if len(recs) > 0 {
		gen = recs[len(recs)-1].Generation + 1
	}
	now := r.cfg.clock()
	kid, err := r.create(ctx, gen, now.Add(r.cfg.lead), now)
	if errors.Is(err, store.ErrAlreadyExists) {
		// Another instance created this generation first: that is the
		// one new key.
		if recs, err = r.list(ctx); err != nil {
			return "", err
		}
		for _, rec := range recs {
			if rec.Generation == gen {
				kid = rec.KID
			}
		}
	} else if err != nil {
		return "", err
	}
	if err := r.syncLocked(ctx); err != nil {
		return kid, err
	}
	return kid, nil
}

// onChange wakes the goroutine for a change to the keys, or a possible
// loss of changes. It never blocks.
func (r *Ring) onChange(c store.Change) {
	if c.Kind != store.SigningKeyChanged && c.Kind != store.Resync {
		return
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run is the ring's goroutine: it syncs on every wake-up, when a timed
// change is due, and every WithResync; after a failed sync it tries again
// within a second.
func (r *Ring) run(ctx context.Context) {
	defer close(r.done)
	failing := false
	for {
		wait := r.cfg.resync
		if failing {
			// The timed changes wait too: the store is needed for them.
			wait = min(wait, time.Second)
		} else if at := r.nextAt.Load(); at != 0 {
			// A millisecond late, so that the clock has passed the time.
			if d := time.Unix(0, at).Sub(r.cfg.clock()) + time.Millisecond; d < wait {
				wait = max(d, 0)
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-r.wake:
			timer.Stop()
		case <-timer.C:
		}
		err := r.Sync(ctx)
		switch {
		case ctx.Err() != nil:
		case err != nil && !failing:
			// Said once, not every second until the store is back.
			r.cfg.logger.Warn("keyring: sync with the store failed; keeping the current keys, retrying every second", "error", err)
		case err == nil && failing:
			r.cfg.logger.Info("keyring: sync with the store works again")
		}
		failing = err != nil
	}
}
