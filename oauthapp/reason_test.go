package oauthapp_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// events keeps the audit events a service emits.
type events struct {
	mu   sync.Mutex
	list []oauthapp.Event
}

func (e *events) hook(_ context.Context, ev oauthapp.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) take() []oauthapp.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.list
	e.list = nil
	return l
}

func TestARefusedAuthorizationHasOneReasonInItsErrorItsAuditEventAndItsOutcome(t *testing.T) {
	audit := &events{}
	k, rec := observed(t, oauthapp.WithAudit(audit.hook))
	app := k.NewApp(permList)
	expired := k.Token(app)
	k.Advance(2 * time.Hour)
	good, revoked := k.Token(app), k.Token(app)
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	require.NoError(t, k.Service.Revoke(ctx, client, revoked))

	own := k.Owner.AccountSID
	for _, tc := range []struct {
		name     string
		bearer   string
		res      oauthapp.Resource
		want     oauthapp.Reason
		sentinel error
		detail   error // the cause the audit event's Detail is the text of, if any
	}{
		{"an expired token", expired, oauthapp.Resource{Permission: permList}, oauthapp.ReasonInvalidToken, oauthapp.ErrInvalidToken, token.ErrExpired},
		{"a revoked token", revoked, oauthapp.Resource{Permission: permList}, oauthapp.ReasonTokenRevoked, oauthapp.ErrTokenRevoked, nil},
		{"another account", good, oauthapp.Resource{Permission: permList, AccountSID: oauthapptest.NewSID("AC")}, oauthapp.ReasonWrongAccount, oauthapp.ErrWrongAccount, nil},
		{"another region", good, oauthapp.Resource{Permission: permList, Region: "eu1"}, oauthapp.ReasonWrongRegion, oauthapp.ErrWrongRegion, nil},
		{"another audience", good, oauthapp.Resource{Permission: permList, Audience: "https://elsewhere.example/api"}, oauthapp.ReasonWrongAudience, oauthapp.ErrWrongAudience, nil},
		{"a permission the scope lacks", good, oauthapp.Resource{Permission: permRead, AccountSID: own}, oauthapp.ReasonInsufficientScope, oauthapp.ErrInsufficientScope, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec.reset()
			audit.take()
			_, err := k.Service.Authorize(ctx, tc.bearer, tc.res)
			require.ErrorIs(t, err, tc.sentinel, "errors.Is finds the reason's sentinel")
			assert.Equal(t, tc.want, oauthapp.ReasonOf(err))
			assert.Equal(t, tc.want, oauthapp.ReasonOf(fmt.Errorf("a host's wrapping: %w", err)), "a wrapped error keeps its reason")
			require.Len(t, rec.authz, 1)
			assert.Equal(t, tc.want, rec.authz[0].Reason, "the observer's outcome")
			evs := audit.take()
			require.Len(t, evs, 1)
			assert.Equal(t, oauthapp.EventAuthorizationDenied, evs[0].Kind)
			assert.Equal(t, tc.want, evs[0].Reason, "the audit event")
			if tc.detail != nil {
				assert.Contains(t, evs[0].Detail, tc.detail.Error())
				assert.ErrorIs(t, err, tc.detail, "the cause stays in the error")
			} else {
				assert.Empty(t, evs[0].Detail)
			}
		})
	}
}

func TestReasonOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want oauthapp.Reason
	}{
		{"no error", nil, ""},
		{"a sentinel", oauthapp.ErrInvalidClient, oauthapp.ReasonInvalidClient},
		{"a wrapped sentinel", fmt.Errorf("calling: %w", oauthapp.ErrInvalidScope), oauthapp.ReasonInvalidScope},
		{"a sentinel under ErrInvalidToken", fmt.Errorf("%w: %w", oauthapp.ErrInvalidToken, oauthapp.ErrSecretInactive), oauthapp.ReasonSecretInactive},
		{"an error of the store", errors.New("connection refused"), oauthapp.ReasonError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, oauthapp.ReasonOf(tc.err))
		})
	}
}
