package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/secret"
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
	// MaxTokenTTL; zero means the service default.
	TokenTTL time.Duration
	// DefaultGrace is the app's own grace for rotations that name none, 0
	// to MaxGrace; nil means the service default (WithDefaultGrace).
	DefaultGrace *time.Duration
	// ClientKeys are public keys to register at once, as AddClientKey
	// would (at most MaxClientKeys).
	ClientKeys []NewClientKey
	// NoSecret creates the app without a client secret: it then
	// authenticates with its client keys only, and ClientKeys must not
	// be empty. RotateSecret gives it a secret later, if ever wanted.
	NoSecret bool
	// Resources are the resource URIs (RFC 8707) the app's tokens may be
	// issued for, each one of the service's (WithResources); at most
	// MaxResources.
	Resources []string
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
	// TokenTTL sets the app's own token lifetime; a pointer to zero
	// returns the app to the service default.
	TokenTTL *time.Duration
	// DefaultGrace sets the app's own grace for rotations that name none,
	// 0 to MaxGrace; a pointer to ServiceDefaultGrace returns the app to
	// the service default.
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
}

// Rotation says how to rotate an app's secret.
type Rotation struct {
	// Grace is how long the previous secret keeps working: 0 to MaxGrace.
	// Nil means the app's default grace (App.DefaultGrace): its own, or
	// the service default (24 hours unless WithDefaultGrace).
	// Zero stops the previous secret, and every token it minted, at once.
	Grace *time.Duration
	// IfVersion, when not zero, makes the rotation conditional on the
	// app's Version, as AppUpdate.IfVersion does.
	IfVersion int64
}

// ServiceDefaultGrace, as AppUpdate.DefaultGrace, returns an app to the
// service's default grace (WithDefaultGrace).
const ServiceDefaultGrace time.Duration = -1

// Grace returns a pointer to d, for Rotation.Grace, NewApp.DefaultGrace and
// AppUpdate.DefaultGrace.
func Grace(d time.Duration) *time.Duration { return &d }

// CreateApp creates an app in the actor's account and returns it with its
// first client secret. The secret is shown here once and stored only as a
// hash: the caller must hand it to the user now.
func (s *Service) CreateApp(ctx context.Context, actor Actor, n NewApp) (App, secret.Secret, error) {
	if err := actor.authorize(actor.AccountSID); err != nil {
		return App{}, secret.Secret{}, err
	}
	if err := checkText(n.FriendlyName, n.Description); err != nil {
		return App{}, secret.Secret{}, err
	}
	if n.FriendlyName == "" {
		return App{}, secret.Secret{}, invalidArg("FriendlyName", "friendly name is required")
	}
	region, err := s.region(n.Region)
	if err != nil {
		return App{}, secret.Secret{}, &ArgumentError{Argument: "Region", err: err}
	}
	policy, err := newPolicy(n.Permissions)
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	if len(policy.Allow) == 0 {
		return App{}, secret.Secret{}, invalidArg("Permissions", "policy allows nothing")
	}
	if n.TokenTTL != 0 {
		if err := checkTTL(n.TokenTTL); err != nil {
			return App{}, secret.Secret{}, invalidArg("TokenTTL", "%v", err)
		}
	}
	var grace *time.Duration
	if n.DefaultGrace != nil {
		if err := checkGrace(*n.DefaultGrace); err != nil {
			return App{}, secret.Secret{}, invalidArg("DefaultGrace", "%v", err)
		}
		grace = Grace(*n.DefaultGrace)
	}
	resources, err := s.newResources(n.Resources)
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	now := s.now()
	keys, err := s.newClientKeys(n.ClientKeys, n.NoSecret, now)
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
		SID:          newSID(appSIDPrefix),
		AccountSID:   actor.AccountSID,
		Region:       region,
		FriendlyName: n.FriendlyName,
		Description:  n.Description,
		CreatedBy:    actor.UserSID,
		CreatedAt:    now,
		UpdatedAt:    now,
		Policy:       policy,
		TokenTTL:     n.TokenTTL,
		DefaultGrace: grace,
		Secrets:      storedSecrets(creds),
		Keys:         keys,
		Resources:    resources,
	}
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
	now := s.now()
	saved, err := s.modify(ctx, actor, appSID, u.IfVersion, func(a *store.App) error {
		if err := u.apply(a); err != nil {
			return err
		}
		if u.Resources != nil {
			r, err := s.newResources(*u.Resources)
			if err != nil {
				return err
			}
			a.Resources = r
		}
		a.UpdatedAt = now
		return nil
	})
	if err != nil {
		return App{}, err
	}
	s.emit(ctx, Event{Kind: EventAppUpdated, Time: now, Actor: actor, AccountSID: saved.AccountSID, AppSID: saved.SID})
	return s.view(saved, now), nil
}

// apply checks the update and makes its changes to a. An invalid update
// is ErrInvalidArgument and leaves a as it was.
func (u AppUpdate) apply(a *store.App) error {
	var policy *store.Policy
	if u.Permissions != nil {
		p, err := newPolicy(*u.Permissions)
		if err != nil {
			return err
		}
		if len(p.Allow) == 0 {
			return invalidArg("Permissions", "policy allows nothing")
		}
		policy = &p
	}
	name, desc := "", ""
	if u.FriendlyName != nil {
		if *u.FriendlyName == "" {
			return invalidArg("FriendlyName", "friendly name is required")
		}
		name = *u.FriendlyName
	}
	if u.Description != nil {
		desc = *u.Description
	}
	if err := checkText(name, desc); err != nil {
		return err
	}
	if u.TokenTTL != nil && *u.TokenTTL != 0 {
		if err := checkTTL(*u.TokenTTL); err != nil {
			return invalidArg("TokenTTL", "%v", err)
		}
	}
	if u.DefaultGrace != nil && *u.DefaultGrace != ServiceDefaultGrace {
		if err := checkGrace(*u.DefaultGrace); err != nil {
			return invalidArg("DefaultGrace", "%v", err)
		}
	}
	if u.FriendlyName != nil {
		a.FriendlyName = *u.FriendlyName
	}
	if u.Description != nil {
		a.Description = *u.Description
	}
	if policy != nil {
		a.Policy = *policy
	}
	if u.TokenTTL != nil {
		a.TokenTTL = *u.TokenTTL
	}
	if u.DefaultGrace != nil {
		a.DefaultGrace = nil
		if *u.DefaultGrace != ServiceDefaultGrace {
			a.DefaultGrace = Grace(*u.DefaultGrace)
		}
	}
	return nil
}

// RotateSecret gives an app a new client secret and returns it, shown here
// once. The secret it replaces keeps working for the rotation's grace; one
// that was still in an earlier grace stops at once, so never more than two
// secrets verify. A grace of zero stops the replaced secret, and every
// token it minted, at once: the compromise button.
//
// The actor is checked first, on the stored app: an actor who may not
// manage it gets ErrForbidden (or ErrNotFound) whatever r holds.
func (s *Service) RotateSecret(ctx context.Context, actor Actor, appSID string, r Rotation) (App, secret.Secret, error) {
	now := s.now()
	var sec secret.Secret
	saved, err := s.modify(ctx, actor, appSID, r.IfVersion, func(a *store.App) error {
		grace := s.defaultGrace(a.DefaultGrace)
		if r.Grace != nil {
			grace = *r.Grace
		}
		if err := checkGrace(grace); err != nil {
			return invalidArg("Grace", "%v", err)
		}
		creds, err := credsOf(a.Secrets)
		if err != nil {
			return fmt.Errorf("oauthapp: stored secrets of %s: %w", a.SID, err)
		}
		if cur, _ := creds.Records(); cur.ID == "" {
			// An app with client keys only gets its first secret.
			creds, sec, err = s.newCredentials(now)
		} else {
			creds, sec, err = creds.Rotate(now, grace, s.cfg.hasher)
		}
		if err != nil {
			return fmt.Errorf("oauthapp: rotating: %w", err)
		}
		a.Secrets = storedSecrets(creds)
		a.UpdatedAt = now
		return nil
	})
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	s.emit(ctx, Event{Kind: EventSecretRotated, Time: now, Actor: actor, AccountSID: saved.AccountSID, AppSID: saved.SID, SecretID: sec.ID()})
	return s.view(saved, now), sec, nil
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

// modify applies change to the stored app under optimistic concurrency,
// retrying on a version conflict with the fresh record, and evicts the
// cached copy. change must derive everything from the record it is given.
// It runs only once the actor may manage the app, so it is where a call
// checks its input: an error from it is returned and nothing is written.
// ifVersion, when not zero, is checked before change runs, on every
// attempt: a record of another version is ErrVersionMismatch.
//
// Writers that lost a race wait a short random time, growing with each
// loss, before they read again, so that many writers of one app spread out
// instead of colliding in step; after maxRetries losses the call is
// ErrConflict.
func (s *Service) modify(ctx context.Context, actor Actor, appSID string, ifVersion int64, change func(*store.App) error) (store.App, error) {
	for attempt := range s.cfg.maxRetries {
		if attempt > 0 {
			if err := pause(ctx, attempt); err != nil {
				return store.App{}, err
			}
		}
		rec, err := s.readForActor(ctx, actor, appSID)
		if err != nil {
			return store.App{}, err
		}
		if ifVersion != 0 && rec.Version != ifVersion {
			return store.App{}, ErrVersionMismatch
		}
		if err := change(&rec); err != nil {
			return store.App{}, err
		}
		saved, err := s.store.UpdateApp(ctx, rec)
		switch {
		case err == nil:
			s.apps.evict(appSID)
			return saved, nil
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrNotFound):
			return store.App{}, ErrNotFound
		default:
			return store.App{}, fmt.Errorf("oauthapp: updating app: %w", err)
		}
	}
	return store.App{}, ErrConflict
}

// pause waits before the given retry of a write that lost a race: a random
// time up to attempt×100µs, at most 10 ms, or until ctx ends.
func pause(ctx context.Context, attempt int) error {
	limit := min(time.Duration(attempt)*100*time.Microsecond, 10*time.Millisecond)
	t := time.NewTimer(rand.N(limit) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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

// newPolicy checks and normalises permissions into their stored form.
func newPolicy(p Permissions) (store.Policy, error) {
	policy, err := scope.NewPolicy(p.Allow, p.Deny)
	if err != nil {
		return store.Policy{}, &ArgumentError{Argument: "Permissions", err: fmt.Errorf("%w: %w", ErrInvalidArgument, err)}
	}
	return store.Policy{Allow: policy.Allow(), Deny: policy.Deny()}, nil
}

func checkText(name, desc string) error {
	if err := checkField("FriendlyName", "friendly name", name, MaxFriendlyNameLen); err != nil {
		return err
	}
	return checkField("Description", "description", desc, MaxDescriptionLen)
}

func checkField(arg, what, v string, max int) error {
	if !utf8.ValidString(v) {
		return invalidArg(arg, "%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalidArg(arg, "%s has %d characters, more than %d", what, n, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return invalidArg(arg, "%s contains a control character", what)
		}
	}
	return nil
}
