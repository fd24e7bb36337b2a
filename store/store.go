package store

import (
	"context"
	"time"
)

// App is the stored form of one OAuth app. The zero value of each optional
// field is documented; the store keeps every field as it was given, except
// Version, which the store owns.
type App struct {
	// SID is the app's client id ("OQ" + 32 hex). Required, unique.
	SID string
	// AccountSID is the account that owns the app: the host service's own
	// id of it, an opaque string the store compares exactly. Required.
	AccountSID string
	// Region is where the app and its tokens live, such as "us1".
	Region string
	// FriendlyName is free text shown to people.
	FriendlyName string
	// Description is free text shown to people; "" when there is none.
	Description string
	// CreatedBy is the host's id of the user that created the app. Data only: nothing
	// checks that the user still exists.
	CreatedBy string
	// CreatedAt is when the app was created, set by the caller.
	CreatedAt time.Time
	// UpdatedAt is when the app last changed, set by the caller; the
	// store keeps it as given.
	UpdatedAt time.Time
	// Policy holds the permissions the app may be granted.
	Policy Policy
	// TokenTTL is the lifetime of the app's access tokens; zero means the
	// service default.
	TokenTTL time.Duration
	// DefaultGrace is how long a replaced secret keeps working after a
	// rotation that names no grace of its own; nil means the service
	// default. A pointer to zero is a grace of zero, not the default. A
	// store keeps its own copy of the value, as of the policy lists.
	DefaultGrace *time.Duration
	// Secrets are the app's client secret slots, as hashes. Both slots
	// are empty (ID "") for an app that authenticates with client keys
	// only.
	Secrets Secrets
	// Keys are the public keys the app's client signs assertions with
	// (private_key_jwt, RFC 7523); nil when it has none. Each ID is
	// unique within the app.
	Keys []ClientKey
	// Resources are the resource URIs (RFC 8707) the app's tokens may be
	// issued for, besides the service's default audience; nil when none.
	Resources []string
	// FederatedCredentials are the external identities whose tokens
	// authenticate the app's client (workload identity federation); nil
	// when it has none.
	FederatedCredentials []FederatedCredential
	// DPoPBoundAccessTokens is whether the app's tokens must be bound to
	// a DPoP key (RFC 9449 section 5.2): a token request without a DPoP
	// proof is refused, and so is a bearer token of the app.
	DPoPBoundAccessTokens bool
	// Version is owned by the store: 1 after CreateApp, one more after each
	// successful UpdateApp. A caller passes back the version it read.
	Version int64
}

// Policy is the stored form of a permission policy: permission strings as
// the scope package writes them. A nil and an empty slice mean the same.
type Policy struct {
	// Allow lists the permissions the app's tokens may be granted; an
	// entry ending in "/*" covers everything below it.
	Allow []string
	// Deny lists the permissions they never get, even where Allow covers
	// them.
	Deny []string
}

// Secrets are the two client secret slots of an app. Previous is empty
// (its ID is "") when there is no previous secret.
type Secrets struct {
	// Current is the app's current secret, which does not expire.
	Current Secret
	// Previous is the secret the last rotation replaced, verifying until
	// its Expires; zero (ID "") when there is none.
	Previous Secret
}

// Secret is one stored client secret. Its fields match secret.Record one
// for one, so the two convert with a plain type conversion.
type Secret struct {
	// ID is the secret's short public id; never the secret itself.
	ID string
	// Hash is the self-describing hash of the secret.
	Hash string
	// Created is when the secret was generated.
	Created time.Time
	// Expires is when a previous secret stops verifying; zero for the
	// current secret, which does not expire.
	Expires time.Time
	// LastUsed is when the secret last authenticated a client; zero if
	// never.
	LastUsed time.Time
}

// Apps stores OAuth apps.
type Apps interface {
	// CreateApp stores a new app and returns it as stored (Version 1).
	// ErrAlreadyExists if the SID is taken; ErrInvalid if SID or
	// AccountSID is empty.
	CreateApp(ctx context.Context, app App) (App, error)
	// GetApp returns the app with that SID, or ErrNotFound.
	GetApp(ctx context.Context, sid string) (App, error)
	// ListApps returns up to limit apps of one account whose SID sorts
	// after the given SID ("" for the first page), in ascending SID order.
	// Pass the last SID of a page to get the next; a short page is the
	// last. limit must be between 1 and 1000, else ErrInvalid. The empty
	// account SID has no apps.
	ListApps(ctx context.Context, accountSID, after string, limit int) ([]App, error)
	// UpdateApp replaces the stored app whose SID and Version match app's
	// and returns it as stored, with Version one higher. ErrNotFound if
	// there is no such app; ErrConflict, writing nothing, if the stored
	// version differs. AccountSID, CreatedAt and CreatedBy are never
	// changed by an update, and a secret's LastUsed never moves back: a
	// slot whose id the stored app also holds (in either slot) keeps the
	// later of the two LastUsed times, so an update made from a read
	// before a TouchSecret, which keeps Version, does not undo it. The
	// same holds for a client key whose id the stored app also holds.
	UpdateApp(ctx context.Context, app App) (App, error)
	// DeleteApp removes the app, or returns ErrNotFound.
	DeleteApp(ctx context.Context, sid string) error
	// DeleteAppVersion removes the app if its Version is version, as one
	// atomic step: ErrNotFound if there is no such app; ErrConflict,
	// removing nothing, if the stored version differs; ErrInvalid if
	// version is below 1. A delete of an If-Match request uses it, so
	// that an update landing between the check and the delete is never
	// deleted unseen.
	DeleteAppVersion(ctx context.Context, sid string, version int64) error
	// TouchSecret records that a secret authenticated a client at the
	// given time. It changes only that slot's LastUsed, and only forward
	// in time; it does not change Version. A missing app or secret id is
	// not an error (the secret may just have been rotated away).
	TouchSecret(ctx context.Context, appSID, secretID string, at time.Time) error
	// TouchClientKey records that a client key authenticated a client at
	// the given time, as TouchSecret does for a secret: only that key's
	// LastUsed changes, only forward, and Version stays. A missing app or
	// key id is not an error (the key may just have been removed).
	TouchClientKey(ctx context.Context, appSID, keyID string, at time.Time) error
}

// RevokedTokens is the set of access token ids (jti) revoked before their
// expiry. An entry is needed only until the token would have expired.
type RevokedTokens interface {
	// RevokeToken adds a token id, kept until expires. Revoking an id
	// twice keeps the later expiry.
	RevokeToken(ctx context.Context, tokenID string, expires time.Time) error
	// IsTokenRevoked reports whether the id is in the set with an expiry
	// after now.
	IsTokenRevoked(ctx context.Context, tokenID string, now time.Time) (bool, error)
	// PurgeRevokedTokens removes the entries whose expiry is at or before
	// now and returns how many it removed.
	PurgeRevokedTokens(ctx context.Context, now time.Time) (int, error)
}

// Store is everything the oauthapp service needs to persist. Every
// implementation shares these semantics, which package storetest checks:
//
//   - Create, get, list (keyset-paged by app SID, a stable order), update
//     and delete of apps. Update is optimistic: the caller passes the
//     version it read, a stale version gets ErrConflict and writes nothing;
//     DeleteAppVersion deletes on the same terms.
//   - Idempotency keys of the management API, claimed by one request at a
//     time across every instance, with the first answer as the caller
//     sealed it, kept until their expiry, then purged.
//   - The ids of used client assertions, each accepted once across every
//     instance until it expires, then purged.
//   - Records go in and come out as copies: a caller that mutates a record
//     it passed in or got back never changes what is stored.
//   - A set of revoked token ids, each kept until the token would have
//     expired anyway, then purged. It is what lets a self-contained JWT
//     access token (RFC 9068) be revoked (RFC 7009) before its exp.
//   - Times come back Equal (time.Time.Equal) to what went in, to the
//     microsecond: an implementation may drop the monotonic clock reading,
//     the location and anything finer, as a database column does.
type Store interface {
	Apps
	RevokedTokens
	IdempotencyKeys
	AssertionIDs
}

// ChangeKind says what a Change is about.
type ChangeKind int

const (
	// AppChanged: the app was created, updated or deleted; cached copies,
	// and cached answers that it does not exist, are stale.
	AppChanged ChangeKind = iota + 1
	// TokenRevoked: the token id was added to the revoked set.
	TokenRevoked
	// Resync: changes may have been missed (a notification connection
	// dropped and came back); every cached entry is suspect.
	Resync
	// SigningKeyChanged: a signing key was created, updated or deleted
	// (SigningKeys).
	SigningKeyChanged
)

// Change is one notification from a Watcher.
type Change struct {
	// Kind says what changed, and which of the fields below is set.
	Kind ChangeKind
	// AppSID is set for AppChanged.
	AppSID string
	// TokenID is set for TokenRevoked.
	TokenID string
	// KID is set for SigningKeyChanged.
	KID string
	// At is when the change was made, by the clock of whoever made it
	// (for store/postgres, the database server's), when the store says;
	// zero when it does not (the memory store, whose subscribers hear of
	// a change in the writer's own call, leaves it zero). Subscribers
	// measure how late notifications arrive with it.
	At time.Time
}

// Watcher is an optional capability of a Store: it tells subscribers about
// changes made through any handle on the same data, including other
// processes sharing one database. Callers find it with a type assertion.
type Watcher interface {
	// Watch calls fn for every change until the returned function is
	// called. fn runs on the store's own goroutine or on the writer's,
	// must not block, and must not call back into the store.
	Watch(fn func(Change)) (stop func())
}
