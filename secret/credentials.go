package secret

import (
	"fmt"
	"time"
)

// Grace periods of Rotate.
const (
	// DefaultGrace is how long a rotated-out secret keeps working when the
	// caller has no reason to choose: one day.
	DefaultGrace = 24 * time.Hour
	// MaxGrace is the longest grace Rotate accepts: 30 days.
	MaxGrace = 30 * 24 * time.Hour
)

// Credentials are the client secrets of one app: a current secret and, for
// a grace period after a rotation, the previous one. Never more than these
// two verify.
//
// Credentials are a value: every method returns a new value and never
// changes its receiver. The zero Credentials hold no secret and verify
// nothing; get real ones from NewCredentials or FromRecords.
type Credentials struct {
	current, previous Record
}

// NewCredentials makes the first secret of an app, created at now and
// hashed with h (SHA256 if h is nil). It returns the credentials and the
// secret, which the caller shows once and then forgets.
func NewCredentials(now time.Time, h Hasher) (Credentials, Secret, error) {
	s, rec, err := newSlot(now, h, "")
	if err != nil {
		return Credentials{}, Secret{}, err
	}
	return Credentials{current: rec}, s, nil
}

// Decoy returns credentials for a client that does not exist: a random
// secret that nobody holds, hashed with h (SHA256 if nil). A caller that
// finds no client for a client id verifies the presented secret against a
// decoy made once at start-up, so that an unknown client costs exactly what
// a known client with a wrong secret costs (one hash comparison of the same
// algorithm) and gets the same ErrMismatch.
//
// That holds for known clients whose stored hash is of h's kind and
// parameters. After a caller switches hashers, a known client whose hash
// is older costs its old algorithm on a wrong secret, and the decoy the new
// one, so timing tells that client id from an unknown one until its secret
// is rotated or, with Rehash, next used successfully.
func Decoy(h Hasher) (Credentials, error) {
	c, _, err := NewCredentials(time.Time{}, h)
	return c, err
}

// Rotate makes a new current secret, created at now and hashed with h
// (SHA256 if nil), and returns the new credentials and the new secret.
//
// The old current secret becomes the previous one and keeps verifying
// until now+grace (exclusive). Whatever previous secret there was is
// dropped at once, even inside its grace, so never more than two secrets
// verify (rule R9). A grace of 0 drops the old current secret at once too:
// only the new secret verifies, which is what to do when a secret leaked.
// grace must be 0 to MaxGrace, else ErrInvalidGrace; the zero Credentials
// give ErrNoSecret. On error it returns c itself, with no secret.
func (c Credentials) Rotate(now time.Time, grace time.Duration, h Hasher) (Credentials, Secret, error) {
	if grace < 0 || grace > MaxGrace {
		return c, Secret{}, fmt.Errorf("%w: want 0 to %v", ErrInvalidGrace, MaxGrace)
	}
	if c.current.ID == "" {
		return c, Secret{}, ErrNoSecret
	}
	s, rec, err := newSlot(now, h, c.current.ID)
	if err != nil {
		return c, Secret{}, err
	}
	next := Credentials{current: rec}
	if grace > 0 {
		next.previous = c.current
		next.previous.Expires = now.Add(grace)
	}
	return next, s, nil
}

// newSlot generates a secret whose id differs from avoid and hashes it.
func newSlot(now time.Time, h Hasher, avoid string) (Secret, Record, error) {
	if h == nil {
		h = SHA256{}
	}
	for {
		s, err := Generate()
		if err != nil {
			return Secret{}, Record{}, err
		}
		if s.ID() == avoid {
			continue // one chance in 2^40
		}
		encoded, err := h.Hash(s)
		if err != nil {
			return Secret{}, Record{}, err
		}
		if err := checkEncoding(encoded); err != nil {
			return Secret{}, Record{}, fmt.Errorf("secret: hasher returned an unusable hash: %w", err)
		}
		return s, Record{ID: s.ID(), Hash: encoded, Created: now}, nil
	}
}

// Verify reports which secret presented is: the public id of the slot it
// matched, or ErrMismatch. A previous secret verifies only before its
// expiry. Hashes are checked with the hashers of this package, picked by
// each stored hash's own encoding.
//
// Verify does exactly one hash comparison whatever the outcome (none for the
// zero Credentials): against the slot whose id presented carries, or the
// current one if none does; the design allows two. So its cost tells
// nothing about which check failed.
func (c Credentials) Verify(now time.Time, presented Secret) (id string, err error) {
	return c.VerifyWith(now, presented, SHA256{})
}

// VerifyWith is Verify with hashes checked by h.Compare (SHA256 if nil):
// for a Hasher of the caller's own algorithm, or one that counts
// comparisons in a test.
func (c Credentials) VerifyWith(now time.Time, presented Secret, h Hasher) (id string, err error) {
	if c.current.ID == "" {
		return "", ErrMismatch
	}
	if h == nil {
		h = SHA256{}
	}
	slot := c.current
	if c.previous.ID != "" && presented.ID() == c.previous.ID {
		slot = c.previous
	}
	if !h.Compare(slot.Hash, presented) || presented.ID() != slot.ID || !c.Active(now, slot.ID) {
		return "", ErrMismatch
	}
	return slot.ID, nil
}

// Active reports whether the secret with this public id is still accepted
// at now: it is the current secret, or the previous one before its expiry.
// A caller uses it to stop honouring what a secret that has since been
// rotated away authorized, such as the tokens minted with it.
func (c Credentials) Active(now time.Time, id string) bool {
	switch {
	case id == "":
		return false
	case id == c.current.ID:
		return true
	case id == c.previous.ID:
		return now.Before(c.previous.Expires)
	}
	return false
}

// Touch records that the secret with this id authenticated a client at
// the given time. LastUsed only moves forward; an unknown id changes
// nothing.
func (c Credentials) Touch(id string, at time.Time) Credentials {
	switch {
	case id == "":
	case id == c.current.ID && at.After(c.current.LastUsed):
		c.current.LastUsed = at
	case id == c.previous.ID && at.After(c.previous.LastUsed):
		c.previous.LastUsed = at
	}
	return c
}

// Records returns the two slots for a store. previous.ID is "" when there
// is no previous secret. An expired previous secret is still returned (it
// verifies nothing) until the next rotation drops it.
func (c Credentials) Records() (current, previous Record) {
	return c.current, c.previous
}
