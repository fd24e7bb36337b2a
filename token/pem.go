package token

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// ParsePrivateKeyPEM loads a signing key from exactly one PEM block:
// "PRIVATE KEY" (PKCS #8), "EC PRIVATE KEY" (SEC 1) or "RSA PRIVATE KEY"
// (PKCS #1). The algorithm follows from the key: Ed25519 is EdDSA, P-256 is
// ES256, RSA of at least MinRSABits is RS256; anything else, and encrypted
// PEM, is rejected with ErrInvalidKey.
func ParsePrivateKeyPEM(kid string, pemBytes []byte) (*Key, error) {
	block, err := onePEMBlock(pemBytes)
	if err != nil {
		return nil, err
	}
	var priv any
	switch block.Type {
	case "PRIVATE KEY":
		priv, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		priv, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		priv, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a private key", ErrInvalidKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s block does not parse", ErrInvalidKey, block.Type)
	}
	switch p := priv.(type) {
	case ed25519.PrivateKey:
		return newKey(kid, EdDSA, p, p.Public())
	case *ecdsa.PrivateKey:
		if err := checkCurve(&p.PublicKey); err != nil {
			return nil, err
		}
		return newKey(kid, ES256, p, &p.PublicKey)
	case *rsa.PrivateKey:
		if err := checkRSA(&p.PublicKey); err != nil {
			return nil, err
		}
		return newKey(kid, RS256, p, &p.PublicKey)
	}
	return nil, fmt.Errorf("%w: unsupported private key type %T", ErrInvalidKey, priv)
}

// ParsePublicKeyPEM loads a verify-only key from exactly one "PUBLIC KEY"
// (PKIX) or "RSA PUBLIC KEY" (PKCS #1) PEM block, with the same algorithm
// rules as ParsePrivateKeyPEM.
func ParsePublicKeyPEM(kid string, pemBytes []byte) (*Key, error) {
	block, err := onePEMBlock(pemBytes)
	if err != nil {
		return nil, err
	}
	var pub any
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: PEM block %q is not a public key", ErrInvalidKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s block does not parse", ErrInvalidKey, block.Type)
	}
	switch p := pub.(type) {
	case ed25519.PublicKey:
		return newKey(kid, EdDSA, nil, p)
	case *ecdsa.PublicKey:
		if err := checkCurve(p); err != nil {
			return nil, err
		}
		return newKey(kid, ES256, nil, p)
	case *rsa.PublicKey:
		if err := checkRSA(p); err != nil {
			return nil, err
		}
		return newKey(kid, RS256, nil, p)
	}
	return nil, fmt.Errorf("%w: unsupported public key type %T", ErrInvalidKey, pub)
}

// MarshalPrivateKeyPEM returns the private key as a PKCS #8 "PRIVATE KEY"
// PEM block, the form ParsePrivateKeyPEM reads back. It fails for
// verify-only and HS256 keys (use HMACSecret for those).
func (k *Key) MarshalPrivateKeyPEM() ([]byte, error) {
	if k.sign == nil || k.Symmetric() {
		return nil, fmt.Errorf("%w: key %q has no private key to export", ErrInvalidKey, k.id)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.sign)
	if err != nil {
		return nil, fmt.Errorf("%w: marshal key %q", ErrInvalidKey, k.id)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPublicKeyPEM returns the public key as a PKIX "PUBLIC KEY" PEM
// block, the form ParsePublicKeyPEM reads back. It fails for HS256 keys.
func (k *Key) MarshalPublicKeyPEM() ([]byte, error) {
	if k.Symmetric() {
		return nil, fmt.Errorf("%w: HS256 key %q has no public key", ErrInvalidKey, k.id)
	}
	der, err := x509.MarshalPKIXPublicKey(k.verify)
	if err != nil {
		return nil, fmt.Errorf("%w: marshal key %q", ErrInvalidKey, k.id)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// HMACSecret returns a copy of an HS256 key's secret, to store it; it
// returns nil for any other key. Treat the result as a secret.
func (k *Key) HMACSecret() []byte {
	if !k.Symmetric() {
		return nil
	}
	return append([]byte(nil), k.verify.([]byte)...)
}

// onePEMBlock decodes a single unencrypted PEM block with nothing but
// whitespace around it.
func onePEMBlock(data []byte) (*pem.Block, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrInvalidKey)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: data after the PEM block", ErrInvalidKey)
	}
	if _, ok := block.Headers["Proc-Type"]; ok {
		return nil, fmt.Errorf("%w: encrypted PEM is not supported", ErrInvalidKey)
	}
	return block, nil
}

func checkCurve(p *ecdsa.PublicKey) error {
	if p.Curve != elliptic.P256() {
		return fmt.Errorf("%w: ECDSA key is not on P-256", ErrInvalidKey)
	}
	return nil
}

func checkRSA(p *rsa.PublicKey) error {
	if p.N.BitLen() < MinRSABits {
		return fmt.Errorf("%w: RSA key shorter than %d bits", ErrInvalidKey, MinRSABits)
	}
	return nil
}
