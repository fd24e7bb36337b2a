package oauthapp_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonLines decodes each line a JSON handler wrote.
func jsonLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

func TestSlogAudit_WritesStableAttributesAndOmitsEmptyOnes(t *testing.T) {
	var buf bytes.Buffer
	audit := oauthapp.SlogAudit(slog.New(slog.NewJSONHandler(&buf, nil)))
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	actor := oauthapptest.NewActor(oauthapp.RoleDeveloper)
	app := oauthapptest.NewSID("OQ")

	audit(ctx, oauthapp.Event{Kind: oauthapp.EventSecretRotated, Time: at, Actor: actor, AccountSID: actor.AccountSID, AppSID: app, SecretID: "SK1"})
	audit(ctx, oauthapp.Event{Kind: oauthapp.EventAuthenticationFail, Time: at, AppSID: app, Reason: oauthapp.ReasonBadAssertion, Detail: "assertion expired"})

	lines := jsonLines(t, &buf)
	require.Len(t, lines, 2)
	assert.Equal(t, map[string]any{
		"time": "2030-01-02T03:04:05Z", "level": "INFO", "msg": oauthapp.AuditMessage,
		"event": "secret.rotated", "actor_user": actor.UserSID, "actor_account": actor.AccountSID,
		"actor_role": "developer", "account_sid": actor.AccountSID, "app_sid": app, "secret_id": "SK1",
	}, lines[0], "the record's time is the event's, and only the fields the event sets appear")
	assert.Equal(t, map[string]any{
		"time": "2030-01-02T03:04:05Z", "level": "WARN", "msg": oauthapp.AuditMessage,
		"event": "authentication.failed", "app_sid": app, "reason": "bad_assertion", "detail": "assertion expired",
	}, lines[1], "failures are warnings")
}

func TestSlogAudit_LevelsBelowTheLoggersAreNotWritten(t *testing.T) {
	var buf bytes.Buffer
	audit := oauthapp.SlogAudit(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	audit(ctx, oauthapp.Event{Kind: oauthapp.EventTokenIssued, Time: time.Now(), TokenID: "t"})
	assert.Empty(t, buf.String())
	audit(ctx, oauthapp.Event{Kind: oauthapp.EventAuthorizationDenied, Time: time.Now(), Reason: oauthapp.ReasonTokenRevoked})
	assert.Contains(t, buf.String(), `"event":"authorization.denied"`)
}

// TestSlogAudit_LogsNoSecretAndNoToken runs every kind of event through
// the sink and looks for each secret and each whole token in the log.
func TestSlogAudit_LogsNoSecretAndNoToken(t *testing.T) {
	var buf bytes.Buffer
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(oauthapp.SlogAudit(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))))
	app := k.NewApp(permList)
	other := k.NewApp(permList)
	secrets := []string{k.Secret(app.SID), k.Secret(other.SID)}
	tok, err := issue(k, app, permList)
	require.NoError(t, err)
	tokens := []string{tok.AccessToken}

	_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(other.SID)})
	require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	_, err = k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: "oops " + k.Secret(app.SID)})
	require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
	_, err = k.Service.Authorize(ctx, tok.AccessToken, oauthapp.Resource{Permission: permRead})
	require.ErrorIs(t, err, oauthapp.ErrInsufficientScope)
	_, err = k.Service.Authorize(ctx, tok.AccessToken+"x", oauthapp.Resource{Permission: permList})
	require.ErrorIs(t, err, oauthapp.ErrInvalidToken)
	secrets = append(secrets, k.Rotate(app.SID, 0))
	tok2, err := issue(k, app, "")
	require.NoError(t, err)
	tokens = append(tokens, tok2.AccessToken)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, tok2.AccessToken))
	require.NoError(t, k.Service.DeleteApp(ctx, k.Owner, other.SID, 0))

	out := buf.String()
	kinds := map[string]bool{}
	for _, l := range jsonLines(t, &buf) {
		kinds[l["event"].(string)] = true
	}
	for _, want := range []oauthapp.EventKind{oauthapp.EventAppCreated, oauthapp.EventTokenIssued, oauthapp.EventAuthenticationFail,
		oauthapp.EventAuthorizationDenied, oauthapp.EventSecretRotated, oauthapp.EventTokenRevoked, oauthapp.EventAppDeleted} {
		assert.True(t, kinds[string(want)], "no %s record", want)
	}
	for _, s := range secrets {
		assert.NotContains(t, out, s, "a client secret is in the audit log")
	}
	for _, tk := range tokens {
		assert.NotContains(t, out, tk, "a whole token is in the audit log")
		sig := tk[strings.LastIndexByte(tk, '.')+1:]
		assert.NotContains(t, out, sig, "a token's signature is in the audit log")
	}
}

// ExampleSlogAudit sends audit events to a slog logger.
func ExampleSlogAudit() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		// Drop the time so that the output below stays the same.
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	audit := oauthapp.SlogAudit(logger)
	// Pass it to oauthapp.New with oauthapp.WithAudit(audit). Here, one
	// event by hand:
	audit(ctx, oauthapp.Event{
		Kind:   oauthapp.EventAuthenticationFail,
		Time:   time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		AppSID: "OQ0123456789abcdef0123456789abcdef",
		Reason: oauthapp.ReasonWrongSecret,
	})
	// Output:
	// level=WARN msg="oauthapps audit" event=authentication.failed app_sid=OQ0123456789abcdef0123456789abcdef reason=wrong_secret
}
