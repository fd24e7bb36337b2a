package token

import (
	"bytes"
	"crypto"
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
	return parsePEM(kid, pemBytes, privateParsers)
}

// ParsePublicKeyPEM loads a verify-only key from exactly one "PUBLIC KEY"
// (PKIX) or "RSA PUBLIC KEY" (PKCS #1) PEM block, with the same algorithm
// rules as ParsePrivateKeyPEM.
func ParsePublicKeyPEM(kid string, pemBytes []byte) (*Key, error) {
	return parsePEM(kid, pemBytes, publicParsers)
}

// DER parsers by PEM block type.
var (
	privateParsers = map[string]func([]byte) (any, error){
		"PRIVATE KEY":     x509.ParsePKCS8PrivateKey,
		"EC PRIVATE KEY":  func(der []byte) (any, error) { return x509.ParseECPrivateKey(der) },
		"RSA PRIVATE KEY": func(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) },
	}
	publicParsers = map[string]func([]byte) (any, error){
		"PUBLIC KEY":     x509.ParsePKIXPublicKey,
		"RSA PUBLIC KEY": func(der []byte) (any, error) { return x509.ParsePKCS1PublicKey(der) },
	}
)

// parsePEM decodes the one PEM block of data with the parser for its type
// and builds the key.
func parsePEM(kid string, data []byte, parsers map[string]func([]byte) (any, error)) (*Key, error) {
	block, err := onePEMBlock(data)
	if err != nil {
		return nil, err
	}
	parse, ok := parsers[block.Type]
	if !ok {
		return nil, fmt.Errorf("%w: unexpected PEM block %q", ErrInvalidKey, block.Type)
	}
	parsed, err := parse(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s block does not parse", ErrInvalidKey, block.Type)
	}
	// A private key is a crypto.Signer, a public key is not.
	if priv, ok := parsed.(crypto.Signer); ok {
		return newPublicKey(kid, priv, priv.Public())
	}
	return newPublicKey(kid, nil, parsed)
}

// MarshalPrivateKeyPEM returns the private key as a PKCS #8 "PRIVATE KEY"
// PEM block, the form ParsePrivateKeyPEM reads back. It fails for
// verify-only and HS256 keys (use HMACSecret for those).
func (k *Key) MarshalPrivateKeyPEM() ([]byte, error) {
	if k.secret().sign == nil || k.Symmetric() {
		return nil, fmt.Errorf("%w: key %q has no private key to export", ErrInvalidKey, k.id)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.secret().sign)
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
	der, err := x509.MarshalPKIXPublicKey(k.secret().verify)
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
	return append([]byte(nil), k.secret().verify.([]byte)...)
}

// onePEMBlock decodes a single unencrypted PEM block with nothing but
// whitespace around it.
func onePEMBlock(data []byte) (*pem.Block, error) {
	// pem.Decode skips whatever comes before a block, a broken block
	// included: only whitespace may.
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("-----BEGIN ")) {
		return nil, fmt.Errorf("%w: data before the PEM block, or no PEM block", ErrInvalidKey)
	}
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
