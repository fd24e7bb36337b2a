package oauthapp

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Limits on client keys.
const (
	// MaxClientKeys is how many public keys one app may hold.
	MaxClientKeys = 5
	// MaxClientKeyIDLen is the longest kid of a client key.
	MaxClientKeyIDLen = 64
	// MinClientRSABits is the smallest RSA modulus a client key may have.
	MinClientRSABits = token.MinRSABits
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
// ifVersion, when not zero, makes the addition conditional on the app's
// Version, as AppUpdate.IfVersion does (ErrVersionMismatch, nothing
// added); zero adds whatever the version.
func (s *Service) AddClientKey(ctx context.Context, actor Actor, appSID string, k NewClientKey, ifVersion int64) (App, error) {
	return s.change(ctx, actor, appSID, ifVersion, func(a *store.App, now time.Time) (Event, error) {
		key, err := newClientKey(k, now)
		if err != nil {
			return Event{}, err
		}
		if len(a.Keys) >= MaxClientKeys {
			return Event{}, invalidArg("ClientKeys", "the app already has %d client keys, the most it may have", MaxClientKeys)
		}
		if slices.ContainsFunc(a.Keys, func(o store.ClientKey) bool { return o.ID == key.ID }) {
			return Event{}, invalidArg("ID", "the app already has a client key with that kid")
		}
		a.Keys = append(slices.Clip(a.Keys), key)
		return Event{Kind: EventClientKeyAdded, KeyID: key.ID}, nil
	})
}

// RemoveClientKey removes a public key from an app. Assertions signed with
// it stop authenticating, and every token obtained with one stops
// authorizing, at once (R7). An id the app does not hold is
// ErrInvalidArgument. ifVersion, when not zero, makes the removal
// conditional, as for AddClientKey.
func (s *Service) RemoveClientKey(ctx context.Context, actor Actor, appSID, keyID string, ifVersion int64) (App, error) {
	return s.change(ctx, actor, appSID, ifVersion, func(a *store.App, _ time.Time) (Event, error) {
		i := slices.IndexFunc(a.Keys, func(k store.ClientKey) bool { return k.ID == keyID })
		if i < 0 {
			return Event{}, invalidArg("keyID", "the app has no client key with that kid")
		}
		a.Keys = slices.Delete(slices.Clone(a.Keys), i, i+1)
		return Event{Kind: EventClientKeyRemoved, KeyID: keyID}, nil
	})
}

// newKID is the kid a new client key is read under before its own is
// known: a kid token accepts, which no stored key keeps.
const newKID = "new"

// newClientKey checks a key to add and returns its stored form. The
// token package reads the PEM and holds the key to its rules (type,
// size, kid); this one adds the algorithms a client key may have and the
// kid's shorter bound.
func newClientKey(k NewClientKey, now time.Time) (store.ClientKey, error) {
	if len(k.PublicKeyPEM) > maxClientKeyPEM {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key PEM longer than %d bytes", maxClientKeyPEM)
	}
	key, err := token.ParsePublicKeyPEM(newKID, []byte(k.PublicKeyPEM))
	if err != nil {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key: %v", err)
	}
	if k.Algorithm != "" {
		if !slices.Contains(clientKeyAlgs, k.Algorithm) {
			return store.ClientKey{}, invalidArg("Algorithm", "client key: want one of %v", clientKeyAlgs)
		}
		if key, err = key.WithAlgorithm(token.Algorithm(k.Algorithm)); err != nil {
			return store.ClientKey{}, invalidArg("Algorithm", "client key: %v", err)
		}
	}
	id := k.ID
	if id == "" {
		id = key.Thumbprint()
	} else if _, err := token.ParsePublicKeyPEM(id, []byte(k.PublicKeyPEM)); err != nil || len(id) > MaxClientKeyIDLen {
		return store.ClientKey{}, invalidArg("ID", "client key id must be 1 to %d letters, digits, '-', '_', '.' or '~'", MaxClientKeyIDLen)
	}
	text, err := key.MarshalPublicKeyPEM()
	if err != nil {
		return store.ClientKey{}, invalidArg("PublicKeyPEM", "client key: %v", err)
	}
	return store.ClientKey{ID: id, Algorithm: string(key.Algorithm()), PublicKey: string(text), Created: now}, nil
}

// liveKey is the compiled form of a stored client key.
type liveKey struct {
	id  string
	key *token.Key
	// thumbprint names the public key itself (RFC 7638): a token
	// obtained with the key records it, so that a new key added under
	// the same kid does not bring the token back.
	thumbprint string
}

// compileKeys parses an app's stored keys.
func compileKeys(keys []store.ClientKey) ([]liveKey, error) {
	out := make([]liveKey, 0, len(keys))
	for _, k := range keys {
		key, err := token.ParsePublicKeyPEM(k.ID, []byte(k.PublicKey))
		if err == nil && !slices.Contains(clientKeyAlgs, k.Algorithm) {
			err = fmt.Errorf("algorithm %q is not a client key's", k.Algorithm)
		}
		if err == nil {
			key, err = key.WithAlgorithm(token.Algorithm(k.Algorithm))
		}
		if err != nil {
			return nil, fmt.Errorf("client key %q: %w", k.ID, err)
		}
		out = append(out, liveKey{id: k.ID, key: key, thumbprint: key.Thumbprint()})
	}
	return out, nil
}

// clientKey returns the app's client key named kid, or without a kid its
// one key of alg; nil if there is none (or, without a kid, several).
func (a *liveApp) clientKey(kid string, alg token.Algorithm) *liveKey {
	var found *liveKey
	for i := range a.keys {
		k := &a.keys[i]
		switch {
		case kid != "" && k.id == kid:
			return k
		case kid == "" && k.key.Algorithm() == alg:
			if found != nil {
				return nil
			}
			found = k
		}
	}
	return found
}

// keyByThumbprint returns the app's client key that is the public key
// of that thumbprint, or nil.
func (a *liveApp) keyByThumbprint(thumbprint string) *liveKey {
	for i := range a.keys {
		if a.keys[i].thumbprint == thumbprint {
			return &a.keys[i]
		}
	}
	return nil
}

// keyCredential is the prefix that tells, in a token's secret_id claim,
// the JWK thumbprint of the client key that authenticated from the id of
// a secret (which never holds a ':'). A token of a key is bound to the
// public key, not to its kid, which a new key may take.
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
		return nil, invalidArg("NoSecret", "an app without a secret needs a client key or a federated credential")
	}
	if len(ks) == 0 {
		return nil, nil
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
