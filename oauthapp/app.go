package oauthapp

import (
	"slices"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// Limits on an app's text fields.
const (
	MaxFriendlyNameLen = 128
	MaxDescriptionLen  = 1024
	// MaxListLimit is the largest page ListApps returns.
	MaxListLimit = 1000
)

// Permissions is an app's policy as permission strings: what its tokens may
// be granted (Allow, wildcard grants such as "/demo/messaging/*" allowed)
// and what they never get (Deny, which wins over Allow). At most 100 entries
// in all.
type Permissions struct {
	// Allow lists the permissions a token may be granted; an entry ending
	// in "/*" grants everything below it.
	Allow []string
	// Deny lists the permissions a token never gets, even where Allow
	// covers them; an entry ending in "/*" denies everything below it.
	Deny []string
}

// App is an OAuth app as the service shows it: everything but the secret
// hashes.
type App struct {
	// SID is the app's id and its OAuth client_id ("OQ" + 32 lowercase
	// hex).
	SID string
	// AccountSID is the account that owns the app: the host's id of it
	// (see ParseAccountSID).
	AccountSID string
	// Region is where the app lives; its tokens are valid only there.
	Region string
	// FriendlyName is the app's name, shown to people.
	FriendlyName string
	// Description is free text shown to people; "" when there is none.
	Description string
	// CreatedBy is the user who created the app; data only.
	CreatedBy string
	// CreatedAt is when the app was created, by the service's clock.
	CreatedAt time.Time
	// UpdatedAt is when the app was last updated or had its secret
	// rotated; CreatedAt until then.
	UpdatedAt time.Time
	// Permissions is the app's policy in normalised form: each list
	// sorted, without duplicates or entries a wildcard of the same list
	// covers, and without allow entries a deny entry covers.
	Permissions Permissions
	// TokenTTL is the lifetime of the app's tokens: its own, or the
	// service default when it has none.
	TokenTTL time.Duration
	// DefaultGrace is the grace of a rotation that names none: the app's
	// own, or the service default (WithDefaultGrace) when it has none.
	DefaultGrace time.Duration
	// Secrets are the secrets that verify now, current first; none for
	// an app that authenticates with client keys only.
	Secrets []SecretInfo
	// ClientKeys are the public keys the app's client may sign its
	// assertions with (private_key_jwt), in the order they were added.
	ClientKeys []ClientKeyInfo
	// Resources are the resource URIs (RFC 8707) the app's tokens may be
	// issued for besides the service's audience, sorted.
	Resources []string
	// FederatedCredentials are the external identities whose tokens
	// authenticate the app's client (workload identity federation), in
	// the order they were added.
	FederatedCredentials []FederatedCredential
	// DPoPBoundAccessTokens is whether the app's tokens must be bound to
	// a DPoP key (RFC 9449 section 5.2; see NewApp).
	DPoPBoundAccessTokens bool
	// Version increases with every change; it is the store's version.
	Version int64
}

// SecretInfo describes one client secret without revealing it.
type SecretInfo struct {
	// ID is the secret's public id, also embedded in the secret itself.
	ID string
	// Created is when the secret was generated, by the service's clock.
	Created time.Time
	// Expires is when a previous secret stops working. The zero time
	// means never: the current secret has no expiry until a rotation
	// gives it a grace. String prints it as "never".
	Expires time.Time
	// LastUsed is when the secret last authenticated a client, to a
	// resolution of one minute. The zero time means never used; String
	// prints it as "never".
	LastUsed time.Time
	// Current is true for the current secret and false for the previous
	// one, listed only while its grace lasts.
	Current bool
}

// view turns a stored app into what callers see at now.
func (s *Service) view(rec store.App, now time.Time) App {
	a := App{
		SID:          rec.SID,
		AccountSID:   rec.AccountSID,
		Region:       rec.Region,
		FriendlyName: rec.FriendlyName,
		Description:  rec.Description,
		CreatedBy:    rec.CreatedBy,
		CreatedAt:    rec.CreatedAt,
		UpdatedAt:    rec.UpdatedAt,
		Permissions:  Permissions{Allow: rec.Policy.Allow, Deny: rec.Policy.Deny},
		TokenTTL:     s.ttl(rec.TokenTTL),
		DefaultGrace: s.defaultGrace(rec.DefaultGrace),
		ClientKeys:   keyViews(rec.Keys),
		Resources:    slices.Clone(rec.Resources),
		Version:      rec.Version,

		FederatedCredentials:  federatedViews(rec.FederatedCredentials),
		DPoPBoundAccessTokens: rec.DPoPBoundAccessTokens,
	}
	for i, sec := range []store.Secret{rec.Secrets.Current, rec.Secrets.Previous} {
		if sec.ID == "" || (i == 1 && !now.Before(sec.Expires)) {
			continue
		}
		a.Secrets = append(a.Secrets, SecretInfo{ID: sec.ID, Created: sec.Created, Expires: sec.Expires, LastUsed: sec.LastUsed, Current: i == 0})
	}
	return a
}

// defaultGrace is an app's effective default grace.
func (s *Service) defaultGrace(own *time.Duration) time.Duration {
	if own != nil {
		return *own
	}
	return s.cfg.grace
}
