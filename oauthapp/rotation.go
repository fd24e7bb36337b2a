package oauthapp

import (
	"context"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

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

// Grace returns a pointer to d, for Rotation.Grace, NewApp.DefaultGrace,
// AppUpdate.DefaultGrace and AppUpdate.TokenTTL.
func Grace(d time.Duration) *time.Duration { return &d }

// RotateSecret gives an app a new client secret and returns it, shown here
// once. The secret it replaces keeps working for the rotation's grace; one
// that was still in an earlier grace stops at once, so never more than two
// secrets verify. A grace of zero stops the replaced secret, and every
// token it minted, at once: the compromise button.
//
// The actor is checked first, on the stored app: an actor who may not
// manage it gets ErrForbidden (or ErrNotFound) whatever r holds.
func (s *Service) RotateSecret(ctx context.Context, actor Actor, appSID string, r Rotation) (App, secret.Secret, error) {
	var sec secret.Secret
	app, err := s.change(ctx, actor, appSID, r.IfVersion, func(a *store.App, now time.Time) (Event, error) {
		grace := s.defaultGrace(a.DefaultGrace)
		if r.Grace != nil {
			grace = *r.Grace
		}
		if err := checkGrace(grace); err != nil {
			return Event{}, invalidArg("Grace", "%v", err)
		}
		creds, err := credsOf(a.Secrets)
		if err != nil {
			return Event{}, fmt.Errorf("oauthapp: stored secrets of %s: %w", a.SID, err)
		}
		if cur, _ := creds.Records(); cur.ID == "" {
			// An app with client keys only gets its first secret.
			creds, sec, err = s.newCredentials(now)
		} else {
			creds, sec, err = creds.Rotate(now, grace, s.cfg.hasher)
		}
		if err != nil {
			return Event{}, fmt.Errorf("oauthapp: rotating: %w", err)
		}
		a.Secrets = storedSecrets(creds)
		return Event{Kind: EventSecretRotated, SecretID: sec.ID()}, nil
	})
	if err != nil {
		return App{}, secret.Secret{}, err
	}
	return app, sec, nil
}
