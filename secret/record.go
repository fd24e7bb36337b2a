package secret

import (
	"fmt"
	"time"
)

// Record is the stored form of one secret slot. Its fields match
// store.Secret one for one, so the two convert with a plain type
// conversion.
type Record struct {
	// ID is the secret's public id; "" marks an empty slot.
	ID string
	// Hash is the self-describing hash of the secret (see Hasher).
	Hash string
	// Created is when the secret was generated.
	Created time.Time
	// Expires is when a previous secret stops verifying (exclusive); zero
	// for the current secret, which does not expire.
	Expires time.Time
	// LastUsed is when the secret last authenticated a client; zero if
	// never.
	LastUsed time.Time
}

// check reports what is wrong with a non-empty slot, or nil.
func (r Record) check(slot string, previous bool) error {
	if !validID(r.ID) {
		return fmt.Errorf("%w: %s id is not %d characters of [a-z2-7]", ErrInvalidRecord, slot, idLen)
	}
	if err := checkEncoding(r.Hash); err != nil {
		return fmt.Errorf("%s: %w", slot, err)
	}
	if previous && r.Expires.IsZero() {
		return fmt.Errorf("%w: %s secret has no expiry", ErrInvalidRecord, slot)
	}
	if !previous && !r.Expires.IsZero() {
		return fmt.Errorf("%w: %s secret has an expiry", ErrInvalidRecord, slot)
	}
	return nil
}

// FromRecords rebuilds credentials from the two slots a store kept, as
// Records returned them. It checks what a store could have damaged: ids of
// the right shape and distinct, readable self-describing hashes, an expiry
// on the previous slot and none on the current, and an empty previous slot
// (ID "") that is entirely zero. An expired previous slot is accepted: it
// just never verifies. Errors wrap ErrInvalidRecord and never quote a hash.
func FromRecords(current, previous Record) (Credentials, error) {
	if err := current.check("current", false); err != nil {
		return Credentials{}, err
	}
	if previous.ID == "" {
		if previous != (Record{}) {
			return Credentials{}, fmt.Errorf("%w: previous slot has no id but is not empty", ErrInvalidRecord)
		}
		return Credentials{current: current}, nil
	}
	if err := previous.check("previous", true); err != nil {
		return Credentials{}, err
	}
	if previous.ID == current.ID {
		return Credentials{}, fmt.Errorf("%w: both slots have the same id", ErrInvalidRecord)
	}
	return Credentials{current: current, previous: previous}, nil
}
