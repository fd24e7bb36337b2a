package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// base is the time every fixture starts from: UTC, with microseconds, so
// that a store keeping microsecond precision returns it Equal.
var base = time.Date(2025, time.March, 1, 12, 30, 45, 123456000, time.UTC)

// us is the finest step a store must keep.
const us = time.Microsecond

func accountSID(n int) string { return fmt.Sprintf("AC%032x", n) }
func appSID(n int) string     { return fmt.Sprintf("OQ%032x", n) }

// newApp returns a well-formed app numbered n in the given account, with
// every field set to a value distinct from its zero value.
func newApp(n int, account string) store.App {
	return store.App{
		SID:          appSID(n),
		AccountSID:   account,
		Region:       "us1",
		FriendlyName: fmt.Sprintf("app %d", n),
		Description:  "a conformance fixture",
		CreatedBy:    fmt.Sprintf("US%032x", n),
		CreatedAt:    base,
		UpdatedAt:    base.Add(90 * time.Second),
		Policy: store.Policy{
			Allow: []string{"/api/messaging/messages/read", "/api/messaging/messages/create", "/api/voice/*"},
			Deny:  []string{"/api/voice/calls/delete"},
		},
		TokenTTL:     90 * time.Minute,
		DefaultGrace: grace(2 * time.Hour),
		Secrets: store.Secrets{
			Current: store.Secret{
				ID:       fmt.Sprintf("sk%08x", n),
				Hash:     "sha256$bm90LWEtcmVhbC1oYXNoLWp1c3QtZml4dHVyZS1kYXRhLTAxMjM0NTY3",
				Created:  base.Add(-time.Hour + 7*us),
				LastUsed: base.Add(-time.Minute + 3*us),
			},
			Previous: store.Secret{
				ID:       fmt.Sprintf("sp%08x", n),
				Hash:     "sha256$YW5vdGhlci1maXh0dXJlLWhhc2gtd2l0aC1hLWRpZmZlcmVudC1ib2R5LTg5",
				Created:  base.Add(-48*time.Hour + 11*us),
				Expires:  base.Add(23*time.Hour + 13*us),
				LastUsed: base.Add(-2*time.Hour + 17*us),
			},
		},
		Keys: []store.ClientKey{
			{ID: fmt.Sprintf("key-a-%d", n), Algorithm: "ES256", PublicKey: "-----BEGIN PUBLIC KEY-----\nfixture a\n-----END PUBLIC KEY-----\n", Created: base.Add(-3*time.Hour + 19*us), LastUsed: base.Add(-5*time.Minute + 23*us)},
			{ID: fmt.Sprintf("key-b-%d", n), Algorithm: "EdDSA", PublicKey: "-----BEGIN PUBLIC KEY-----\nfixture b\n-----END PUBLIC KEY-----\n", Created: base.Add(-2*time.Hour + 29*us)},
		},
		Resources: []string{"https://api.example.com/", fmt.Sprintf("https://app%d.example.com/v1", n)},
		FederatedCredentials: []store.FederatedCredential{
			{ID: fmt.Sprintf("FC%032x", 2*n), Name: "cluster", Issuer: "https://oidc.cluster.example", Subject: "system:serviceaccount:jobs:report", Audience: "api://oauthapps", Description: "the report job", Created: base.Add(-4*time.Hour + 31*us)},
			{ID: fmt.Sprintf("FC%032x", 2*n+1), Name: "deploy", Issuer: "https://token.actions.example", Subject: "repo:org/app:ref:refs/heads/main", Audience: "https://github.com/org", Created: base.Add(-1*time.Hour + 37*us)},
		},

		DPoPBoundAccessTokens: true,
	}
}

// appDiff lists the fields in which got differs from want: times compared
// with Equal, nil and empty policy lists equal.
func appDiff(got, want store.App) []string {
	var d diff
	d.str("SID", got.SID, want.SID)
	d.str("AccountSID", got.AccountSID, want.AccountSID)
	d.str("Region", got.Region, want.Region)
	d.str("FriendlyName", got.FriendlyName, want.FriendlyName)
	d.str("Description", got.Description, want.Description)
	d.str("CreatedBy", got.CreatedBy, want.CreatedBy)
	d.time("CreatedAt", got.CreatedAt, want.CreatedAt)
	d.time("UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	d.list("Policy.Allow", got.Policy.Allow, want.Policy.Allow)
	d.list("Policy.Deny", got.Policy.Deny, want.Policy.Deny)
	d.value("TokenTTL", got.TokenTTL, want.TokenTTL)
	d.value("DefaultGrace", graceString(got.DefaultGrace), graceString(want.DefaultGrace))
	d.secret("Secrets.Current", got.Secrets.Current, want.Secrets.Current)
	d.secret("Secrets.Previous", got.Secrets.Previous, want.Secrets.Previous)
	if d.value("len(Keys)", len(got.Keys), len(want.Keys)) {
		for i, w := range want.Keys {
			g, name := got.Keys[i], fmt.Sprintf("Keys[%d]", i)
			d.str(name+".ID", g.ID, w.ID)
			d.str(name+".Algorithm", g.Algorithm, w.Algorithm)
			d.str(name+".PublicKey", g.PublicKey, w.PublicKey)
			d.time(name+".Created", g.Created, w.Created)
			d.time(name+".LastUsed", g.LastUsed, w.LastUsed)
		}
	}
	d.list("Resources", got.Resources, want.Resources)
	d.federated(got.FederatedCredentials, want.FederatedCredentials)
	d.value("DPoPBoundAccessTokens", got.DPoPBoundAccessTokens, want.DPoPBoundAccessTokens)
	d.value("Version", got.Version, want.Version)
	return d
}

// diff collects the fields of a record that differ from what was wanted,
// one line each.
type diff []string

func (d *diff) str(name, g, w string) {
	if g != w {
		*d = append(*d, fmt.Sprintf("%s = %q, want %q", name, g, w))
	}
}

func (d *diff) time(name string, g, w time.Time) {
	if !g.Equal(w) {
		*d = append(*d, fmt.Sprintf("%s = %v, want %v", name, g, w))
	}
}

func (d *diff) list(name string, g, w []string) {
	if !slices.Equal(g, w) {
		*d = append(*d, fmt.Sprintf("%s = %q, want %q", name, g, w))
	}
}

// value compares values printed with %v, and reports whether they are
// equal.
func (d *diff) value(name string, g, w any) bool {
	if g != w {
		*d = append(*d, fmt.Sprintf("%s = %v, want %v", name, g, w))
		return false
	}
	return true
}

func (d *diff) secret(name string, g, w store.Secret) {
	d.str(name+".ID", g.ID, w.ID)
	d.str(name+".Hash", g.Hash, w.Hash)
	d.time(name+".Created", g.Created, w.Created)
	d.time(name+".Expires", g.Expires, w.Expires)
	d.time(name+".LastUsed", g.LastUsed, w.LastUsed)
}

// grace returns a pointer to d, for App.DefaultGrace.
func grace(d time.Duration) *time.Duration { return &d }

func graceString(g *time.Duration) string {
	if g == nil {
		return "nil (the service default)"
	}
	return g.String()
}

// checkApp reports every field in which got differs from want.
func checkApp(t *testing.T, what string, got, want store.App) {
	t.Helper()
	for _, d := range appDiff(got, want) {
		t.Errorf("%s: %s", what, d)
	}
}

// withVersion returns a with its Version set to v.
func withVersion(a store.App, v int64) store.App {
	a.Version = v
	return a
}

// create stores app, failing the test on error, and returns it as stored.
func create(t *testing.T, s store.Store, app store.App) store.App {
	t.Helper()
	got, err := s.CreateApp(context.Background(), app)
	if err != nil {
		t.Fatalf("CreateApp(%s): %v", app.SID, err)
	}
	return got
}

// get returns the stored app, failing the test on error.
func get(t *testing.T, s store.Store, sid string) store.App {
	t.Helper()
	got, err := s.GetApp(context.Background(), sid)
	if err != nil {
		t.Fatalf("GetApp(%s): %v", sid, err)
	}
	return got
}

// update stores app, failing the test on error, and returns it as stored.
func update(t *testing.T, s store.Store, app store.App) store.App {
	t.Helper()
	got, err := s.UpdateApp(context.Background(), app)
	if err != nil {
		t.Fatalf("UpdateApp(%s, version %d): %v", app.SID, app.Version, err)
	}
	return got
}

// wantErr fails the test unless err is target.
func wantErr(t *testing.T, call string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", call, err, target)
	}
}

// wantMissing fails the test unless GetApp reports sid as not found.
func wantMissing(t *testing.T, s store.Store, sid string) {
	t.Helper()
	_, err := s.GetApp(context.Background(), sid)
	wantErr(t, "GetApp("+sid+")", err, store.ErrNotFound)
}
