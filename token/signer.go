package token

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// signer is what a Minter prepares once per signing key, so that a token
// costs its signature and not the setting up of one: the key's header
// with its dot, the length of its signatures, and what signs.
//
// Every algorithm signs through golang-jwt's Sign; for Ed25519 it is
// given a crypto.Signer whose Public returns the public key boxed once,
// where ed25519.PrivateKey.Public copies it for every token.
type signer struct {
	key    *Key
	header []byte // key.header and '.', the start of every token
	sigLen int    // length of a signature, or an upper bound for RSA
	method jwt.SigningMethod
	sign   any // golang-jwt's Sign key
}

// edSigner is an Ed25519 private key whose Public costs nothing.
type edSigner struct {
	ed25519.PrivateKey
	pub crypto.PublicKey
}

// Public returns the public key made once by newSigner.
func (s *edSigner) Public() crypto.PublicKey { return s.pub }

// newSigner prepares key, a key that can sign, for minting.
func newSigner(key *Key) *signer {
	s := &signer{
		key:    key,
		header: append([]byte(key.header), '.'),
		sigLen: 512, // RSA keys of up to 4096 bits
		method: key.alg.method(),
		sign:   key.secret().sign,
	}
	switch priv := s.sign.(type) {
	case ed25519.PrivateKey:
		s.sigLen = ed25519.SignatureSize
		s.sign = &edSigner{PrivateKey: priv, pub: priv.Public()}
	case []byte:
		s.sigLen = sha256.Size
	case externalSigner: // NewSignerKey: external.go
		s.method = externalMethod{key}
		if key.alg == EdDSA {
			s.sigLen = ed25519.SignatureSize
		}
	}
	if key.alg == ES256 {
		s.sigLen = 64
	}
	return s
}

// appendSignature appends the base64url signature of input to dst. input
// is the key's header, '.', and payload, the base64url claims; dst may
// share payload's memory, which is read in full before dst is written.
func (s *signer) appendSignature(dst []byte, input string, payload []byte) ([]byte, error) {
	b64 := base64.RawURLEncoding
	sig, err := s.method.Sign(input, s.sign)
	if err != nil {
		return dst, fmt.Errorf("%w: sign with key %q: %v", ErrSigningKey, s.key.id, err)
	}
	return b64.AppendEncode(dst, sig), nil
}
