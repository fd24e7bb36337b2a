package oauthapp

import (
	"context"
	"log/slog"
)

// Attribute names of the audit records SlogAudit writes. They are stable:
// log queries and alerts may rely on them.
const (
	AuditMessage       = "oauthapps audit"
	AuditKeyEvent      = "event"
	AuditKeyActorUser  = "actor_user"
	AuditKeyActorAcct  = "actor_account"
	AuditKeyActorRole  = "actor_role"
	AuditKeyAccountSID = "account_sid"
	AuditKeyAppSID     = "app_sid"
	AuditKeySecretID   = "secret_id"
	AuditKeyTokenID    = "token_id"
	AuditKeyScope      = "scope"
	AuditKeyReason     = "reason"
	AuditKeyDetail     = "detail"
)

// SlogAudit returns an audit hook (for WithAudit) that writes each event
// to logger as one record: message AuditMessage, time the event's Time,
// and the attributes AuditKeyEvent (the EventKind) then, each only when
// the event sets it, the actor's user, account and role, the account,
// app, secret and token ids, the scope, the reason and its detail. Failed
// authentications and denied authorizations are written at
// slog.LevelWarn, everything else at slog.LevelInfo; nothing is built
// when the logger does not take the level.
//
// An Event holds no secret and no token, only public ids, so neither does
// the log. A nil logger means slog.Default().
func SlogAudit(logger *slog.Logger) func(context.Context, Event) {
	if logger == nil {
		logger = slog.Default()
	}
	h := logger.Handler()
	return func(ctx context.Context, e Event) {
		level := slog.LevelInfo
		if e.Kind == EventAuthenticationFail || e.Kind == EventAuthorizationDenied {
			level = slog.LevelWarn
		}
		if !h.Enabled(ctx, level) {
			return
		}
		r := slog.NewRecord(e.Time, level, AuditMessage, 0)
		r.AddAttrs(slog.String(AuditKeyEvent, string(e.Kind)))
		add := func(key, value string) {
			if value != "" {
				r.AddAttrs(slog.String(key, value))
			}
		}
		add(AuditKeyActorUser, e.Actor.UserSID)
		add(AuditKeyActorAcct, e.Actor.AccountSID)
		add(AuditKeyActorRole, string(e.Actor.Role))
		add(AuditKeyAccountSID, e.AccountSID)
		add(AuditKeyAppSID, e.AppSID)
		add(AuditKeySecretID, e.SecretID)
		add(AuditKeyTokenID, e.TokenID)
		add(AuditKeyScope, e.Scope)
		add(AuditKeyReason, string(e.Reason))
		add(AuditKeyDetail, e.Detail)
		_ = h.Handle(ctx, r)
	}
}
