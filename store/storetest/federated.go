package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// federatedDiff lists the fields in which two apps' federated credentials
// differ.
func federatedDiff(got, want []store.FederatedCredential) []string {
	if len(got) != len(want) {
		return []string{fmt.Sprintf("len(FederatedCredentials) = %d, want %d", len(got), len(want))}
	}
	var d []string
	for i, w := range want {
		g := got[i]
		for _, f := range [...]struct{ name, g, w string }{
			{"ID", g.ID, w.ID}, {"Name", g.Name, w.Name}, {"Issuer", g.Issuer, w.Issuer},
			{"Subject", g.Subject, w.Subject}, {"Audience", g.Audience, w.Audience},
			{"Description", g.Description, w.Description},
		} {
			if f.g != f.w {
				d = append(d, fmt.Sprintf("FederatedCredentials[%d].%s = %q, want %q", i, f.name, f.g, f.w))
			}
		}
		if !g.Created.Equal(w.Created) {
			d = append(d, fmt.Sprintf("FederatedCredentials[%d].Created = %v, want %v", i, g.Created, w.Created))
		}
	}
	return d
}

var federatedChecks = []check{
	{"credentials come back field for field, in order", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		want := withVersion(app, 1)
		checkApp(t, "CreateApp", create(t, s, app), want)
		checkApp(t, "GetApp", get(t, s, app.SID), want)
		checkApp(t, "ListApps", list(t, s, app.AccountSID, "", 10)[0], want)
	}},
	{"an app without credentials comes back without them", func(t *testing.T, s store.Store) {
		app := newApp(1, accountSID(1))
		app.FederatedCredentials = nil
		checkApp(t, "GetApp", get(t, s, create(t, s, app).SID), withVersion(app, 1))
	}},
	{"an update adds and removes credentials", func(t *testing.T, s store.Store) {
		app := create(t, s, newApp(1, accountSID(1)))
		app.FederatedCredentials = []store.FederatedCredential{
			app.FederatedCredentials[1],
			{ID: fmt.Sprintf("FC%032x", 99), Name: "spiffe", Issuer: "https://spire.example/", Subject: "spiffe://example.org/ns/web", Audience: "oauthapps", Created: base.Add(time.Hour + 41*us)},
		}
		want := withVersion(app, 2)
		checkApp(t, "UpdateApp", update(t, s, app), want)
		checkApp(t, "GetApp", get(t, s, app.SID), want)
		app = get(t, s, app.SID)
		app.FederatedCredentials = nil
		checkApp(t, "GetApp after removing them all", get(t, s, update(t, s, app).SID), withVersion(app, 3))
	}},
}
