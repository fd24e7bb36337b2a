package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// pageSize is how many apps the list shows a page.
const pageSize = 20

// notices are what a page says after the change that led to it, named
// by the notice parameter of a redirect: a fixed text each, so that a
// link cannot make the console say anything else.
var notices = map[string]string{
	"deleted":     "The app was deleted. Its client secrets and keys no longer authenticate, and every token it held stopped working.",
	"key-added":   "The client key was added. The app's client may now sign its assertions with the matching private key.",
	"key-removed": "The client key was removed. Assertions signed with it, and the tokens they obtained, no longer work.",
}

// list: GET {prefix}/, the account's apps a page at a time (after: the
// last SID of the page before).
func (c *Console) list(w http.ResponseWriter, r *http.Request, v *view) {
	q := r.URL.Query()
	after := q.Get("after")
	apps, err := c.svc.ListApps(r.Context(), v.Actor, after, pageSize+1)
	if err != nil {
		c.refuse(w, r, v, err)
		return
	}
	if len(apps) > pageSize {
		apps = apps[:pageSize]
		v.Next = c.cfg.prefix + "/?" + url.Values{"after": {apps[pageSize-1].SID}}.Encode()
	}
	v.Title, v.Apps, v.First = "OAuth apps", apps, after == ""
	v.Notice = notices[q.Get("notice")]
	c.render(w, http.StatusOK, "list", v)
}

// newForm: GET {prefix}/apps/new.
func (c *Console) newForm(w http.ResponseWriter, _ *http.Request, v *view) {
	v.Title = "Create an OAuth app"
	v.Permissions = c.permissionChoices(nil)
	c.render(w, http.StatusOK, "new", v)
}

// create: POST {prefix}/apps. The answer shows the new client secret,
// this once; it is not a redirect, so the secret is in no URL.
func (c *Console) create(w http.ResponseWriter, r *http.Request, v *view) {
	f := appForm{
		Name:        r.PostForm.Get("name"),
		Description: r.PostForm.Get("description"),
		TTL:         strings.TrimSpace(r.PostForm.Get("ttl")),
		Permissions: r.PostForm.Get("permissions"),
	}
	chosen := r.PostForm["permission"]
	if c.svc.Metadata().Catalog == nil {
		chosen = strings.Fields(f.Permissions)
	}
	v.Title, v.Form, v.Permissions = "Create an OAuth app", f, c.permissionChoices(chosen)
	refuse := func(status int, field, msg string) {
		v.Field, v.Error = field, msg
		c.render(w, status, "new", v)
	}
	n := oauthapp.NewApp{FriendlyName: f.Name, Description: f.Description, Permissions: oauthapp.Permissions{Allow: chosen}}
	if len(chosen) == 0 {
		refuse(http.StatusBadRequest, "permissions", "Permissions: pick at least one. Nothing was created.")
		return
	}
	if f.TTL != "" {
		secs, err := strconv.ParseInt(f.TTL, 10, 64)
		if err != nil || secs < 1 || secs > int64(oauthapp.MaxTokenTTL/time.Second) {
			refuse(http.StatusBadRequest, "ttl", "Token lifetime: a whole number of seconds from 60 to 2592000 (30 days), or empty for the default. Nothing was created.")
			return
		}
		n.TokenTTL = time.Duration(secs) * time.Second
	}
	app, sec, err := c.svc.CreateApp(r.Context(), v.Actor, n)
	if err != nil {
		status, field := c.explain(r, v, err)
		if field == "" {
			c.render(w, status, "message", v)
			return
		}
		refuse(status, field, v.Error+" Nothing was created.")
		return
	}
	v.Title, v.App, v.Secret = "App created", &app, sec.Reveal()
	c.render(w, http.StatusOK, "secret", v)
}

// show: GET {prefix}/apps/{sid}.
func (c *Console) show(w http.ResponseWriter, r *http.Request, v *view) {
	app, err := c.svc.GetApp(r.Context(), v.Actor, r.PathValue("sid"))
	if err != nil {
		c.refuse(w, r, v, err)
		return
	}
	v.Notice = notices[r.URL.Query().Get("notice")]
	c.showApp(w, http.StatusOK, v, app)
}

// showApp renders the page of an app with the given status.
func (c *Console) showApp(w http.ResponseWriter, status int, v *view, app oauthapp.App) {
	v.Title, v.App = app.FriendlyName, &app
	v.Graces = graceChoices(app.DefaultGrace)
	v.Algorithms = oauthapp.ClientKeyAlgorithms()
	c.render(w, status, "app", v)
}

// rotate: POST {prefix}/apps/{sid}/rotate, conditional on the version
// the page showed. The answer shows the new secret, this once.
func (c *Console) rotate(w http.ResponseWriter, r *http.Request, v *view) {
	sid := r.PathValue("sid")
	version, ok := formVersion(r)
	if !ok {
		c.incomplete(w, v)
		return
	}
	secs, err := strconv.ParseInt(r.PostForm.Get("grace"), 10, 64)
	if err != nil || secs < 0 || secs > int64(oauthapp.MaxGrace/time.Second) {
		c.refuseOnApp(w, r, v, sid, http.StatusBadRequest, "grace", "Grace: choose one of the choices, from none to 30 days.")
		return
	}
	app, sec, err := c.svc.RotateSecret(r.Context(), v.Actor, sid, oauthapp.Rotation{
		Grace:     oauthapp.Grace(time.Duration(secs) * time.Second),
		IfVersion: version,
	})
	if err != nil {
		status, field := c.explain(r, v, err)
		c.refuseOnApp(w, r, v, sid, status, field, v.Error)
		return
	}
	v.Title, v.App, v.Secret = "New client secret", &app, sec.Reveal()
	c.render(w, http.StatusOK, "secret", v)
}

// addKey: POST {prefix}/apps/{sid}/keys, if the app is still at the
// version the page showed.
func (c *Console) addKey(w http.ResponseWriter, r *http.Request, v *view) {
	v.Key = keyForm{PEM: r.PostForm.Get("public_key"), ID: strings.TrimSpace(r.PostForm.Get("key_id")), Algorithm: r.PostForm.Get("algorithm")}
	c.change(w, r, v, "/apps/"+r.PathValue("sid")+"?notice=key-added", func(sid string, version int64) error {
		_, err := c.svc.AddClientKey(r.Context(), v.Actor, sid, oauthapp.NewClientKey{ID: v.Key.ID, Algorithm: v.Key.Algorithm, PublicKeyPEM: v.Key.PEM}, version)
		return err
	})
}

// removeKey: POST {prefix}/apps/{sid}/keys/{kid}/remove, if the app is
// still at the version the page showed.
func (c *Console) removeKey(w http.ResponseWriter, r *http.Request, v *view) {
	c.change(w, r, v, "/apps/"+r.PathValue("sid")+"?notice=key-removed", func(sid string, version int64) error {
		_, err := c.svc.RemoveClientKey(r.Context(), v.Actor, sid, r.PathValue("kid"), version)
		return err
	})
}

// confirmDelete: GET {prefix}/apps/{sid}/delete, the question that names
// the app.
func (c *Console) confirmDelete(w http.ResponseWriter, r *http.Request, v *view) {
	app, err := c.svc.GetApp(r.Context(), v.Actor, r.PathValue("sid"))
	if err != nil {
		c.refuse(w, r, v, err)
		return
	}
	v.Title, v.App = "Delete "+app.FriendlyName+"?", &app
	c.render(w, http.StatusOK, "delete", v)
}

// delete: POST {prefix}/apps/{sid}/delete, if the app is still at the
// version the confirmation showed; then on to the list.
func (c *Console) delete(w http.ResponseWriter, r *http.Request, v *view) {
	c.change(w, r, v, "/?notice=deleted", func(sid string, version int64) error {
		return c.svc.DeleteApp(r.Context(), v.Actor, sid, version)
	})
}

// change makes a change of the app (a delete, adding or removing a client
// key) on the condition that the app is still at the form's version: do
// passes the version to the service, whose store checks it in one step
// with the write. Then the browser is sent on to next, a path under the
// prefix, or the refusal is shown.
func (c *Console) change(w http.ResponseWriter, r *http.Request, v *view, next string, do func(sid string, version int64) error) {
	sid := r.PathValue("sid")
	version, ok := formVersion(r)
	err := errIncomplete
	if ok {
		err = do(sid, version)
	}
	if err != nil {
		status, field := c.explain(r, v, err)
		c.refuseOnApp(w, r, v, sid, status, field, v.Error)
		return
	}
	c.redirect(w, r, next)
}

// formVersion reads the version of the app that the form's page showed.
func formVersion(r *http.Request) (int64, bool) {
	n, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	return n, err == nil && n > 0
}

// permissionChoices are the route catalog's permissions, each with the
// routes it opens, checked when chosen; none without a catalog.
func (c *Console) permissionChoices(chosen []string) []permissionChoice {
	cat := c.svc.Metadata().Catalog
	if cat == nil {
		return nil
	}
	routes := map[string][]string{}
	for _, rt := range cat.Routes() {
		routes[rt.Permission] = append(routes[rt.Permission], rt.Pattern)
	}
	var out []permissionChoice
	for i, p := range cat.Permissions() {
		out = append(out, permissionChoice{
			ID:      "perm-" + strconv.Itoa(i),
			Name:    p,
			Routes:  strings.Join(routes[p], ", "),
			Checked: slices.Contains(chosen, p),
		})
	}
	return out
}

// graces are the choices of a rotation's grace, besides the app's
// default.
var graces = []time.Duration{0, time.Hour, 12 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, oauthapp.MaxGrace}

// graceChoices are the choices of a rotation's grace, the app's default
// among them and chosen.
func graceChoices(def time.Duration) []graceChoice {
	all := graces
	if !slices.Contains(all, def) {
		all = append(slices.Clone(all), def)
		slices.Sort(all)
	}
	out := make([]graceChoice, len(all))
	for i, d := range all {
		label := "For " + duration(d)
		if d == 0 {
			label = "None: the current secret and its tokens stop at once"
		}
		if d == def {
			label += " (the app's default)"
		}
		out[i] = graceChoice{Seconds: int64(d / time.Second), Label: label, Selected: d == def}
	}
	return out
}
