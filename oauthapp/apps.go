package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

// NewApp describes an app to create.
type NewApp struct {
	// FriendlyName is required: 1 to MaxFriendlyNameLen characters, no
	// control characters.
	FriendlyName string
	// Description is optional: at most MaxDescriptionLen characters, no
	// control characters (so no newlines or tabs).
	Description string
	// Region is where the app lives; "" is the service's default region.
	Region string
	// Permissions is the app's policy; Allow must not be empty.
	Permissions Permissions
	// TokenTTL is the app's own token lifetime, MinTokenTTL to
	// MaxTokenTTL; zero means the service default (WithTokenTTL).
	TokenTTL time.Duration
	// DefaultGrace is the app's own grace for rotations that name none, 0
	// to MaxGrace; nil means the service default (WithDefaultGrace).
	DefaultGrace *time.Duration
	// ClientKeys are public keys to register at once, as AddClientKey
	// would (at most MaxClientKeys).
	ClientKeys []NewClientKey
	// NoSecret creates the app without a client secret: it then
	// authenticates with its client keys or federated credentials only,
	// and ClientKeys and FederatedCredentials must not both be empty.
	// RotateSecret gives it a secret later, if ever wanted.
	NoSecret bool
	// FederatedCredentials are external identities to trust at once, as
	// AddFederatedCredential would (at most 20).
	FederatedCredentials []FederatedCredential
	// Resources are the resource URIs (RFC 8707) the app's tokens may be
	// issued for, each one of the service's (WithResources); at most
	// MaxResources.
	Resources []string
	// DPoPBoundAccessTokens makes the app's tokens DPoP-bound (RFC 9449
	// section 5.2): IssueToken refuses a request without a DPoP proof
	// (ErrInvalidDPoPProof), and Authorize a bearer token of the app,
	// one issued before the setting included (ErrInvalidToken).
	DPoPBoundAccessTokens bool
}

// AppUpdate lists the changes to make to an app; a nil field is left as it
// is.
type AppUpdate struct {
	// FriendlyName replaces the app's name; the rules of
	// NewApp.FriendlyName apply, so it must not be empty.
	FriendlyName *string
	// Description replaces the app's description (the rules of
	// NewApp.Description apply); a pointer to "" clears it.
	Description *string
	// Permissions replaces the app's whole policy; Allow must not be
	// empty.
	Permissions *Permissions
	// TokenTTL sets the app's own token lifetime (the rules of
	// NewApp.TokenTTL apply); a pointer to ServiceDefault returns the app
	// to the service default.
	TokenTTL *time.Duration
	// DefaultGrace sets the app's own grace for rotations that name none,
	// 0 to MaxGrace; a pointer to ServiceDefault returns the app to the
	// service default.
	DefaultGrace *time.Duration
	// IfVersion, when not zero, makes the update conditional: it is made
	// only if the app's Version is still this one, else the call is
	// ErrVersionMismatch and changes nothing (a negative IfVersion never
	// matches). Zero updates whatever the version (concurrent changes to
	// other fields are kept).
	IfVersion int64
	// Resources replaces the app's resource URIs (see NewApp.Resources);
	// a pointer to an empty list removes them all. Tokens already issued
	// for a resource the update drops stop authorizing at once, as a
	// permission the policy drops does.
	Resources *[]string
	// DPoPBoundAccessTokens sets whether the app's tokens must be
	// DPoP-bound (see NewApp.DPoPBoundAccessTokens). Turning it on
	// refuses the app's bearer tokens at once.
	DPoPBoundAccessTokens *bool
}

// CreateApp creates an app in the actor's account and returns it with its
// first client secret. The secret is shown here once and stored only as a
// hash: the caller must hand it to the user now.
func (s *Service) CreateApp(ctx context.Context, actor Actor, n NewApp) (App, secret.Secret, error) {
	if err := actor.authorize(actor.AccountSID); err != nil {
		return App{}, secret.Secret{}, err
	}
	fields, err := s.checkFields(n.fields())
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	region, err := s.region(n.Region)
	if err != nil {
		return App{}, secret.Secret{}, &ArgumentError{Argument: "Region", err: err}
	}
	now := s.now()
	keys, err := s.newClientKeys(n.ClientKeys, n.NoSecret && len(n.FederatedCredentials) == 0, now)
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	federated, err := s.newFederatedCredentials(n.FederatedCredentials, now)
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	var creds secret.Credentials
	var sec secret.Secret
	if !n.NoSecret {
		if creds, sec, err = s.newCredentials(now); err != nil {
			return App{}, secret.Secret{}, fmt.Errorf("oauthapp: generating secret: %w", err)
		}
	}
	rec := store.App{
		SID:        newSID(appSIDPrefix),
		AccountSID: actor.AccountSID,
		Region:     region,
		CreatedBy:  actor.UserSID,
		CreatedAt:  now,
		UpdatedAt:  now,
		Secrets:    storedSecrets(creds),
		Keys:       keys,

		FederatedCredentials: federated,
	}
	fields.apply(&rec)
	saved, err := s.store.CreateApp(ctx, rec)
	if err != nil {
		return App{}, secret.Secret{}, fmt.Errorf("oauthapp: creating app: %w", err)
	}
	s.apps.evict(saved.SID) // a cached "no such app" for its SID
	s.emit(ctx, Event{Kind: EventAppCreated, Time: now, Actor: actor, AccountSID: saved.AccountSID, AppSID: saved.SID, SecretID: sec.ID()})
	return s.view(saved, now), sec, nil
}

// GetApp returns an app of the actor's account.
func (s *Service) GetApp(ctx context.Context, actor Actor, appSID string) (App, error) {
	rec, err := s.readForActor(ctx, actor, appSID)
	if err != nil {
		return App{}, err
	}
	return s.view(rec, s.now()), nil
}

// ListApps returns up to limit apps of the actor's account whose SID sorts
// after the given one ("" for the first page), in SID order. Pass the last
// SID of a page to get the next; a page shorter than limit is the last.
func (s *Service) ListApps(ctx context.Context, actor Actor, after string, limit int) ([]App, error) {
	if err := actor.authorize(actor.AccountSID); err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxListLimit {
		return nil, invalidArg("limit", "page size %d outside 1..%d", limit, MaxListLimit)
	}
	if after != "" && !isSID(appSIDPrefix, after) {
		return nil, invalidArg("after", "page cursor: %w", errSIDFormat)
	}
	recs, err := s.store.ListApps(ctx, actor.AccountSID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("oauthapp: listing apps: %w", err)
	}
	now := s.now()
	apps := make([]App, len(recs))
	for i, r := range recs {
		apps[i] = s.view(r, now)
	}
	return apps, nil
}

// UpdateApp applies the changes in u to an app of the actor's account and
// returns the app as stored. Concurrent updates never lose a change: a
// write that races another is retried on the fresh record.
//
// The actor is checked first, on the stored app: an actor who may not
// manage it gets ErrForbidden (or ErrNotFound) whatever u holds, so never
// learns whether u was valid.
func (s *Service) UpdateApp(ctx context.Context, actor Actor, appSID string, u AppUpdate) (App, error) {
	return s.change(ctx, actor, appSID, u.IfVersion, func(a *store.App, _ time.Time) (Event, error) {
		fields, err := s.checkFields(u.fields())
		if err != nil {
			return Event{}, err
		}
		fields.apply(a)
		return Event{Kind: EventAppUpdated}, nil
	})
}

// DeleteApp deletes an app of the actor's account. Its secrets stop
// authenticating and every token it holds stops authorizing at once.
//
// ifVersion, when not zero, makes the delete conditional, as
// AppUpdate.IfVersion does: the app is deleted only at that version, in
// one step with the check (store.Apps.DeleteAppVersion), else the call is
// ErrVersionMismatch and deletes nothing. Zero deletes whatever the
// version.
func (s *Service) DeleteApp(ctx context.Context, actor Actor, appSID string, ifVersion int64) error {
	rec, err := s.readForActor(ctx, actor, appSID)
	if err != nil {
		return err
	}
	switch {
	case ifVersion == 0:
		err = s.store.DeleteApp(ctx, appSID)
	case rec.Version != ifVersion:
		return ErrVersionMismatch
	default:
		err = s.store.DeleteAppVersion(ctx, appSID, ifVersion)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, store.ErrConflict):
		return ErrVersionMismatch
	case err != nil:
		return fmt.Errorf("oauthapp: deleting app: %w", err)
	}
	s.apps.evict(appSID)
	s.emit(ctx, Event{Kind: EventAppDeleted, Actor: actor, AccountSID: rec.AccountSID, AppSID: appSID})
	return nil
}

// readForActor reads an app and checks that the actor may manage it.
func (s *Service) readForActor(ctx context.Context, actor Actor, appSID string) (store.App, error) {
	if err := actor.authorize(actor.AccountSID); err != nil {
		return store.App{}, err
	}
	if err := parseAppSID(appSID); err != nil {
		return store.App{}, err
	}
	rec, err := s.store.GetApp(ctx, appSID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.App{}, ErrNotFound
		}
		return store.App{}, fmt.Errorf("oauthapp: reading app: %w", err)
	}
	if err := actor.authorize(rec.AccountSID); err != nil {
		return store.App{}, err
	}
	return rec, nil
}
