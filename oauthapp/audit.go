package oauthapp

import (
	"context"
	"time"
)

// EventKind names what an audit event records.
type EventKind string

// Audit event kinds.
const (
	EventAppCreated          EventKind = "app.created"
	EventAppUpdated          EventKind = "app.updated"
	EventAppDeleted          EventKind = "app.deleted"
	EventSecretRotated       EventKind = "secret.rotated"
	EventTokenIssued         EventKind = "token.issued"
	EventTokenRevoked        EventKind = "token.revoked"
	EventAuthenticationFail  EventKind = "authentication.failed"
	EventAuthorizationDenied EventKind = "authorization.denied"

	// EventSecretRehashed: a secret's stored hash was replaced by one of
	// the service's hasher on the secret's first successful use after a
	// change of hasher (see WithHasher). The secret itself is unchanged;
	// Actor is zero.
	EventSecretRehashed EventKind = "secret.rehashed"

	// EventClientKeyAdded and EventClientKeyRemoved: a public key for
	// private_key_jwt was added to or removed from an app; KeyID names
	// it.
	EventClientKeyAdded   EventKind = "client_key.added"
	EventClientKeyRemoved EventKind = "client_key.removed"

	// EventFederatedCredentialAdded and EventFederatedCredentialRemoved:
	// a federated credential was added to or removed from an app;
	// CredentialID names it.
	EventFederatedCredentialAdded   EventKind = "federated_credential.added"
	EventFederatedCredentialRemoved EventKind = "federated_credential.removed"
)

// Event is one audit record. It never holds a secret or a whole token: only
// public ids (app SID, secret id, token id).
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// Time is when it happened, by the service's clock; never zero.
	Time time.Time
	// Actor is the user behind a management call; zero for calls made by
	// a client (token issuing, authentication, authorization).
	Actor Actor
	// AccountSID is the account of the app concerned, when known.
	AccountSID string
	// AppSID is the app concerned; for a failed authentication it is the
	// client id as presented, when it was well-formed.
	AppSID string
	// SecretID is the public id of the secret concerned: the new secret of
	// a rotation, the secret that authenticated a token request, the
	// secret whose hash was upgraded.
	SecretID string
	// KeyID is the kid of the client key concerned: the key added or
	// removed, the key whose assertion authenticated a token request.
	KeyID string
	// CredentialID is the id of the federated credential concerned: the
	// one added or removed, the one whose issuer's token authenticated a
	// token request.
	CredentialID string
	// TokenID is the jti of the token concerned.
	TokenID string
	// Scope is the scope granted (token issued) or the permission denied.
	Scope string
	// Reason says why an authentication or authorization failed; for a
	// failed authentication it is the cause the client is never told
	// (ReasonUnknownClient, ReasonWrongSecret, ...).
	Reason Reason
	// Detail says, for the operator's eyes only, what Reason does not:
	// which check a client assertion failed, why a token did not verify,
	// the region of a client that asked in another, the error of a store
	// that failed. It is often empty, and holds no secret or token.
	Detail string
}

func (s *Service) emit(ctx context.Context, e Event) {
	if s.cfg.audit == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	s.cfg.audit(ctx, e)
}

// refuseClient tells the audit hook and the observer that a client
// failed to authenticate, and why, and returns ErrInvalidClient: the one
// answer the client gets whatever the reason. clientID is the id as
// presented, named in the event only when it is well-formed.
func (s *Service) refuseClient(ctx context.Context, clientID string, why *refusal) error {
	e := Event{Kind: EventAuthenticationFail, Reason: why.why, Detail: detailOf(why)}
	if isSID(appSIDPrefix, clientID) {
		e.AppSID = clientID
	}
	s.emit(ctx, e)
	if f := s.cfg.observer.AuthenticationFailed; f != nil {
		f(ctx, why.why)
	}
	return ErrInvalidClient
}
