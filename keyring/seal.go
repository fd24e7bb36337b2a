package keyring

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthapps/oauthapps/internal/seal"
)

// KEKSize is the length of a key-encryption key: 32 bytes, for AES-256.
const KEKSize = seal.KEKSize

// Sealed private keys are AES-256-GCM under a key-encryption key (KEK), in
// the layout of package internal/seal, which names the KEK that sealed
// each key. The associated data binds the sealed bytes to the record's
// kid, algorithm and public key, so sealed bytes moved to another record,
// or a record whose public key was changed, fail to open.
const adLabel = "oauthapps keyring sealed key v1"

// sealer seals under its primary KEK and opens under any it holds.
type sealer struct {
	*seal.Sealer
	primary seal.ID
}

// newSealer returns a sealer for the KEKs, the first primary; nil for none.
func newSealer(keks [][]byte) (*sealer, error) {
	s, err := seal.New(keks)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidOption, err)
	}
	if s == nil {
		return nil, nil
	}
	return &sealer{Sealer: s, primary: s.Primary()}, nil
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
	b, err := s.Seal(plain, associatedData(kid, alg, public))
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	return b, nil
}

// sealedBy returns the id of the KEK that sealed b, and whether b has the
// layout of a sealed key at all.
func sealedBy(b []byte) (seal.ID, bool) { return seal.SealedBy(b) }

// holds reports whether the sealer has the KEK that sealed b.
func (s *sealer) holds(b []byte) bool {
	if s == nil {
		return false
	}
	return s.Holds(b)
}

// open returns the plaintext of a sealed key of the record. Its errors
// wrap ErrForeignKEK or ErrUnopenable and hold no byte of b.
func (s *sealer) open(kid, alg string, public, b []byte) ([]byte, error) {
	var inner *seal.Sealer
	if s != nil {
		inner = s.Sealer
	}
	plain, err := inner.Open(b, associatedData(kid, alg, public))
	if errors.Is(err, seal.ErrForeign) {
		return nil, fmt.Errorf("%w: %v", ErrForeignKEK, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnopenable, err)
	}
	return plain, nil
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
