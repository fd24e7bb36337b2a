package keyring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

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
