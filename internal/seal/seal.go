// Package seal seals bytes kept in a shared store under a host's
// key-encryption keys (KEKs): AES-256-GCM (NIST SP 800-38D, standard
// library), laid out as
//
//	version (1 byte, 1) || KEK id (8 bytes) || nonce (12 bytes) || ciphertext and tag
//
// The KEK id names the KEK that sealed the bytes, so that a holder of
// several (a KEK rotation) opens each with the right one, and a holder of
// none of them says so instead of failing a decryption. It is the first 8
// bytes of HMAC-SHA256(KEK, idLabel): it tells KEKs apart and says nothing
// else about them. The caller's associated data binds sealed bytes to
// their record, and starts with a label of the caller's own, so that bytes
// sealed for one purpose never open for another.
//
// Package keyring seals signing keys with it, package oauthapp the answers
// it keeps for idempotency keys. No error of this package holds a byte of
// what it seals or opens.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KEKSize is the length of a key-encryption key: 32 bytes, for AES-256.
const KEKSize = 32

const (
	version   = 1
	idLen     = 8
	nonceLen  = 12
	headerLen = 1 + idLen + nonceLen
	idLabel   = "oauthapps keyring key-encryption key id v1"
)

// Errors of Open, wrapped with the KEK ids involved.
var (
	// ErrForeign: the bytes are sealed under a KEK the Sealer does not
	// hold (or the Sealer is nil).
	ErrForeign = errors.New("sealed under a key-encryption key not held")
	// ErrUnopenable: the bytes are not of the sealed layout, or do not
	// authenticate under the KEK and associated data.
	ErrUnopenable = errors.New("sealed bytes do not open")
)

// ID is the id of one key-encryption key.
type ID [idLen]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Sealer seals under its primary KEK and opens under any it holds.
type Sealer struct {
	primary ID
	aeads   map[ID]cipher.AEAD
}

// New returns a Sealer for the KEKs, the first primary; nil for none. Its
// error says which rule a KEK breaks, never what it holds.
func New(keks [][]byte) (*Sealer, error) {
	if len(keks) == 0 {
		return nil, nil
	}
	s := &Sealer{aeads: make(map[ID]cipher.AEAD, len(keks))}
	for i, kek := range keks {
		if len(kek) != KEKSize {
			return nil, fmt.Errorf("a key-encryption key must be %d bytes, not %d", KEKSize, len(kek))
		}
		block, err := aes.NewCipher(kek)
		if err != nil {
			return nil, fmt.Errorf("key-encryption key: %v", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key-encryption key: %v", err)
		}
		id := idOf(kek)
		if i == 0 {
			s.primary = id
		}
		s.aeads[id] = aead
	}
	return s, nil
}

// idOf returns the id of a KEK.
func idOf(kek []byte) ID {
	mac := hmac.New(sha256.New, kek)
	mac.Write([]byte(idLabel))
	var id ID
	copy(id[:], mac.Sum(nil))
	return id
}

// Primary is the id of the KEK that seals.
func (s *Sealer) Primary() ID { return s.primary }

// Seal returns plain sealed under the primary KEK with the associated
// data ad.
func (s *Sealer) Seal(plain, ad []byte) ([]byte, error) {
	out := make([]byte, headerLen, headerLen+len(plain)+16)
	out[0] = version
	copy(out[1:], s.primary[:])
	if _, err := rand.Read(out[1+idLen : headerLen]); err != nil {
		return nil, fmt.Errorf("read random: %w", err)
	}
	return s.aeads[s.primary].Seal(out, out[1+idLen:headerLen], plain, ad), nil
}

// SealedBy returns the id of the KEK that sealed b, and whether b has the
// sealed layout at all.
func SealedBy(b []byte) (ID, bool) {
	var id ID
	if len(b) < headerLen+16 || b[0] != version {
		return id, false
	}
	copy(id[:], b[1:])
	return id, true
}

// Holds reports whether the Sealer has the KEK that sealed b. A nil
// Sealer holds none.
func (s *Sealer) Holds(b []byte) bool {
	id, ok := SealedBy(b)
	if !ok || s == nil {
		return false
	}
	_, held := s.aeads[id]
	return held
}

// Open returns the plaintext of b, sealed with the associated data ad.
// Its errors wrap ErrForeign or ErrUnopenable. A nil Sealer opens nothing.
func (s *Sealer) Open(b, ad []byte) ([]byte, error) {
	id, ok := SealedBy(b)
	if !ok {
		return nil, fmt.Errorf("%w: not of a known layout", ErrUnopenable)
	}
	if s == nil {
		return nil, fmt.Errorf("%w: sealed under %s, and no key-encryption key is held", ErrForeign, id)
	}
	aead, held := s.aeads[id]
	if !held {
		return nil, fmt.Errorf("%w: sealed under %s, held: %s", ErrForeign, id, s.held())
	}
	plain, err := aead.Open(nil, b[1+idLen:headerLen], b[headerLen:], ad)
	if err != nil {
		return nil, fmt.Errorf("%w: sealed under %s, they do not authenticate for this record", ErrUnopenable, id)
	}
	return plain, nil
}

// held lists the ids of the KEKs the Sealer holds, the primary first.
func (s *Sealer) held() string {
	ids := []string{s.primary.String()}
	for id := range s.aeads {
		if id != s.primary {
			ids = append(ids, id.String())
		}
	}
	return strings.Join(ids, ", ")
}
