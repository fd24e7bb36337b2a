package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// NewSignerKey returns a signing key whose private key stays inside signer:
// a KMS, an HSM or a PKCS #11 token, anything that implements crypto.Signer.
// Minting calls signer.Sign once per token; the key's public half, the
// algorithm and the JWK come from signer.Public(): an Ed25519 key signs
// EdDSA, a P-256 key ES256 and an RSA key of at least MinRSABits RS256.
// Anything else is ErrInvalidKey. MarshalPrivateKeyPEM fails for such a
// key: there is nothing to export.
//
// Sign must be safe for concurrent use. It receives the message itself for
// EdDSA (crypto.Hash(0)) and its SHA-256 digest for ES256 (the signature an
// ASN.1 DER SEQUENCE of r and s, as crypto/ecdsa writes it) and RS256
// (PKCS #1 v1.5), as the standard library's own keys expect.
func NewSignerKey(kid string, signer crypto.Signer) (*Key, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrInvalidKey)
	}
	return newPublicKey(kid, externalSigner{signer}, signer.Public())
}

// externalSigner is the private material of a NewSignerKey key. It is a
// type of its own, so that a standard library key wrapped by a host (which
// is a crypto.Signer too) still goes through Sign.
type externalSigner struct{ crypto.Signer }

// sign returns the JWS signature of input under k, whose private key is
// s: for ES256 the r || s form of RFC 7518 section 3.4, 32 bytes each,
// made from the ASN.1 signature a crypto.Signer returns.
func (s externalSigner) sign(k *Key, input []byte) ([]byte, error) {
	msg, hash := input, crypto.Hash(0)
	if k.alg != EdDSA { // ES256 and RS256, the only others NewSignerKey makes
		digest := sha256.Sum256(input)
		msg, hash = digest[:], crypto.SHA256
	}
	sig, err := s.Sign(rand.Reader, msg, hash)
	if err != nil {
		return nil, fmt.Errorf("external signer: %v", err)
	}
	want := ed25519.SignatureSize
	switch pub := k.secret().verify.(type) {
	case *rsa.PublicKey:
		want = pub.Size()
	case *ecdsa.PublicKey:
		var rs struct{ R, S *big.Int }
		rest, err := asn1.Unmarshal(sig, &rs)
		if err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 || rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
			return nil, errors.New("external signer returned no ASN.1 ECDSA signature")
		}
		sig = make([]byte, 64)
		rs.R.FillBytes(sig[:32])
		rs.S.FillBytes(sig[32:])
		want = 64
	}
	if len(sig) != want {
		return nil, fmt.Errorf("external signer returned %d bytes, want %d", len(sig), want)
	}
	return sig, nil
}
