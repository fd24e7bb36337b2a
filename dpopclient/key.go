package dpopclient

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/token"
)

// Key is a DPoP key: the private key a client's tokens are bound to, which
// signs its proofs (RFC 9449 section 4.2). It is safe for concurrent use.
type Key struct {
	signer     crypto.Signer
	method     jwt.SigningMethod
	jwk        map[string]string // the public key, as the proofs' header holds it
	thumbprint string
}

// NewKey returns the DPoP key of signer: an ed25519.PrivateKey (EdDSA), an
// *ecdsa.PrivateKey on P-256 (ES256) or an *rsa.PrivateKey of at least
// 2048 bits (RS256); nil makes a new Ed25519 key. Any other key is
// ErrInvalidOption.
func NewKey(signer crypto.Signer) (*Key, error) {
	if signer == nil {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("dpopclient: making a key: %w", err)
		}
		signer = priv
	}
	var method jwt.SigningMethod
	switch k := signer.(type) {
	case ed25519.PrivateKey:
		method = jwt.SigningMethodEdDSA
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: an ECDSA key must be on P-256", ErrInvalidOption)
		}
		method = jwt.SigningMethodES256
	case *rsa.PrivateKey:
		method = jwt.SigningMethodRS256
	default:
		return nil, fmt.Errorf("%w: a key must be an ed25519.PrivateKey, *ecdsa.PrivateKey or *rsa.PrivateKey, not %T", ErrInvalidOption, signer)
	}
	pub, err := token.NewSignerKey("dpop", signer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	j, _ := pub.JWK() // a public key always has one
	jwk := map[string]string{"kty": j.KeyType}
	for name, v := range map[string]string{"crv": j.Curve, "x": j.X, "y": j.Y, "n": j.N, "e": j.E} {
		if v != "" {
			jwk[name] = v
		}
	}
	return &Key{signer: signer, method: method, jwk: jwk, thumbprint: pub.Thumbprint()}, nil
}

// Thumbprint returns the key's RFC 7638 thumbprint: the cnf.jkt of the
// tokens bound to it.
func (k *Key) Thumbprint() string { return k.thumbprint }

// Proof signs a proof for a request of method to rawURL (its query and
// fragment left out of htu) made at now, with a fresh jti; its ath is the
// hash of accessToken unless that is "" (a token request), and it carries
// nonce unless that is "".
func (k *Key) Proof(method, rawURL, accessToken, nonce string, now time.Time) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() {
		return "", fmt.Errorf("dpopclient: a proof needs an absolute URL")
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails (crypto/rand, Go 1.24)
	claims := jwt.MapClaims{
		"jti": base64.RawURLEncoding.EncodeToString(id[:]),
		"htm": method,
		"htu": (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String(),
		"iat": now.Unix(),
	}
	if accessToken != "" {
		claims["ath"] = token.TokenHash(accessToken)
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	j := jwt.NewWithClaims(k.method, claims)
	j.Header["typ"] = token.ProofType
	j.Header["jwk"] = k.jwk
	s, err := j.SignedString(k.signer)
	if err != nil {
		return "", fmt.Errorf("dpopclient: signing a proof: %w", err)
	}
	return s, nil
}
