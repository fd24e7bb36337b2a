package keyring

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
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

// externalKey is a signer of WithSigner with its stored public key.
type externalKey struct {
	signer crypto.Signer
	key    *token.Key
	public []byte // PEM, as stored
}

// external returns the signer whose public key the record holds, or nil.
func (r *Ring) external(rec *store.SigningKey) *externalKey {
	for _, ext := range r.exts {
		if bytes.Equal(rec.PublicKey, ext.public) {
			return ext
		}
	}
	return nil
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
		return nil, fmt.Errorf("%w: nil store", ErrBadOption)
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

// start is New's first read: it refuses a store whose keys are sealed
// under a foreign key-encryption key before writing anything, creates the
// first key if needed, and builds the key set.
func (r *Ring) start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for attempt := 0; ; attempt++ {
		recs, err := r.list(ctx)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if rec.PrivateKey == nil || r.sealer.holds(rec.PrivateKey) {
				continue
			}
			if _, ok := sealedBy(rec.PrivateKey); ok {
				_, err := r.sealer.open(rec.KID, rec.Algorithm, rec.PublicKey, rec.PrivateKey)
				return fmt.Errorf("keyring: refusing to start beside another key ring: %w", &KeyError{KID: rec.KID, Err: err})
			}
		}
		created, err := r.bootstrap(ctx, recs)
		switch {
		case errors.Is(err, store.ErrAlreadyExists) && attempt < 3:
			continue // another instance created it first: read again
		case err != nil:
			return err
		case created:
			continue
		}
		if _, err := r.housekeep(ctx, recs, r.cfg.clock()); err != nil {
			return err
		}
		if recs, err = r.list(ctx); err != nil {
			return err
		}
		return r.apply(recs, r.cfg.clock())
	}
}

// bootstrap creates the first generated key of an empty store, or the
// record of WithSigner's key when the store lacks it, and reports whether
// it wrote.
func (r *Ring) bootstrap(ctx context.Context, recs []store.SigningKey) (bool, error) {
	now := r.cfg.clock()
	if r.exts == nil {
		if len(recs) > 0 {
			return false, nil
		}
		_, err := r.create(ctx, 1, now, now)
		return err == nil, err
	}
	ext := r.exts[0]
	gen := int64(1)
	var due *store.SigningKey
	for i, rec := range recs {
		if bytes.Equal(rec.PublicKey, ext.public) {
			return false, nil
		}
		gen = rec.Generation + 1
		if !rec.SignFrom.After(now) {
			due = &recs[i]
		}
	}
	// Published ahead of signing while this instance can sign with the
	// key due now; at once when it could sign with nothing.
	signFrom := now
	if due != nil && r.canSign(due) {
		signFrom = now.Add(r.cfg.lead)
	}
	_, err := r.st.CreateSigningKey(ctx, store.SigningKey{
		KID: ext.key.ID(), Generation: gen, Algorithm: string(ext.key.Algorithm()),
		PublicKey: ext.public, SignFrom: signFrom, CreatedAt: now,
	})
	if err != nil {
		return false, fmt.Errorf("keyring: store the external signer's public key: %w", err)
	}
	r.cfg.logger.Info("keyring: published the external signer's key", "kid", ext.key.ID(), "generation", gen, "sign_from", signFrom)
	return true, nil
}

// canSign reports whether this instance can sign with the record's key.
func (r *Ring) canSign(rec *store.SigningKey) bool {
	if rec.PrivateKey != nil {
		return r.sealer.holds(rec.PrivateKey)
	}
	return r.external(rec) != nil
}

// create generates a key of generation gen, seals it and stores it.
func (r *Ring) create(ctx context.Context, gen int64, signFrom, now time.Time) (string, error) {
	if r.sealer == nil {
		return "", fmt.Errorf("%w: cannot store a new private key", ErrNoKEK)
	}
	key, err := token.GenerateKey(r.cfg.alg)
	if err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	pub, err := key.MarshalPublicKeyPEM()
	if err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	priv, err := key.MarshalPrivateKeyPEM()
	if err != nil {
		return "", fmt.Errorf("keyring: %w", err)
	}
	sealed, err := r.sealer.seal(key.ID(), string(key.Algorithm()), pub, priv)
	clear(priv)
	if err != nil {
		return "", err
	}
	_, err = r.st.CreateSigningKey(ctx, store.SigningKey{
		KID: key.ID(), Generation: gen, Algorithm: string(key.Algorithm()),
		PublicKey: pub, PrivateKey: sealed, SignFrom: signFrom, CreatedAt: now,
	})
	if err != nil {
		return "", fmt.Errorf("keyring: store key of generation %d: %w", gen, err)
	}
	r.cfg.logger.Info("keyring: created key", "kid", key.ID(), "generation", gen, "sign_from", signFrom)
	return key.ID(), nil
}

// list reads every stored key.
func (r *Ring) list(ctx context.Context) ([]store.SigningKey, error) {
	recs, err := r.st.ListSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("keyring: read the signing keys: %w", err)
	}
	return recs, nil
}

// housekeep makes the store's writes that are due at now: the scheduled
// successor, the removal of keys whose last token has expired, and
// re-sealing under the first key-encryption key. Writes that lose a race
// with another instance (ErrAlreadyExists, ErrConflict, ErrNotFound) are
// that instance's success. It reports whether anything was written.
func (r *Ring) housekeep(ctx context.Context, recs []store.SigningKey, now time.Time) (bool, error) {
	changed := false
	if r.rotating() && len(recs) > 0 {
		last := recs[len(recs)-1]
		if !now.Before(last.SignFrom.Add(r.cfg.period - r.cfg.lead)) {
			signFrom := last.SignFrom.Add(r.cfg.period)
			if soonest := now.Add(r.cfg.lead); signFrom.Before(soonest) {
				signFrom = soonest
			}
			_, err := r.create(ctx, last.Generation+1, signFrom, now)
			if err != nil && !errors.Is(err, store.ErrAlreadyExists) {
				return changed, err
			}
			changed = true
		}
	}
	for i, rec := range recs {
		retired := retiredAt(recs, i, now)
		if retired.IsZero() || now.Before(retired.Add(r.cfg.maxTTL+r.cfg.leeway)) {
			continue
		}
		if err := r.st.DeleteSigningKey(ctx, rec.KID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return changed, fmt.Errorf("keyring: remove key %q: %w", rec.KID, err)
		}
		r.cfg.logger.Info("keyring: removed key", "kid", rec.KID, "retired", retired)
		changed = true
	}
	for _, rec := range recs {
		id, ok := sealedBy(rec.PrivateKey)
		if !ok || r.sealer == nil || id == r.sealer.primary || !r.sealer.holds(rec.PrivateKey) {
			continue
		}
		plain, err := r.sealer.open(rec.KID, rec.Algorithm, rec.PublicKey, rec.PrivateKey)
		if err != nil {
			continue // refused by apply, which says why
		}
		rec.PrivateKey, err = r.sealer.seal(rec.KID, rec.Algorithm, rec.PublicKey, plain)
		clear(plain)
		if err != nil {
			return changed, err
		}
		if _, err := r.st.UpdateSigningKey(ctx, rec); err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			return changed, fmt.Errorf("keyring: re-seal key %q: %w", rec.KID, err)
		}
		r.cfg.logger.Info("keyring: re-sealed key under the current key-encryption key", "kid", rec.KID, "from", id.String(), "to", r.sealer.primary.String())
		changed = true
	}
	return changed, nil
}

// rotating reports whether the ring creates successors on a schedule.
func (r *Ring) rotating() bool { return !r.cfg.noRotate && r.exts == nil && r.sealer != nil }

// retiredAt returns when recs[i] stopped signing: the earliest sign-from
// time at or before now of a later generation; zero while none has
// started.
func retiredAt(recs []store.SigningKey, i int, now time.Time) time.Time {
	var t time.Time
	for _, later := range recs[i+1:] {
		if !later.SignFrom.After(now) && (t.IsZero() || later.SignFrom.Before(t)) {
			t = later.SignFrom
		}
	}
	return t
}

// apply makes the key set hold exactly the keys of recs that open, signing
// with the newest one due at now that this instance can sign with.
func (r *Ring) apply(recs []store.SigningKey, now time.Time) error {
	var (
		usable         = make(map[string]*token.Key, len(recs))
		refused        []error
		signer, due    *store.SigningKey
		signerKey      *token.Key
		seen           = make(map[string]bool, len(recs))
		next           time.Time
		removeAt, spin time.Time
	)
	for i := range recs {
		rec := &recs[i]
		seen[rec.KID] = true
		k, err := r.open(rec)
		if err != nil {
			refused = append(refused, &KeyError{KID: rec.KID, Err: err})
		} else {
			usable[rec.KID] = k
		}
		if rec.SignFrom.After(now) {
			next = earliest(next, rec.SignFrom)
			continue
		}
		due = rec
		if err == nil && k.CanSign() {
			signer, signerKey = rec, k
		}
		if retired := retiredAt(recs, i, now); !retired.IsZero() {
			removeAt = earliest(removeAt, retired.Add(r.cfg.maxTTL+r.cfg.leeway))
		}
	}
	for kid := range r.opened {
		if !seen[kid] {
			delete(r.opened, kid)
		}
	}
	r.refused.Store(&refused)
	if r.rotating() && len(recs) > 0 {
		last := recs[len(recs)-1]
		spin = last.SignFrom.Add(r.cfg.period - r.cfg.lead)
	}
	next = earliest(earliest(next, removeAt), spin)
	if next.IsZero() {
		r.nextAt.Store(0)
	} else {
		r.nextAt.Store(next.UnixNano())
	}
	if signer == nil {
		// Every key due was withdrawn: the next one signs early rather
		// than none at all.
		for i := range recs {
			if k := usable[recs[i].KID]; k != nil && k.CanSign() && recs[i].SignFrom.After(now) &&
				(signer == nil || recs[i].SignFrom.Before(signer.SignFrom)) {
				signer, signerKey = &recs[i], k
			}
		}
		if signer != nil {
			r.cfg.logger.Warn("keyring: no key due to sign is left; signing early with the next one", "kid", signer.KID, "sign_from", signer.SignFrom)
			due = signer
		}
	}
	if signer == nil {
		err := fmt.Errorf("%w: no stored key due to sign at %s opens here", ErrNoSigningKey, now.UTC().Format(time.RFC3339))
		return errors.Join(append([]error{err}, refused...)...)
	}
	switch {
	case due != signer && r.fallback != due.KID:
		r.cfg.logger.Error("keyring: the key due to sign cannot sign here; signing with an older one", "due", due.KID, "signing", signer.KID)
		r.fallback = due.KID
	case due == signer:
		r.fallback = ""
	}
	if r.keys == nil {
		var others []*token.Key
		for kid, k := range usable {
			if kid != signer.KID {
				others = append(others, k)
			}
		}
		ks, err := token.NewKeySet(signerKey, others...)
		if err != nil {
			return fmt.Errorf("keyring: %w", err)
		}
		r.keys = ks
		return nil
	}
	ks := r.keys
	for kid, k := range usable {
		if _, has := ks.Lookup(kid); !has && kid != signer.KID {
			if err := ks.Add(k); err != nil {
				r.cfg.logger.Error("keyring: cannot publish key", "kid", kid, "error", err)
			}
		}
	}
	if cur := ks.SigningKey(); cur.ID() != signer.KID {
		at := signer.SignFrom
		if at.After(now) {
			at = now
		}
		if err := ks.Rotate(at, signerKey); err != nil {
			r.cfg.logger.Error("keyring: cannot rotate", "from", cur.ID(), "to", signer.KID, "error", err)
		} else {
			r.cfg.logger.Info("keyring: signing with a new key", "kid", signer.KID, "previous", cur.ID())
		}
	}
	for _, k := range ks.Keys() {
		if _, keep := usable[k.ID()]; !keep && k != ks.SigningKey() {
			if err := ks.Remove(k.ID()); err == nil {
				r.cfg.logger.Info("keyring: dropped key", "kid", k.ID())
			}
		}
	}
	return nil
}

// open returns the key of a record, from the cache when this version was
// opened before. A refusal is logged once per version.
func (r *Ring) open(rec *store.SigningKey) (*token.Key, error) {
	c, cached := r.opened[rec.KID]
	if cached && c.version == rec.Version {
		return c.key, c.err
	}
	k, err := r.openRecord(rec)
	if err != nil && errors.Is(err, ErrForeignKEK) && cached && c.err == nil && c.key.CanSign() == (rec.PrivateKey != nil) {
		// Re-sealed by an instance that already has a newer
		// key-encryption key: the key itself cannot have changed (an
		// update changes only the seal and SignFrom), so the copy opened
		// before stays good. A restart would fail until this instance
		// gets the new key-encryption key.
		r.cfg.logger.Warn("keyring: key re-sealed under a key-encryption key this instance does not hold; keeping the copy it opened", "kid", rec.KID, "error", err)
		k, err = c.key, nil
	}
	r.opened[rec.KID] = openedKey{version: rec.Version, key: k, err: err}
	if err != nil {
		r.cfg.logger.Error("keyring: key refused", "kid", rec.KID, "error", err)
	}
	return k, err
}

// openRecord builds the key of a record: the external signer's key when
// the record holds its public key, a verify-only key for another key
// without a private part, else the opened private key, which must match
// the record's algorithm and public key.
func (r *Ring) openRecord(rec *store.SigningKey) (*token.Key, error) {
	if rec.PrivateKey == nil {
		if ext := r.external(rec); ext != nil {
			if rec.KID == ext.key.ID() {
				return ext.key, nil
			}
			return token.NewSignerKey(rec.KID, ext.signer)
		}
		k, err := token.ParsePublicKeyPEM(rec.KID, rec.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("%w: public key: %v", ErrUnopenable, err)
		}
		if string(k.Algorithm()) != rec.Algorithm {
			return nil, fmt.Errorf("%w: the public key is not of the record's algorithm", ErrUnopenable)
		}
		return k, nil
	}
	plain, err := r.sealer.open(rec.KID, rec.Algorithm, rec.PublicKey, rec.PrivateKey)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	k, err := token.ParsePrivateKeyPEM(rec.KID, plain)
	if err != nil {
		return nil, fmt.Errorf("%w: the opened private key does not parse", ErrUnopenable)
	}
	pub, err := k.MarshalPublicKeyPEM()
	if err != nil || string(k.Algorithm()) != rec.Algorithm || !bytes.Equal(pub, rec.PublicKey) {
		return nil, fmt.Errorf("%w: the private key does not match the record's algorithm and public key", ErrUnopenable)
	}
	return k, nil
}

// newExternalKey builds the key of WithSigner under its RFC 7638 JWK
// thumbprint, so that every instance given the same signer names it alike.
func newExternalKey(signer crypto.Signer) (*externalKey, error) {
	probe, err := token.NewSignerKey("probe", signer)
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrBadOption, err)
	}
	j, ok := probe.JWK()
	if !ok {
		return nil, fmt.Errorf("%w: WithSigner: the signer's key has no public form", ErrBadOption)
	}
	key, err := token.NewSignerKey(thumbprint(j), signer)
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrBadOption, err)
	}
	public, err := key.MarshalPublicKeyPEM()
	if err != nil {
		return nil, fmt.Errorf("%w: WithSigner: %w", ErrBadOption, err)
	}
	return &externalKey{signer: signer, key: key, public: public}, nil
}

// thumbprint is the RFC 7638 JWK thumbprint of a public JWK: SHA-256 of
// its required members in lexicographic order, base64url.
func thumbprint(j token.JWK) string {
	var members any
	switch j.KeyType {
	case "OKP":
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{j.Curve, j.KeyType, j.X}
	case "EC":
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{j.Curve, j.KeyType, j.X, j.Y}
	default:
		members = struct {
			E   string `json:"e"`
			Kty string `json:"kty"`
			N   string `json:"n"`
		}{j.E, j.KeyType, j.N}
	}
	b, _ := json.Marshal(members) // plain strings: cannot fail
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:])
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
			wait = min(wait, time.Second)
		}
		if at := r.nextAt.Load(); at != 0 {
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
		failing = err != nil
		if err != nil && ctx.Err() == nil {
			r.cfg.logger.Warn("keyring: sync with the store failed; keeping the current keys", "error", err)
		}
	}
}

// earliest returns the earlier of two times, a zero time counting as
// none.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
