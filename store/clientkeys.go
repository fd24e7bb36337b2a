package store

import (
	"context"
	"time"
)

// ClientKey is one public key an app's client signs its assertions with
// (private_key_jwt, RFC 7523 section 2.2). The store keeps it as given and
// never parses it: checking the key is the service's business.
type ClientKey struct {
	// ID is the key's kid, which the client names in its assertions'
	// header. Unique within the app.
	ID string
	// Algorithm is the JWS algorithm the key verifies, such as "ES256".
	Algorithm string
	// PublicKey is the key as one PEM "PUBLIC KEY" block (SubjectPublicKeyInfo).
	PublicKey string
	// Created is when the key was added.
	Created time.Time
	// LastUsed is when the key last authenticated a client; zero if never.
	LastUsed time.Time
}

// AssertionIDs is the set of client assertion ids (the jti of a
// private_key_jwt assertion) already used, each kept until the assertion
// expires, so that an assertion is accepted once across every instance
// sharing the store (RFC 7523 section 3, item 7). It is part of Store:
// without it a service could not refuse a replayed assertion, and so
// could not offer private_key_jwt at all. The service keeps the jti of
// the DPoP proofs (RFC 9449) of token requests here too, under the
// client id "dpop:" and the proof key's thumbprint, which no app SID can
// be, so that a proof is accepted once across every instance.
type AssertionIDs interface {
	// UseAssertionID records that the client used the assertion id jti,
	// kept until expires. It returns ErrAlreadyExists, recording
	// nothing, when the pair is already recorded with an expiry after
	// now; an entry whose expiry is at or before now may be replaced.
	// Concurrent calls with one pair succeed once at most. An empty
	// client id or jti is ErrInvalid.
	UseAssertionID(ctx context.Context, clientID, jti string, expires, now time.Time) error
	// PurgeAssertionIDs removes the entries whose expiry is at or before
	// now and returns how many it removed.
	PurgeAssertionIDs(ctx context.Context, now time.Time) (int, error)
}
