package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// scribble overwrites every element of a's policy lists and its default
// grace, the only memory a record can share with the store.
func scribble(a *store.App) {
	if a.DefaultGrace != nil {
		*a.DefaultGrace = 123 * time.Second
	}
	for i := range a.Policy.Allow {
		a.Policy.Allow[i] = "/scribbled/allow"
	}
	for i := range a.Policy.Deny {
		a.Policy.Deny[i] = "/scribbled/deny"
	}
	for i := range a.Keys {
		a.Keys[i] = store.ClientKey{ID: "scribbled", Algorithm: "none"}
	}
	for i := range a.Resources {
		a.Resources[i] = "https://scribbled.example/"
	}
	for i := range a.FederatedCredentials {
		a.FederatedCredentials[i] = store.FederatedCredential{ID: "scribbled", Issuer: "https://scribbled.example"}
	}
}

// appendAllow appends to a record's Allow list, as a caller adding a
// permission would, and reports whether its Deny list came through intact:
// a store that returns both lists in one backing array without capping
// Allow would have its first deny entry overwritten.
func appendAllow(t *testing.T, what string, a *store.App) {
	t.Helper()
	deny := slices.Clone(a.Policy.Deny)
	a.Policy.Allow = append(a.Policy.Allow, "/appended/by/the/caller")
	if !slices.Equal(a.Policy.Deny, deny) {
		t.Errorf("%s: appending to Policy.Allow changed Policy.Deny from %q to %q", what, deny, a.Policy.Deny)
	}
}

var copyChecks = []check{
	{"changing the record passed to create changes nothing stored", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		want := withVersion(newApp(1, accountSID(1)), 1)
		create(t, s, app)
		scribble(&app)
		checkApp(t, "GetApp", get(t, s, app.SID), want)
	}},
	{"changing records returned by create and get changes nothing stored", func(t *testing.T, s store.Store) {
		want := withVersion(newApp(1, accountSID(1)), 1)
		created := create(t, s, newApp(1, accountSID(1)))
		scribble(&created)
		got := get(t, s, want.SID)
		checkApp(t, "GetApp after changing the create result", got, want)
		scribble(&got)
		checkApp(t, "GetApp after changing a get result", get(t, s, want.SID), want)
	}},
	{"changing records returned by list changes nothing stored", func(t *testing.T, s store.Store) {
		want := create(t, s, newApp(1, accountSID(1)))
		l := list(t, s, accountSID(1), "", 10)
		for i := range l {
			scribble(&l[i])
		}
		checkApp(t, "GetApp", get(t, s, want.SID), want)
		checkApp(t, "ListApps", list(t, s, accountSID(1), "", 10)[0], want)
	}},
	{"changing the record passed to or returned by update changes nothing stored", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		app.FriendlyName = "updated"
		want := withVersion(app, 2)
		want.Policy = store.Policy{
			Allow: append([]string(nil), app.Policy.Allow...),
			Deny:  append([]string(nil), app.Policy.Deny...),
		}
		want.DefaultGrace = grace(*app.DefaultGrace)
		want.Keys, want.Resources = slices.Clone(app.Keys), slices.Clone(app.Resources)
		want.FederatedCredentials = slices.Clone(app.FederatedCredentials)
		got := update(t, s, app)
		scribble(&app)
		checkApp(t, "GetApp after changing the record passed", get(t, s, app.SID), want)
		scribble(&got)
		checkApp(t, "GetApp after changing the record returned", get(t, s, app.SID), want)
	}},
	{"appending to a returned Allow list leaves its Deny list alone", func(t *testing.T, s store.Store) {
		want := create(t, s, newApp(1, accountSID(1)))
		if len(want.Policy.Deny) == 0 {
			t.Fatal("the test app has no deny entry")
		}
		created := create(t, s, newApp(2, accountSID(1)))
		appendAllow(t, "CreateApp's record", &created)
		got := get(t, s, want.SID)
		appendAllow(t, "GetApp's record", &got)
		for _, a := range list(t, s, accountSID(1), "", 10) {
			appendAllow(t, "ListApps' record", &a)
		}
		renamed := get(t, s, want.SID)
		renamed.FriendlyName = "renamed"
		updated := update(t, s, renamed)
		appendAllow(t, "UpdateApp's record", &updated)
		want.FriendlyName, want.Version = "renamed", updated.Version
		checkApp(t, "GetApp", get(t, s, want.SID), want)
	}},
	{"a failed update does not keep the record it was passed", func(t *testing.T, s store.Store) {
		want := create(t, s, newApp(1, accountSID(1)))
		stale := withVersion(newApp(1, accountSID(1)), 7)
		if _, err := s.UpdateApp(context.Background(), stale); err == nil {
			t.Fatal("UpdateApp with a stale version succeeded")
		}
		scribble(&stale)
		checkApp(t, "GetApp", get(t, s, want.SID), want)
	}},
}
