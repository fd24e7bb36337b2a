package secret

import (
	"fmt"
	"time"
)

// Rehasher is an optional capability of a Hasher, found with a type
// assertion: NeedsRehash reports whether encoded, a stored hash, is not what
// the Hasher's own Hash would make now (another algorithm, or the same one
// with other parameters), so that a secret just verified against it should
// be hashed anew. SHA256 and Argon2id implement it; a Hasher that does not
// never asks for a rehash.
//
// NeedsRehash runs after every successful verification, so it must be
// cheap: the hashers of this package compare a prefix of encoded and
// allocate nothing. It must return false for every hash its own Hash
// returns, or each use would rehash again. A Hasher that embeds SHA256 or
// Argon2id and overrides Hash inherits a NeedsRehash that rejects the new
// hashes, and must override NeedsRehash too; Credentials.Rehash refuses to
// store a hash that its Hasher's NeedsRehash rejects.
type Rehasher interface {
	NeedsRehash(encoded string) bool
}

// NeedsRehash reports whether the slot with this public id holds a hash
// that h (SHA256 if nil) would replace: h implements Rehasher and says so.
// It is false for an id of no slot and for a Hasher without NeedsRehash.
// It does no hash comparison, so a caller can ask after every successful
// VerifyWith and call Rehash only when the answer is true.
func (c Credentials) NeedsRehash(id string, h Hasher) bool {
	if h == nil {
		h = SHA256{}
	}
	r, ok := h.(Rehasher)
	switch {
	case !ok || id == "":
		return false
	case id == c.current.ID:
		return r.NeedsRehash(c.current.Hash)
	case id == c.previous.ID:
		return r.NeedsRehash(c.previous.Hash)
	}
	return false
}

// Rehash returns c with the slot that presented verifies against at now
// hashed anew with h (SHA256 if nil), and true; the slot keeps its id,
// Created, Expires and LastUsed. It is how a caller upgrades a stored hash
// after switching hashers: the secret itself is never stored, so the only
// time a new hash can be made is when the client presents it.
//
// Rehash first verifies presented as VerifyWith does (one comparison with
// h.Compare), so it never stores a hash of a secret the slot did not
// accept: ErrMismatch otherwise. If the slot's hash needs no rehash (see
// NeedsRehash) it returns c and false. It fails, returning c, if h.Hash
// fails or returns a hash that is not self-describing or that h's own
// NeedsRehash rejects (ErrInvalidOption: storing it would rehash again on
// every use).
func (c Credentials) Rehash(now time.Time, presented Secret, h Hasher) (Credentials, bool, error) {
	if h == nil {
		h = SHA256{}
	}
	id, err := c.VerifyWith(now, presented, h)
	if err != nil {
		return c, false, err
	}
	if !c.NeedsRehash(id, h) {
		return c, false, nil
	}
	encoded, err := h.Hash(presented)
	if err != nil {
		return c, false, err
	}
	if err := checkEncoding(encoded); err != nil {
		return c, false, fmt.Errorf("secret: hasher returned an unusable hash: %w", err)
	}
	if h.(Rehasher).NeedsRehash(encoded) {
		return c, false, fmt.Errorf("%w: the hasher's NeedsRehash rejects the hash it just made", ErrInvalidOption)
	}
	next := c
	if id == c.current.ID {
		next.current.Hash = encoded
	} else {
		next.previous.Hash = encoded
	}
	return next, true, nil
}
