package oauthapp

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/store"
)

// Limits on client keys.
const (
	// MaxClientKeys is how many public keys one app may hold.
	MaxClientKeys = 5
	// MaxClientKeyIDLen is the longest kid of a client key.
	MaxClientKeyIDLen = 64
	// MinClientRSABits is the smallest RSA modulus a client key may have.
	MinClientRSABits = 2048
	// maxClientKeyPEM bounds the PEM text of one key (a 16384-bit RSA
	// key needs under 3 KiB).
	maxClientKeyPEM = 4096
)

// clientKeyAlgs are the JWS algorithms a client key may verify, sorted.
var clientKeyAlgs = []string{"ES256", "EdDSA", "PS256", "RS256"}

// ClientKeyAlgorithms returns the JWS algorithms a client key may verify,
// sorted: ES256, EdDSA, PS256 and RS256; never HS256 (a shared secret is
// what the key replaces) and never none.
func ClientKeyAlgorithms() []string { return slices.Clone(clientKeyAlgs) }

// NewClientKey describes a public key to add to an app, for
// private_key_jwt client authentication (RFC 7523 section 2.2).
type NewClientKey struct {
	// ID is the key's kid, which the client names in the header of its
	// assertions: 1 to MaxClientKeyIDLen letters, digits, '-', '_', '.'
	// or '~', unique within the app. "" means the key's JWK thumbprint
	// (RFC 7638), in base64url.
	ID string
	// Algorithm is the one JWS algorithm the key verifies: "ES256" for a
	// P-256 key, "EdDSA" for Ed25519, "RS256" or "PS256" for RSA of at
	// least MinClientRSABits bits. "" means ES256, EdDSA or RS256, by
	// the key's type.
	Algorithm string
	// PublicKeyPEM is the key as one PEM "PUBLIC KEY" block
	// (SubjectPublicKeyInfo), as openssl pkey -pubout writes it.
	PublicKeyPEM string
}

// ClientKeyInfo describes one of an app's client keys.
type ClientKeyInfo struct {
	// ID is the key's kid.
	ID string
	// Algorithm is the JWS algorithm the key verifies.
	Algorithm string
	// PublicKeyPEM is the key as a PEM "PUBLIC KEY" block.
	PublicKeyPEM string
	// Created is when the key was added, by the service's clock.
	Created time.Time
	// LastUsed is when the key last authenticated a client, to a
	// resolution of one minute; zero if never.
	LastUsed time.Time
}

// AddClientKey adds a public key to an app, with which its client may
// authenticate by private_key_jwt from now on. The app keeps its secrets;
// an app may hold secrets, keys or both. The key is checked (type, size,
// algorithm, kid) before anything is written: a bad key is
// ErrInvalidArgument, a kid the app already holds too, as is a key beyond
// MaxClientKeys.
//
// The actor is checked first, on the stored app: an actor who may not
// manage it gets ErrForbidden (or ErrNotFound) whatever k holds.
//
// ifVersion, when given and not zero, makes the addition conditional on
// the app's Version, as AppUpdate.IfVersion does (ErrVersionMismatch,
// nothing added). At most one version may be given.
func (s *Service) AddClientKey(ctx context.Context, actor Actor, appSID string, k NewClientKey, ifVersion ...int64) (App, error) {
	if s.assertions == nil {
		return App{}, errNoAssertionStore
	}
	want, err := oneVersion(ifVersion)
	if err != nil {
		return App{}, err
	}
	now := s.now()
	var added store.ClientKey
	saved, err := s.modify(ctx, actor, appSID, want, func(a *store.App) error {
		key, err := newClientKey(k, now)
		if err != nil {
			return err
		}
		if len(a.Keys) >= MaxClientKeys {
			return invalidArg("ClientKeys", "the app already has %d client keys, the most it may have", MaxClientKeys)
		}
		if slices.ContainsFunc(a.Keys, func(o store.ClientKey) bool { return o.ID == key.ID }) {
			return invalidArg("ID", "the app already has a client key with that kid")
		}
		a.Keys = append(slices.Clip(a.Keys), key)
		a.UpdatedAt = now
		added = key
		return nil
	})
	if err != nil {
		return App{}, err
	}
	s.emit(ctx, Event{Kind: EventClientKeyAdded, Time: now, Actor: actor, AccountSID: saved.AccountSID, AppSID: saved.SID, KeyID: added.ID})
	return s.view(saved, now), nil
}

// RemoveClientKey removes a public key from an app. Assertions signed with
// it stop authenticating, and every token obtained with one stops
// authorizing, at once (R7). An id the app does not hold is
// ErrInvalidArgument. ifVersion, when given and not zero, makes the
// removal conditional, as for AddClientKey.
func (s *Service) RemoveClientKey(ctx context.Context, actor Actor, appSID, keyID string, ifVersion ...int64) (App, error) {
	want, err := oneVersion(ifVersion)
	if err != nil {
		return App{}, err
	}
	now := s.now()
	saved, err := s.modify(ctx, actor, appSID, want, func(a *store.App) error {
		i := slices.IndexFunc(a.Keys, func(k store.ClientKey) bool { return k.ID == keyID })
		if i < 0 {
			return invalidArg("keyID", "the app has no client key with that kid")
		}
		a.Keys = slices.Delete(slices.Clone(a.Keys), i, i+1)
		a.UpdatedAt = now
		return nil
	})
	if err != nil {
		return App{}, err
	}
	s.emit(ctx, Event{Kind: EventClientKeyRemoved, Time: now, Actor: actor, AccountSID: saved.AccountSID, AppSID: saved.SID, KeyID: keyID})
	return s.view(saved, now), nil
}

// errNoAssertionStore: the service cannot refuse a replayed assertion.
var errNoAssertionStore = fmt.Errorf("%w: the store does not keep assertion ids (store.AssertionIDs), which private_key_jwt needs to refuse replays", ErrInvalidArgument)

// newClientKey checks a key to add and returns its stored form.
func newClientKey(k NewClientKey, now time.Time) (store.ClientKey, error) {
	if len(k.PublicKeyPEM) > maxClientKeyPEM {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key PEM longer than %d bytes", maxClientKeyPEM)
	}
	pub, err := parsePublicPEM(k.PublicKeyPEM)
	if err != nil {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key: %v", err)
	}
	alg := k.Algorithm
	if alg == "" {
		alg = defaultAlgorithm(pub)
	}
	if err := checkKeyAlgorithm(pub, alg); err != nil {
		// The key's own type or size is the PEM's fault; a named
		// algorithm the key cannot verify is the algorithm's.
		arg := "PublicKeyPEM"
		if k.Algorithm != "" && errors.Is(err, errKeyAlgorithm) {
			arg = "Algorithm"
		}
		return store.ClientKey{}, invalidArg(arg, "client key: %v", err)
	}
	id := k.ID
	if id == "" {
		id = thumbprint(pub)
	}
	if !validKeyID(id) {
		return store.ClientKey{}, invalidArg("ID", "client key id must be 1 to %d letters, digits, '-', '_', '.' or '~'", MaxClientKeyIDLen)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key: %v", err)
	}
	return store.ClientKey{
		ID:        id,
		Algorithm: alg,
		PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		Created:   now,
	}, nil
}

// parsePublicPEM reads exactly one PEM "PUBLIC KEY" block and nothing
// else but white space around it.
func parsePublicPEM(text string) (crypto.PublicKey, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("want one PEM block of type PUBLIC KEY")
	}
	if strings.TrimSpace(string(rest)) != "" || strings.TrimSpace(text[:strings.Index(text, "-----BEGIN")]) != "" {
		return nil, errors.New("text outside the PEM block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("the PUBLIC KEY block does not parse")
	}
	return pub, nil
}

func defaultAlgorithm(pub crypto.PublicKey) string {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return "ES256"
	case ed25519.PublicKey:
		return "EdDSA"
	case *rsa.PublicKey:
		return "RS256"
	}
	return ""
}

// errKeyAlgorithm: a key that may be a client key, but not for the
// algorithm asked.
var errKeyAlgorithm = errors.New("the key cannot verify that algorithm")

// checkKeyAlgorithm reports whether pub may verify alg.
func checkKeyAlgorithm(pub crypto.PublicKey, alg string) error {
	ok := false
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		ok = alg == "ES256" && p.Curve == elliptic.P256()
	case ed25519.PublicKey:
		ok = alg == "EdDSA"
	case *rsa.PublicKey:
		if p.N.BitLen() < MinClientRSABits {
			return fmt.Errorf("an RSA key needs at least %d bits", MinClientRSABits)
		}
		ok = alg == "RS256" || alg == "PS256"
	default:
		return errors.New("the key must be P-256, Ed25519 or RSA")
	}
	if !ok {
		return fmt.Errorf("%w; want one of %v for its type", errKeyAlgorithm, clientKeyAlgs)
	}
	return nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > MaxClientKeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// thumbprint is the JWK thumbprint of pub (RFC 7638): SHA-256 of its
// required members in lexicographic order, base64url.
func thumbprint(pub crypto.PublicKey) string {
	b64 := base64.RawURLEncoding.EncodeToString
	var members any
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{"P-256", "EC", b64(p.X.FillBytes(make([]byte, 32))), b64(p.Y.FillBytes(make([]byte, 32)))}
	case ed25519.PublicKey:
		members = struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{"Ed25519", "OKP", b64(p)}
	case *rsa.PublicKey:
		members = struct {
			E   string `json:"e"`
			Kty string `json:"kty"`
			N   string `json:"n"`
		}{b64(big.NewInt(int64(p.E)).Bytes()), "RSA", b64(p.N.Bytes())}
	}
	// Marshalling a struct of strings cannot fail.
	text, _ := json.Marshal(members)
	sum := sha256.Sum256(text)
	return b64(sum[:])
}

// liveKey is the compiled form of a stored client key.
type liveKey struct {
	id     string
	alg    string
	method jwt.SigningMethod
	pub    crypto.PublicKey
}

// compileKeys parses an app's stored keys.
func compileKeys(keys []store.ClientKey) ([]liveKey, error) {
	out := make([]liveKey, 0, len(keys))
	for _, k := range keys {
		pub, err := parsePublicPEM(k.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("client key %q: %w", k.ID, err)
		}
		if err := checkKeyAlgorithm(pub, k.Algorithm); err != nil {
			return nil, fmt.Errorf("client key %q: %w", k.ID, err)
		}
		out = append(out, liveKey{id: k.ID, alg: k.Algorithm, method: jwt.GetSigningMethod(k.Algorithm), pub: pub})
	}
	return out, nil
}

// key returns the app's client key with that kid, or nil.
func (a *liveApp) key(kid string) *liveKey {
	for i := range a.keys {
		if a.keys[i].id == kid {
			return &a.keys[i]
		}
	}
	return nil
}

// keyCredential is the prefix that tells, in a token's secret_id claim,
// the kid of the client key that authenticated from the id of a secret
// (which never holds a ':').
const keyCredential = "key:"

// keyViews lists an app's client keys for callers.
func keyViews(keys []store.ClientKey) []ClientKeyInfo {
	if len(keys) == 0 {
		return nil
	}
	out := make([]ClientKeyInfo, len(keys))
	for i, k := range keys {
		out[i] = ClientKeyInfo{ID: k.ID, Algorithm: k.Algorithm, PublicKeyPEM: k.PublicKey, Created: k.Created, LastUsed: k.LastUsed}
	}
	return out
}

// newClientKeys checks the keys of a new app; noSecret requires one.
func (s *Service) newClientKeys(ks []NewClientKey, noSecret bool, now time.Time) ([]store.ClientKey, error) {
	if noSecret && len(ks) == 0 {
		return nil, invalidArg("NoSecret", "an app without a secret needs a client key")
	}
	if len(ks) == 0 {
		return nil, nil
	}
	if s.assertions == nil {
		return nil, errNoAssertionStore
	}
	if len(ks) > MaxClientKeys {
		return nil, invalidArg("ClientKeys", "%d client keys, more than %d", len(ks), MaxClientKeys)
	}
	out := make([]store.ClientKey, 0, len(ks))
	for i, k := range ks {
		key, err := newClientKey(k, now)
		if err != nil {
			// NewApp's argument is the list; the message says which
			// entry, and errors.As on the wrapped error still finds
			// the entry's own member.
			return nil, &ArgumentError{Argument: "ClientKeys", err: fmt.Errorf("client key %d: %w", i+1, err)}
		}
		if slices.ContainsFunc(out, func(o store.ClientKey) bool { return o.ID == key.ID }) {
			return nil, invalidArg("ClientKeys", "two client keys with one kid")
		}
		out = append(out, key)
	}
	return out, nil
}
