package main

import (
	"context"
	"log/slog"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// auditLogger returns an audit hook that logs each event as one line at
// Info, with only the attributes the event has: a token issue names its
// token and scope, a failure its reason, and no line carries an empty
// attribute.
func auditLogger(logger *slog.Logger) func(context.Context, oauthapp.Event) {
	return func(ctx context.Context, e oauthapp.Event) {
		attrs := []slog.Attr{slog.String("kind", string(e.Kind))}
		for _, a := range []struct{ key, value string }{
			{"account", e.AccountSID},
			{"app", e.AppSID},
			{"secret_id", e.SecretID},
			{"token_id", e.TokenID},
			{"scope", e.Scope},
			{"reason", e.Reason},
			{"actor", e.Actor.UserSID},
		} {
			if a.value != "" {
				attrs = append(attrs, slog.String(a.key, a.value))
			}
		}
		logger.LogAttrs(ctx, slog.LevelInfo, "audit", attrs...)
	}
}
