package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// federated compares federated credentials field for field, in order.
func (d *diff) federated(got, want []store.FederatedCredential) {
	if !d.value("len(FederatedCredentials)", len(got), len(want)) {
		return
	}
	for i, w := range want {
		g, name := got[i], fmt.Sprintf("FederatedCredentials[%d]", i)
		d.str(name+".ID", g.ID, w.ID)
		d.str(name+".Name", g.Name, w.Name)
		d.str(name+".Issuer", g.Issuer, w.Issuer)
		d.str(name+".Subject", g.Subject, w.Subject)
		d.str(name+".Audience", g.Audience, w.Audience)
		d.str(name+".Description", g.Description, w.Description)
		d.time(name+".Created", g.Created, w.Created)
	}
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
