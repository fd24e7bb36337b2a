package keyring

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// KEKSize is the length of a key-encryption key: 32 bytes, for AES-256.
const KEKSize = 32

// Sealed private keys are AES-256-GCM (NIST SP 800-38D) under a
// key-encryption key (KEK), laid out as
//
//	version (1 byte, 1) || KEK id (8 bytes) || nonce (12 bytes) || ciphertext and tag
//
// The KEK id names the KEK that sealed the key, so that a ring holding
// several (a KEK rotation) opens each with the right one, and a ring
// holding none of them says so instead of failing a decryption. It is the
// first 8 bytes of HMAC-SHA256(KEK, kekIDLabel): it tells KEKs apart and
// says nothing else about them. The associated data binds the sealed bytes
// to the record's kid, algorithm and public key, so sealed bytes moved to
// another record, or a record whose public key was changed, fail to open.
const (
	sealVersion = 1
	kekIDLen    = 8
	nonceLen    = 12
	sealHeader  = 1 + kekIDLen + nonceLen
	kekIDLabel  = "oauthapps keyring key-encryption key id v1"
	adLabel     = "oauthapps keyring sealed key v1"
)

// kekID is the id of one key-encryption key.
type kekID [kekIDLen]byte

func (id kekID) String() string { return hex.EncodeToString(id[:]) }

// sealer seals under its primary KEK and opens under any it holds.
type sealer struct {
	primary kekID
	aeads   map[kekID]cipher.AEAD
}

// newSealer returns a sealer for the KEKs, the first primary; nil for none.
func newSealer(keks [][]byte) (*sealer, error) {
	if len(keks) == 0 {
		return nil, nil
	}
	s := &sealer{aeads: make(map[kekID]cipher.AEAD, len(keks))}
	for i, kek := range keks {
		if len(kek) != KEKSize {
			return nil, fmt.Errorf("%w: a key-encryption key must be %d bytes, not %d", ErrInvalidOption, KEKSize, len(kek))
		}
		block, err := aes.NewCipher(kek)
		if err != nil {
			return nil, fmt.Errorf("%w: key-encryption key: %v", ErrInvalidOption, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%w: key-encryption key: %v", ErrInvalidOption, err)
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
func idOf(kek []byte) kekID {
	mac := hmac.New(sha256.New, kek)
	mac.Write([]byte(kekIDLabel))
	var id kekID
	copy(id[:], mac.Sum(nil))
	return id
}

// associatedData binds a sealed key to its record.
func associatedData(kid, alg string, public []byte) []byte {
	ad := make([]byte, 0, len(adLabel)+len(kid)+len(alg)+len(public)+3)
	ad = append(ad, adLabel...)
	ad = append(ad, 0)
	ad = append(ad, kid...)
	ad = append(ad, 0)
	ad = append(ad, alg...)
	ad = append(ad, 0)
	return append(ad, public...)
}

// seal returns plain sealed under the primary KEK for the record.
func (s *sealer) seal(kid, alg string, public, plain []byte) ([]byte, error) {
	out := make([]byte, sealHeader, sealHeader+len(plain)+16)
	out[0] = sealVersion
	copy(out[1:], s.primary[:])
	if _, err := rand.Read(out[1+kekIDLen : sealHeader]); err != nil {
		return nil, fmt.Errorf("keyring: read random: %w", err)
	}
	return s.aeads[s.primary].Seal(out, out[1+kekIDLen:sealHeader], plain, associatedData(kid, alg, public)), nil
}

// sealedBy returns the id of the KEK that sealed b, and whether b has the
// layout of a sealed key at all.
func sealedBy(b []byte) (kekID, bool) {
	var id kekID
	if len(b) < sealHeader+16 || b[0] != sealVersion {
		return id, false
	}
	copy(id[:], b[1:])
	return id, true
}

// holds reports whether the sealer has the KEK that sealed b.
func (s *sealer) holds(b []byte) bool {
	id, ok := sealedBy(b)
	if !ok || s == nil {
		return false
	}
	_, held := s.aeads[id]
	return held
}

// open returns the plaintext of a sealed key of the record. Its errors
// wrap ErrForeignKEK or ErrUnopenable and hold no byte of b.
func (s *sealer) open(kid, alg string, public, b []byte) ([]byte, error) {
	id, ok := sealedBy(b)
	if !ok {
		return nil, fmt.Errorf("%w: not a sealed key of a known layout", ErrUnopenable)
	}
	if s == nil {
		return nil, fmt.Errorf("%w: sealed under %s, and this instance has no key-encryption key", ErrForeignKEK, id)
	}
	aead, held := s.aeads[id]
	if !held {
		return nil, fmt.Errorf("%w: sealed under %s, this instance holds %s", ErrForeignKEK, id, s.held())
	}
	plain, err := aead.Open(nil, b[1+kekIDLen:sealHeader], b[sealHeader:], associatedData(kid, alg, public))
	if err != nil {
		return nil, fmt.Errorf("%w: sealed bytes under %s do not authenticate for this record", ErrUnopenable, id)
	}
	return plain, nil
}

// held lists the ids of the KEKs the sealer holds, the primary first.
func (s *sealer) held() string {
	ids := []string{s.primary.String()}
	for id := range s.aeads {
		if id != s.primary {
			ids = append(ids, id.String())
		}
	}
	return strings.Join(ids, ", ")
}

// DecodeKEK decodes a key-encryption key written in standard base64, as
// the example server reads it from OAUTHAPPS_KEY_ENCRYPTION_KEY. It must
// decode to KEKSize bytes. Its error quotes none of s.
func DecodeKEK(s string) ([]byte, error) {
	kek, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w: a key-encryption key must be standard base64", ErrInvalidOption)
	}
	if len(kek) != KEKSize {
		return nil, fmt.Errorf("%w: a key-encryption key must be %d bytes, not %d", ErrInvalidOption, KEKSize, len(kek))
	}
	return kek, nil
}
