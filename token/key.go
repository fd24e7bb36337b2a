package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"github.com/oauthapps/oauthapps/internal/quote"
)

// Key limits.
const (
	// MinHMACSecret is the shortest HS256 secret NewHMACKey accepts, in bytes
	// (RFC 7518 section 3.2 asks for a key as long as the hash output).
	MinHMACSecret = 32
	// MinRSABits is the smallest RSA modulus this package accepts.
	MinRSABits = 2048
	// maxKID bounds a kid's length.
	maxKID = 128
)

// Key is one signing or verification key with its kid and algorithm. A Key
// made by GenerateKey, ParsePrivateKeyPEM or NewHMACKey can sign; one made by
// ParsePublicKeyPEM, or kept by a KeySet as verify-only, can only verify. A Key is immutable and
// safe for concurrent use. Printing a Key (any fmt verb, %#v included) shows
// its kid and algorithm only, never private material. The material is
// reached through a function, so that even a Key printed field by field
// (held by value in an unexported struct field, where fmt cannot call its
// methods, or dumped by reflection) shows a function's address, not the
// bytes.
type Key struct {
	mat    func() *material
	id     string
	alg    Algorithm
	header string // base64url of the JOSE header Mint writes for this key
}

// secret returns the key's material; a Key not made by this package's
// constructors (the zero Key) has none, and so signs and verifies nothing.
func (k *Key) secret() *material {
	if k.mat == nil {
		return &material{}
	}
	return k.mat()
}

// material is what a Key signs and verifies with.
type material struct {
	sign   any // the private key; nil if verify-only
	verify any // what it verifies with: a public key, or the HMAC secret
	// macs holds HMAC-SHA256 states keyed with an HS256 key's secret, so
	// that signing a token does not key a new one (hash.Hash values).
	macs *sync.Pool
}

// sign returns the JWS signature of input under k: HMAC-SHA256 of
// crypto/hmac for an HS256 key, the crypto.Signer of a NewSignerKey key,
// or golang-jwt's signing method of k's algorithm.
func (k *Key) sign(input string) ([]byte, error) {
	if m := k.secret(); m.sign != nil && m.macs != nil {
		h := m.macs.Get().(hash.Hash)
		_, _ = io.WriteString(h, input) // a hash.Hash never fails to write
		sig := h.Sum(make([]byte, 0, sha256.Size))
		h.Reset()
		m.macs.Put(h)
		return sig, nil
	}
	var sig []byte
	var err error
	if s, ok := k.secret().sign.(externalSigner); ok {
		sig, err = s.sign(k, []byte(input))
	} else {
		sig, err = k.alg.method().Sign(input, k.secret().sign)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: sign with key %q: %v", ErrSigningKey, k.id, err)
	}
	return sig, nil
}

// GenerateKey returns a new signing key for alg with a random kid (128 bits
// from crypto/rand, base64url). Ed25519, P-256, 2048-bit RSA or a 32-byte
// HMAC secret, by algorithm.
func GenerateKey(alg Algorithm) (*Key, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case EdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case ES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RS256, PS256:
		priv, err = rsa.GenerateKey(rand.Reader, MinRSABits)
	case HS256:
		secret := make([]byte, MinHMACSecret)
		_, _ = rand.Read(secret) // never fails (crypto/rand, Go 1.24)
		return NewHMACKey(randomID(), secret)
	default:
		return nil, fmt.Errorf("%w: unsupported algorithm %q", ErrInvalidKey, alg)
	}
	if err != nil {
		return nil, fmt.Errorf("token: generate %s key: %w", alg, err)
	}
	k, err := newPublicKey(randomID(), priv, priv.Public())
	if err != nil || alg == k.alg {
		return k, err
	}
	return k.WithAlgorithm(alg)
}

// NewHMACKey returns an HS256 key holding a copy of secret, which must be at
// least MinHMACSecret bytes. Validators that hold it can also mint, so share
// it only with services that are trusted as issuers.
func NewHMACKey(kid string, secret []byte) (*Key, error) {
	if len(secret) < MinHMACSecret {
		return nil, fmt.Errorf("%w: HMAC secret shorter than %d bytes", ErrInvalidKey, MinHMACSecret)
	}
	s := append([]byte(nil), secret...)
	return newKey(kid, HS256, s, s)
}

// newKey checks kid and builds the key with its header, which golang-jwt
// writes the same way (the members in this order, nothing escaped): a kid
// holds only URL-unreserved characters.
func newKey(kid string, alg Algorithm, sign, verify any) (*Key, error) {
	if err := checkKID(kid); err != nil {
		return nil, err
	}
	h, _ := json.Marshal(map[string]string{"alg": string(alg), "kid": kid, "typ": "at+jwt"}) // strings always encode
	m := &material{sign: sign, verify: verify}
	if secret, ok := sign.([]byte); ok && alg == HS256 {
		m.macs = &sync.Pool{New: func() any { return hmac.New(sha256.New, secret) }}
	}
	return &Key{
		id:     kid,
		alg:    alg,
		mat:    func() *material { return m },
		header: base64.RawURLEncoding.EncodeToString(h),
	}, nil
}

// newPublicKey builds the key of the public key pub, which signs with priv
// unless that is nil. The algorithm follows from pub: EdDSA for Ed25519,
// ES256 for P-256 and RS256 for RSA of at least MinRSABits. Any other key
// is ErrInvalidKey.
func newPublicKey(kid string, priv any, pub crypto.PublicKey) (*Key, error) {
	var alg Algorithm
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: Ed25519 public key of %d bytes", ErrInvalidKey, len(p))
		}
		alg = EdDSA
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA key is not on P-256", ErrInvalidKey)
		}
		alg = ES256
	case *rsa.PublicKey:
		if p.N.BitLen() < MinRSABits {
			return nil, fmt.Errorf("%w: RSA key shorter than %d bits", ErrInvalidKey, MinRSABits)
		}
		alg = RS256
	default:
		return nil, fmt.Errorf("%w: unsupported key type %T", ErrInvalidKey, pub)
	}
	return newKey(kid, alg, priv, pub)
}

// kidChars is the URL-unreserved set (RFC 3986 section 2.3), which a kid
// is made of.
const kidChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// checkKID accepts 1 to 128 kidChars, so a kid needs no escaping in JSON
// and cannot carry a path or a query.
func checkKID(kid string) error {
	if kid == "" || len(kid) > maxKID {
		return fmt.Errorf("%w: kid must be 1 to %d characters", ErrInvalidKey, maxKID)
	}
	if strings.ContainsFunc(kid, func(r rune) bool { return !strings.ContainsRune(kidChars, r) }) {
		return fmt.Errorf("%w: kid may hold only letters, digits, '-', '.', '_' and '~'", ErrInvalidKey)
	}
	return nil
}

// WithAlgorithm returns a copy of k that signs and verifies with alg: an
// RSA key with RS256 or PS256, any other key with the one algorithm its
// type has. For a client's RSA key registered for PS256, say. Any other
// alg, and PS256 for a NewSignerKey key (whose signer is asked for PKCS
// #1 v1.5 signatures), is ErrInvalidKey.
func (k *Key) WithAlgorithm(alg Algorithm) (*Key, error) {
	if alg == k.alg {
		return k, nil
	}
	_, external := k.secret().sign.(externalSigner)
	if _, ok := k.secret().verify.(*rsa.PublicKey); !ok || (alg != RS256 && alg != PS256) || external {
		return nil, fmt.Errorf("%w: a %s key cannot use %s", ErrInvalidKey, k.alg, quote.Q(string(alg)))
	}
	return newKey(k.id, alg, k.secret().sign, k.secret().verify)
}

// ID returns the key's kid.
func (k *Key) ID() string { return k.id }

// Algorithm returns the only algorithm the key signs and verifies with.
func (k *Key) Algorithm() Algorithm { return k.alg }

// CanSign reports whether the key holds private (or HMAC) material.
func (k *Key) CanSign() bool { return k.secret().sign != nil }

// Symmetric reports whether the key is an HS256 secret, which verifies only
// by holding the same secret that signs and is never published.
func (k *Key) Symmetric() bool { return k.alg == HS256 }

// PublicKey returns the public half (ed25519.PublicKey, *ecdsa.PublicKey or
// *rsa.PublicKey), or nil for an HS256 key.
func (k *Key) PublicKey() crypto.PublicKey {
	if k.Symmetric() {
		return nil
	}
	return k.secret().verify
}

// verifyOnly returns a copy of k that verifies but cannot sign. An HS256
// copy still holds the secret, since HMAC verification needs it.
func (k *Key) verifyOnly() *Key {
	if !k.CanSign() {
		return k
	}
	m := *k.secret()
	m.sign = nil
	c := *k
	c.mat = func() *material { return &m }
	return &c
}

// String describes the key by kid and algorithm, never by its material.
func (k Key) String() string {
	kind := "verify-only"
	if k.CanSign() {
		kind = "signing"
	}
	return fmt.Sprintf("token.Key{kid: %q, alg: %s, %s}", k.id, k.alg, kind)
}

// Format prints String for every verb, so no fmt verb (%v, %+v, %#v, %x,
// ...) prints private material or reaches the fields by reflection.
func (k Key) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, k.String()) }

// randomID returns 128 random bits, base64url without padding (22 bytes).
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// sameKey reports whether o is k: the same algorithm and the same public
// key, or for HS256 the same secret (compared in constant time).
func (k *Key) sameKey(o *Key) bool {
	if k.alg != o.alg {
		return false
	}
	if k.alg == HS256 {
		return hmac.Equal(k.secret().verify.([]byte), o.secret().verify.([]byte))
	}
	pub, ok := k.secret().verify.(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(o.secret().verify)
}
