package keyring

import (
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// standing is what the stored keys say at one instant: which open here,
// which are refused, which is due to sign and which this instance signs
// with, and when the next timed change is due.
type standing struct {
	usable    map[string]*token.Key // by kid: every key that opens
	refused   []error               // a *KeyError for each key that does not
	due       *store.SigningKey     // the newest key due to sign
	signer    *store.SigningKey     // the key this instance signs with
	signerKey *token.Key
	next      time.Time // the next sign-from or removal time; zero for none
}

// apply makes the key set hold exactly the keys of recs that open, signing
// with the newest one due at now that this instance can sign with.
func (r *Ring) apply(recs []store.SigningKey, now time.Time) error {
	s := r.survey(recs, now)
	r.forgetRemoved(recs)
	r.refused.Store(&s.refused)
	r.scheduleNext(recs, s.next)
	if s.signer == nil && s.signEarly(recs, now) {
		r.cfg.logger.Warn("keyring: no key due to sign is left; signing early with the next one", "kid", s.signer.KID, "sign_from", s.signer.SignFrom)
	}
	if s.signer == nil {
		err := fmt.Errorf("%w: no stored key due to sign at %s opens here", ErrNoSigningKey, now.UTC().Format(time.RFC3339))
		return errors.Join(append([]error{err}, s.refused...)...)
	}
	r.noteFallback(s.due, s.signer)
	if r.keys == nil {
		return r.firstKeySet(s)
	}
	r.updateKeySet(s)
	return nil
}

// survey opens every record (through the cache of opened keys) and finds
// the key due to sign at now, the newest due one this instance can sign
// with, and the next sign-from or removal time.
func (r *Ring) survey(recs []store.SigningKey, now time.Time) standing {
	s := standing{usable: make(map[string]*token.Key, len(recs))}
	var removeAt time.Time
	for i := range recs {
		rec := &recs[i]
		k, err := r.open(rec)
		if err != nil {
			s.refused = append(s.refused, &KeyError{KID: rec.KID, Err: err})
		} else {
			s.usable[rec.KID] = k
		}
		if rec.SignFrom.After(now) {
			s.next = earliest(s.next, rec.SignFrom)
			continue
		}
		s.due = rec
		if err == nil && k.CanSign() {
			s.signer, s.signerKey = rec, k
		}
		if retired := retiredAt(recs, i, now); !retired.IsZero() {
			removeAt = earliest(removeAt, retired.Add(r.cfg.maxTTL+r.cfg.leeway))
		}
	}
	s.next = earliest(s.next, removeAt)
	return s
}

// forgetRemoved drops from the cache of opened keys every key that is no
// longer stored.
func (r *Ring) forgetRemoved(recs []store.SigningKey) {
	stored := make(map[string]bool, len(recs))
	for i := range recs {
		stored[recs[i].KID] = true
	}
	for kid := range r.opened {
		if !stored[kid] {
			delete(r.opened, kid)
		}
	}
}

// scheduleNext records when the ring next has a timed change to make: the
// given sign-from or removal time, or, for a ring that rotates, the time
// to create the successor of the newest key, whichever comes first.
func (r *Ring) scheduleNext(recs []store.SigningKey, next time.Time) {
	if r.rotating() && len(recs) > 0 {
		last := recs[len(recs)-1]
		next = earliest(next, last.SignFrom.Add(r.cfg.period-r.cfg.lead))
	}
	if next.IsZero() {
		r.nextAt.Store(0)
	} else {
		r.nextAt.Store(next.UnixNano())
	}
}

// signEarly picks, when every key due to sign was withdrawn, the next key
// to come that this instance can sign with, so that it signs early rather
// than not at all. It reports whether it found one.
func (s *standing) signEarly(recs []store.SigningKey, now time.Time) bool {
	for i := range recs {
		if k := s.usable[recs[i].KID]; k != nil && k.CanSign() && recs[i].SignFrom.After(now) &&
			(s.signer == nil || recs[i].SignFrom.Before(s.signer.SignFrom)) {
			s.signer, s.signerKey = &recs[i], k
		}
	}
	if s.signer == nil {
		return false
	}
	s.due = s.signer
	return true
}

// noteFallback logs once that the key due to sign cannot sign here and an
// older one signs instead, and forgets it when the due key signs again.
func (r *Ring) noteFallback(due, signer *store.SigningKey) {
	switch {
	case due != signer && r.fallback != due.KID:
		r.cfg.logger.Error("keyring: the key due to sign cannot sign here; signing with an older one", "due", due.KID, "signing", signer.KID)
		r.fallback = due.KID
	case due == signer:
		r.fallback = ""
	}
}

// firstKeySet builds the ring's key set: the signer's key and every other
// key that opens.
func (r *Ring) firstKeySet(s standing) error {
	var others []*token.Key
	for kid, k := range s.usable {
		if kid != s.signer.KID {
			others = append(others, k)
		}
	}
	ks, err := token.NewKeySet(s.signerKey, others...)
	if err != nil {
		return fmt.Errorf("keyring: %w", err)
	}
	r.keys = ks
	return nil
}

// updateKeySet brings the key set in step with s: it publishes the keys
// that are new, rotates to the signer when it changed, and drops the keys
// that are gone. A change the set refuses is logged, and the rest still
// made.
func (r *Ring) updateKeySet(s standing) {
	ks := r.keys
	for kid, k := range s.usable {
		if _, has := ks.Lookup(kid); !has && kid != s.signer.KID {
			if err := ks.Add(k); err != nil {
				r.cfg.logger.Error("keyring: cannot publish key", "kid", kid, "error", err)
			}
		}
	}
	if cur := ks.SigningKey(); cur.ID() != s.signer.KID {
		if err := ks.Rotate(s.signerKey); err != nil {
			r.cfg.logger.Error("keyring: cannot rotate", "from", cur.ID(), "to", s.signer.KID, "error", err)
		} else {
			r.cfg.logger.Info("keyring: signing with a new key", "kid", s.signer.KID, "previous", cur.ID())
		}
	}
	for _, k := range ks.Keys() {
		if _, keep := s.usable[k.ID()]; !keep && k != ks.SigningKey() {
			if err := ks.Remove(k.ID()); err == nil {
				r.cfg.logger.Info("keyring: dropped key", "kid", k.ID())
			}
		}
	}
}
