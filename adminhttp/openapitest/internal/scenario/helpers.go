package scenario

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
)

var ids atomic.Int64

// newActor returns an actor with the given role in the account, with a
// host-style user id; account "" makes a new account.
func newActor(role oauthapp.Role, account string) oauthapp.Actor {
	n := ids.Add(1)
	if account == "" {
		account = fmt.Sprintf("acct-%d", n)
	}
	return oauthapp.Actor{UserSID: fmt.Sprintf("user-%d", n), AccountSID: account, Role: role}
}

// owner registers the owner of a new account.
func (e *env) owner() (string, oauthapp.Actor) {
	a := newActor(oauthapp.RoleOwner, "")
	return e.caller(a), a
}

// create creates an app through the API and returns its JSON.
func (e *env) create(t *testing.T, tok, name string) map[string]any {
	t.Helper()
	r := e.do(tok, "POST", apps(), createBody(name))
	wantStatus(t, r, 201)
	return r.obj(t)
}

func wantStatus(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.300s", r.status, status, r.body)
	}
}

// wantProblem checks an RFC 9457 answer: status, type, and the field it
// names ("" for none).
func wantProblem(t *testing.T, r result, status int, typ, field string) {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	m := r.obj(t)
	if m["type"] != typ {
		t.Errorf("problem type %v, want %s (%s)", m["type"], typ, r.body)
	}
	if m["status"] != float64(status) {
		t.Errorf("problem status %v, want %d", m["status"], status)
	}
	if got, _ := m["field"].(string); got != field {
		t.Errorf("problem field %q, want %q (%s)", got, field, r.body)
	}
	if m["title"] == "" || m["title"] == nil {
		t.Errorf("problem without a title: %s", r.body)
	}
}

// stored returns the account's apps as stored, to show that a refused
// request changed nothing.
func (e *env) stored(t *testing.T, account string) string {
	t.Helper()
	list, err := e.store.ListApps(context.Background(), account, "", 1000)
	if err != nil {
		t.Fatalf("ListApps: %v", err)
	}
	var b strings.Builder
	for _, a := range list {
		fmt.Fprintf(&b, "%+v\n", a)
	}
	return b.String()
}

// issue gets a token with the client secret, to show a secret works.
func (e *env) issue(clientID, secret string) error {
	_, err := e.svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: clientID, ClientSecret: secret})
	return err
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
