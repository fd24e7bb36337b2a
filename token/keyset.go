package token

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// KeySet holds one signing key and any number of verify-only keys, each
// named by its kid. Minting uses the signing key; validation uses the key the
// token's kid names. Rotation makes a new key the signer and keeps the old
// one verifying until it is removed, which the host does once the last
// token it signed has expired (keyring schedules this for keys shared
// through the store).
//
// A KeySet is safe for concurrent use. Readers (Mint, Validate, JWKS) never
// block: they load an immutable snapshot that writers replace whole.
type KeySet struct {
	mu    sync.Mutex // serializes writers
	state atomic.Pointer[keySnapshot]
	// gen counts the snapshots published after the first; it moves
	// after the snapshot it counts is published (see Generation).
	gen atomic.Uint64
}

// keySnapshot is never changed once published.
type keySnapshot struct {
	signing *Key
	keys    map[string]*Key // by kid; every key but signing is verify-only
	headers map[string]*Key // encoded JOSE header of each key, for Validate
}

// NewKeySet returns a set that signs with signing and also verifies with
// each of verifyOnly (kept as verify-only copies). signing must hold private
// material (ErrSigningKey); kids must be distinct (ErrDuplicateKey).
func NewKeySet(signing *Key, verifyOnly ...*Key) (*KeySet, error) {
	if signing == nil || !signing.CanSign() {
		return nil, fmt.Errorf("%w: the signing key must hold private material", ErrSigningKey)
	}
	s := &keySnapshot{signing: signing, keys: map[string]*Key{signing.id: signing}}
	for _, k := range verifyOnly {
		if err := s.add(k); err != nil {
			return nil, err
		}
	}
	s.index()
	ks := &KeySet{}
	ks.state.Store(s)
	return ks, nil
}

// SigningKey returns the key that signs new tokens.
func (ks *KeySet) SigningKey() *Key { return ks.state.Load().signing }

// Generation counts the changes made to the set: it is greater than a
// value read earlier once any change has been made since (a key added,
// rotated or removed). A caller that keeps what it derived from the keys (a
// verified token, a rendered JWKS document) reads Generation before
// deriving and trusts what it keeps only while Generation still returns
// that value: a change made after the read moves it.
func (ks *KeySet) Generation() uint64 { return ks.gen.Load() }

// Lookup returns the key named kid, signing or verify-only.
func (ks *KeySet) Lookup(kid string) (*Key, bool) {
	k, ok := ks.state.Load().keys[kid]
	return k, ok
}

// Keys returns every key: the signing key first, then the others by kid.
func (ks *KeySet) Keys() []*Key {
	s := ks.state.Load()
	out := []*Key{s.signing}
	for _, k := range s.keys {
		if k != s.signing {
			out = append(out, k)
		}
	}
	slices.SortFunc(out[1:], func(a, b *Key) int { return strings.Compare(a.id, b.id) })
	return out
}

// Add adds a verify-only copy of k, for example a key published ahead of
// the rotation that will make it the signer, or another issuer's key.
func (ks *KeySet) Add(k *Key) error {
	return ks.update(func(s *keySnapshot) error { return s.add(k) })
}

// add puts a verify-only copy of k into s under a kid s does not hold yet.
func (s *keySnapshot) add(k *Key) error {
	if k == nil || k.mat == nil { // not made by this package
		return fmt.Errorf("%w: nil or zero key", ErrInvalidKey)
	}
	if _, dup := s.keys[k.id]; dup {
		return fmt.Errorf("%w: %q", ErrDuplicateKey, k.id)
	}
	s.keys[k.id] = k.verifyOnly()
	return nil
}

// Rotate makes next the signing key. The previous signing key stays as a
// verify-only key, so tokens it signed keep validating until Remove.
// next may take the place of a verify-only key of the same kid only when
// that is the same key (one added ahead to publish it): a different key
// under a published kid would break the tokens that key signed and the
// JWKS copies resource servers hold, so it is ErrDuplicateKey, as is
// reusing the current signer's kid.
func (ks *KeySet) Rotate(next *Key) error {
	if next == nil || !next.CanSign() {
		return fmt.Errorf("%w: the new signing key must hold private material", ErrSigningKey)
	}
	return ks.update(func(s *keySnapshot) error {
		if next.id == s.signing.id {
			return fmt.Errorf("%w: %q already signs", ErrDuplicateKey, next.id)
		}
		if k, ok := s.keys[next.id]; ok && !k.sameKey(next) {
			return fmt.Errorf("%w: %q is published for another key", ErrDuplicateKey, next.id)
		}
		s.keys[s.signing.id] = s.signing.verifyOnly()
		s.keys[next.id] = next
		s.signing = next
		return nil
	})
}

// Remove drops a verify-only key: tokens it signed stop validating at once.
// It fails with ErrSigningKey for the signing key (rotate first).
func (ks *KeySet) Remove(kid string) error {
	return ks.update(func(s *keySnapshot) error {
		if err := s.verifyOnly(kid); err != nil {
			return err
		}
		delete(s.keys, kid)
		return nil
	})
}

// update applies change to a copy of the snapshot and publishes the copy
// only if change succeeds, so a failed call changes nothing.
func (ks *KeySet) update(change func(*keySnapshot) error) error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	old := ks.state.Load()
	next := &keySnapshot{signing: old.signing, keys: maps.Clone(old.keys)}
	if err := change(next); err != nil {
		return err
	}
	next.index()
	ks.state.Store(next)
	ks.gen.Add(1)
	return nil
}

// verifyOnly checks that kid names a key of s other than the signing key.
func (s *keySnapshot) verifyOnly(kid string) error {
	k, ok := s.keys[kid]
	switch {
	case !ok:
		return fmt.Errorf("%w: %q", ErrNoSuchKey, kid)
	case k == s.signing:
		return fmt.Errorf("%w: %q is the signing key", ErrSigningKey, kid)
	}
	return nil
}

// index builds the header map from the keys.
func (s *keySnapshot) index() {
	s.headers = make(map[string]*Key, len(s.keys))
	for _, k := range s.keys {
		s.headers[k.header] = k
	}
}
