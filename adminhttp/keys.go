package adminhttp

import (
	"context"
	"net/http"
	"net/url"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// keyFields maps the arguments of AddClientKey onto the members of the
// add-key body. A full app refuses the key offered: "public_key".
var keyFields = map[string]string{"ClientKeys": "public_key"}

// listKeys: GET {prefix}/OAuthApps/{Sid}/Keys.
func (a *API) listKeys(c *call) response {
	app, err := a.svc.GetApp(c.r.Context(), c.actor, c.r.PathValue("Sid"))
	if err != nil {
		return a.serviceError(c, err, true)
	}
	out := keyListJSON{Keys: make([]keyJSON, len(app.ClientKeys))}
	for i, k := range app.ClientKeys {
		out.Keys[i] = a.keyJSON(app.SID, k)
	}
	return reply(http.StatusOK, out).withApp(app.Version, "")
}

// addKey: POST {prefix}/OAuthApps/{Sid}/Keys, If-Match honoured.
func (a *API) addKey(c *call) response {
	sid := c.r.PathValue("Sid")
	if len(c.body) == 0 {
		return invalid("", "the body is required: an object with public_key and, optionally, id and algorithm")
	}
	var in keyBodyJSON
	if p := decode(c.body, &in, keyMembers); p != nil {
		return *p
	}
	if in.PublicKey == nil {
		return invalid("public_key", "public_key is required: one PEM PUBLIC KEY block")
	}
	v, p := a.ifVersion(c, sid)
	if p != nil {
		return *p
	}
	c.fields = keyFields
	app, err := a.svc.AddClientKey(c.r.Context(), c.actor, sid, in.newClientKey(), v)
	if err != nil {
		return a.serviceError(c, err, true)
	}
	// The key added is the last: keys are kept in the order added, and
	// app is the app as this call saved it.
	k := a.keyJSON(app.SID, app.ClientKeys[len(app.ClientKeys)-1])
	return reply(http.StatusCreated, k).withApp(app.Version, k.URL)
}

// removeKey: DELETE {prefix}/OAuthApps/{Sid}/Keys/{KeyId}, If-Match
// honoured.
func (a *API) removeKey(c *call) response {
	return a.removeChild(c, a.svc.RemoveClientKey, c.r.PathValue("KeyId"))
}

// removeChild answers the DELETE of one of an app's client keys or
// federated credentials, by id, with remove: If-Match honoured, 204.
func (a *API) removeChild(c *call, remove func(context.Context, oauthapp.Actor, string, string, int64) (oauthapp.App, error), id string) response {
	sid := c.r.PathValue("Sid")
	if len(c.body) != 0 {
		return invalid("", "a delete takes no body")
	}
	v, p := a.ifVersion(c, sid)
	if p != nil {
		return *p
	}
	if _, err := remove(c.r.Context(), c.actor, sid, id, v); err != nil {
		return a.serviceError(c, err, true)
	}
	return response{status: http.StatusNoContent}
}

// keyJSON describes one client key: its public half only.
type keyJSON struct {
	ID           string  `json:"id"`
	Algorithm    string  `json:"algorithm"`
	PublicKey    string  `json:"public_key"`
	DateCreated  string  `json:"date_created"`
	DateLastUsed *string `json:"date_last_used"`
	URL          string  `json:"url"`
}

type keyListJSON struct {
	Keys []keyJSON `json:"keys"`
}

func (a *API) keyJSON(sid string, k oauthapp.ClientKeyInfo) keyJSON {
	return keyJSON{
		ID:           k.ID,
		Algorithm:    k.Algorithm,
		PublicKey:    k.PublicKeyPEM,
		DateCreated:  date(k.Created),
		DateLastUsed: optDate(k.LastUsed),
		URL:          a.url(a.appPath(sid) + "/Keys/" + url.PathEscape(k.ID)),
	}
}

// keyBodyJSON is the body of an add-key, and an entry of a create's
// client_keys.
type keyBodyJSON struct {
	ID        *string `json:"id"`
	Algorithm *string `json:"algorithm"`
	PublicKey *string `json:"public_key"`
}

func (k keyBodyJSON) newClientKey() oauthapp.NewClientKey {
	var n oauthapp.NewClientKey
	take(&n.ID, k.ID)
	take(&n.Algorithm, k.Algorithm)
	take(&n.PublicKeyPEM, k.PublicKey)
	return n
}
