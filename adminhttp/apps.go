package adminhttp

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// createApp: POST {prefix}/OAuthApps.
func (a *API) createApp(c *call) response {
	if len(c.body) == 0 {
		return invalid("", "the body is required: an object with friendly_name and policy")
	}
	var in appBodyJSON
	if p := decode(c.body, &in, appMembers); p != nil {
		return *p
	}
	n, p := in.newApp()
	if p != nil {
		return *p
	}
	app, sec, err := a.svc.CreateApp(c.r.Context(), c.actor, n)
	if err != nil {
		return a.serviceError(c, err, false)
	}
	shown := &sec
	if n.NoSecret {
		shown = nil
	}
	loc := a.url(a.appPath(app.SID))
	return reply(http.StatusCreated, a.appJSON(app, shown)).withApp(app.Version, loc)
}

// newApp reads a create's body as the app to create, or the problem with
// it that the service would not name.
func (in *appBodyJSON) newApp() (oauthapp.NewApp, *response) {
	if in.Type != nil && *in.Type != grantType {
		p := invalid("type", `type must be "client_credentials", the only grant type of an app`)
		return oauthapp.NewApp{}, &p
	}
	n := oauthapp.NewApp{}
	take(&n.FriendlyName, in.FriendlyName)
	take(&n.Description, in.Description)
	take(&n.Region, in.Region)
	if in.Policy == nil {
		p := invalid("policy", "policy is required: an object with allow and, optionally, deny")
		return oauthapp.NewApp{}, &p
	}
	n.Permissions = *in.Policy.permissions()
	if in.AccessTokenTTL != nil {
		n.TokenTTL = seconds(*in.AccessTokenTTL)
		if n.TokenTTL == 0 {
			p := invalid("access_token_ttl", "access_token_ttl must be a number of seconds; leave it out for the default")
			return oauthapp.NewApp{}, &p
		}
	}
	if in.DefaultGrace != nil {
		n.DefaultGrace = oauthapp.Grace(seconds(*in.DefaultGrace))
	}
	take(&n.Resources, in.Resources)
	if in.ClientKeys != nil {
		for _, k := range *in.ClientKeys {
			n.ClientKeys = append(n.ClientKeys, k.newClientKey())
		}
	}
	take(&n.NoSecret, in.NoSecret)
	take(&n.DPoPBoundAccessTokens, in.DPoPBound)
	if in.FederatedCredentials != nil {
		for _, fc := range *in.FederatedCredentials {
			n.FederatedCredentials = append(n.FederatedCredentials, fc.credential())
		}
	}
	return n, nil
}

// listApps: GET {prefix}/OAuthApps?PageSize=&PageToken=.
func (a *API) listApps(c *call) response {
	q := c.r.URL.Query()
	for name := range q {
		if name != "PageSize" && name != "PageToken" {
			name = memberName(name)
			return invalid(name, "unknown query parameter "+strconv.Quote(name))
		}
	}
	size := DefaultPageSize
	if v, ok := q["PageSize"]; ok {
		n, err := strconv.Atoi(v[0])
		if len(v) != 1 || err != nil || n < 1 || n > MaxPageSize {
			return invalid("PageSize", "PageSize must be one integer from 1 to "+strconv.Itoa(MaxPageSize))
		}
		size = n
	}
	after := ""
	if v, ok := q["PageToken"]; ok {
		sid, err := base64.RawURLEncoding.DecodeString(v[0])
		if len(v) != 1 || err != nil || len(sid) == 0 {
			return invalid("PageToken", "PageToken must be the next_page_url's token of an earlier page")
		}
		after = string(sid)
	}
	// One more than a page tells whether there is a next one.
	ask := min(size+1, oauthapp.MaxListLimit)
	apps, err := a.svc.ListApps(c.r.Context(), c.actor, after, ask)
	if err != nil {
		return a.serviceError(c, err, false)
	}
	more := len(apps) > size || (len(apps) == size && ask == size)
	apps = apps[:min(len(apps), size)]
	out := listJSON{Apps: make([]appJSON, len(apps)), Meta: metaJSON{
		Key:          "oauth_apps",
		PageSize:     size,
		URL:          a.pageURL(size, after),
		FirstPageURL: a.pageURL(size, ""),
	}}
	for i, app := range apps {
		out.Apps[i] = a.appJSON(app, nil)
	}
	if more && len(apps) > 0 {
		next := a.pageURL(size, apps[len(apps)-1].SID)
		out.Meta.NextPageURL = &next
	}
	return reply(http.StatusOK, out)
}

// pageURL is the URL of the page of the given size after an app SID. The
// token is opaque to clients: today the SID, base64url-encoded, for
// keyset paging in SID order, so that apps created or deleted between
// pages never make another app appear twice or be skipped.
func (a *API) pageURL(size int, after string) string {
	q := url.Values{"PageSize": {strconv.Itoa(size)}}
	if after != "" {
		q.Set("PageToken", base64.RawURLEncoding.EncodeToString([]byte(after)))
	}
	return a.url(a.CollectionPath()) + "?" + q.Encode()
}

// getApp: GET {prefix}/OAuthApps/{Sid}.
func (a *API) getApp(c *call) response {
	app, err := a.svc.GetApp(c.r.Context(), c.actor, c.r.PathValue("Sid"))
	if err != nil {
		return a.serviceError(c, err, true)
	}
	return reply(http.StatusOK, a.appJSON(app, nil)).withApp(app.Version, "")
}

// updateApp: POST {prefix}/OAuthApps/{Sid}, If-Match honoured.
func (a *API) updateApp(c *call) response {
	sid := c.r.PathValue("Sid")
	if len(c.body) == 0 {
		return invalid("", "the body is required: an object with the members to change")
	}
	var in appBodyJSON
	if p := decode(c.body, &in, appMembers); p != nil {
		return *p
	}
	if in.Type != nil {
		return invalid("type", "type is set at creation only")
	}
	if in.Region != nil {
		return invalid("region", "an app stays in the region it was created in")
	}
	if in.ClientKeys != nil {
		return invalid("client_keys", "client keys are added and removed at the app's Keys")
	}
	if in.FederatedCredentials != nil {
		return invalid("federated_credentials", "federated credentials are added and removed at the app's FederatedCredentials")
	}
	if in.NoSecret != nil {
		return invalid("no_secret", "no_secret is set at creation only")
	}
	if in == (appBodyJSON{}) {
		return invalid("", "the body names nothing to change")
	}
	u := oauthapp.AppUpdate{FriendlyName: in.FriendlyName, Description: in.Description, Permissions: in.Policy.permissions(), Resources: in.Resources, DPoPBoundAccessTokens: in.DPoPBound}
	if in.AccessTokenTTL != nil {
		ttl := seconds(*in.AccessTokenTTL)
		if ttl == 0 { // the API's spelling of the service default
			ttl = oauthapp.ServiceDefault
		}
		u.TokenTTL = &ttl
	}
	if in.DefaultGrace != nil {
		if *in.DefaultGrace < 0 { // not ServiceDefault by accident
			return invalid("default_grace_period", "default_grace_period must be 0 to 2592000 seconds")
		}
		u.DefaultGrace = oauthapp.Grace(seconds(*in.DefaultGrace))
	}

	var p *response
	if u.IfVersion, p = a.ifVersion(c, sid); p != nil {
		return *p
	}
	app, err := a.svc.UpdateApp(c.r.Context(), c.actor, sid, u)
	if err != nil {
		return a.serviceError(c, err, true)
	}
	return reply(http.StatusOK, a.appJSON(app, nil)).withApp(app.Version, "")
}

// deleteApp: DELETE {prefix}/OAuthApps/{Sid}, If-Match honoured: the
// store deletes only the version it names.
func (a *API) deleteApp(c *call) response {
	sid := c.r.PathValue("Sid")
	if len(c.body) != 0 {
		return invalid("", "a delete takes no body")
	}
	v, p := a.ifVersion(c, sid)
	if p != nil {
		return *p
	}
	if err := a.svc.DeleteApp(c.r.Context(), c.actor, sid, v); err != nil {
		return a.serviceError(c, err, true)
	}
	return response{status: http.StatusNoContent}
}

// rotateSecret: POST {prefix}/OAuthApps/{Sid}/Secrets, If-Match honoured.
func (a *API) rotateSecret(c *call) response {
	sid := c.r.PathValue("Sid")
	var in rotateJSON
	if len(c.body) != 0 {
		if p := decode(c.body, &in, rotateMembers); p != nil {
			return *p
		}
	}
	var rot oauthapp.Rotation
	if in.GracePeriod != nil {
		rot.Grace = oauthapp.Grace(seconds(*in.GracePeriod))
	}
	var p *response
	if rot.IfVersion, p = a.ifVersion(c, sid); p != nil {
		return *p
	}
	app, sec, err := a.svc.RotateSecret(c.r.Context(), c.actor, sid, rot)
	if err != nil {
		return a.serviceError(c, err, true)
	}
	return reply(http.StatusCreated, a.appJSON(app, &sec)).withApp(app.Version, a.url(a.appPath(app.SID)+"/Secrets"))
}

// ifVersion reads If-Match as the version a change requires, for
// oauthapp's IfVersion (see precondition.ifVersion). When the header names
// several versions, the app is read to learn which one it has now.
func (a *API) ifVersion(c *call, sid string) (int64, *response) {
	pre, ok := parseIfMatch(c.r.Header)
	if !ok {
		p := invalid("If-Match", "If-Match must be * or a list of entity tags")
		return 0, &p
	}
	v, err := pre.ifVersion(func() (int64, error) {
		app, err := a.svc.GetApp(c.r.Context(), c.actor, sid)
		return app.Version, err
	})
	if err != nil {
		p := a.serviceError(c, err, true)
		return 0, &p
	}
	return v, nil
}

// listSecrets: GET {prefix}/OAuthApps/{Sid}/Secrets.
func (a *API) listSecrets(c *call) response {
	app, err := a.svc.GetApp(c.r.Context(), c.actor, c.r.PathValue("Sid"))
	if err != nil {
		return a.serviceError(c, err, true)
	}
	return reply(http.StatusOK, secretListJSON{Secrets: secretsJSON(app)}).withApp(app.Version, "")
}
