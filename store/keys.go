package store

import (
	"context"
	"time"
)

// SigningKey is the stored form of one token signing key of a key ring.
// The store keeps its bytes as they are given and never reads them: what
// they hold (a PEM public key, a sealed private key) is the business of
// the key manager above the store (package keyring). Version is owned by
// the store.
type SigningKey struct {
	// KID is the key's id, the kid of the tokens it signs. Required,
	// unique.
	KID string
	// Generation orders the keys of a ring: 1 for the first, one more for
	// each successor. Required (1 or more), unique, so that when several
	// processes create the successor of one key at once, exactly one of
	// them succeeds.
	Generation int64
	// Algorithm is the key's JWS algorithm name, such as "EdDSA".
	Algorithm string
	// PublicKey is the key's public part, published in JWKS documents.
	// Required.
	PublicKey []byte
	// PrivateKey is the key's private part, sealed under a
	// key-encryption key; nil when the private key lives outside the
	// store (a KMS or HSM signer). A store never holds it unsealed.
	PrivateKey []byte
	// SignFrom is when the key starts signing tokens: until then it is
	// only published, so that caches of the JWKS document know it before
	// any token carries its kid. It stops signing when a key of a higher
	// generation starts.
	SignFrom time.Time
	// CreatedAt is when the key was created, set by the caller.
	CreatedAt time.Time
	// Version is owned by the store: 1 after CreateSigningKey, one more
	// after each successful UpdateSigningKey.
	Version int64
}

// SigningKeys stores the signing keys that every instance of a service
// shares. It is an optional capability of a Store, found with a type
// assertion; the memory store and store/postgres implement it. Writes are
// notified to a Watcher as SigningKeyChanged.
type SigningKeys interface {
	// CreateSigningKey stores a new key and returns it as stored (Version
	// 1). ErrAlreadyExists if its KID or its Generation is taken;
	// ErrInvalid if KID is empty, Generation is below 1 or PublicKey is
	// empty.
	CreateSigningKey(ctx context.Context, key SigningKey) (SigningKey, error)
	// ListSigningKeys returns every stored key in ascending Generation.
	ListSigningKeys(ctx context.Context) ([]SigningKey, error)
	// UpdateSigningKey replaces PrivateKey and SignFrom of the stored key
	// whose KID and Version match key's and returns it as stored, with
	// Version one higher; the other fields never change. ErrNotFound if
	// there is no such key; ErrConflict, writing nothing, if the stored
	// version differs.
	UpdateSigningKey(ctx context.Context, key SigningKey) (SigningKey, error)
	// DeleteSigningKey removes the key, or returns ErrNotFound.
	DeleteSigningKey(ctx context.Context, kid string) error
}
