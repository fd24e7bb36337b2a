package adminhttp

import (
	"net/http"
	"net/url"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// credentialFields maps the arguments of AddFederatedCredential onto the
// members of the add body: an app holding the most credentials it may
// have is no member's fault.
var credentialFields = map[string]string{"FederatedCredentials": ""}

// listCredentials: GET {prefix}/OAuthApps/{Sid}/FederatedCredentials.
func (a *API) listCredentials(c *call) response {
	app, err := a.svc.GetApp(c.r.Context(), c.actor, c.r.PathValue("Sid"))
	if err != nil {
		return a.serviceError(c, err, true)
	}
	out := credentialListJSON{Credentials: make([]credentialJSON, len(app.FederatedCredentials))}
	for i, fc := range app.FederatedCredentials {
		out.Credentials[i] = a.credentialJSON(app.SID, fc)
	}
	return reply(http.StatusOK, out).withApp(app.Version, "")
}

// getCredential: GET {prefix}/OAuthApps/{Sid}/FederatedCredentials/{CredentialSid}.
func (a *API) getCredential(c *call) response {
	app, err := a.svc.GetApp(c.r.Context(), c.actor, c.r.PathValue("Sid"))
	if err != nil {
		return a.serviceError(c, err, true)
	}
	for _, fc := range app.FederatedCredentials {
		if fc.ID == c.r.PathValue("CredentialSid") {
			return reply(http.StatusOK, a.credentialJSON(app.SID, fc)).withApp(app.Version, "")
		}
	}
	return noCredential()
}

// addCredential: POST {prefix}/OAuthApps/{Sid}/FederatedCredentials,
// If-Match honoured.
func (a *API) addCredential(c *call) response {
	sid := c.r.PathValue("Sid")
	if len(c.body) == 0 {
		return invalid("", "the body is required: an object with name, issuer, subject and audience")
	}
	var in credentialBodyJSON
	if p := decode(c.body, &in, credentialMembers); p != nil {
		return *p
	}
	v, p := a.ifVersion(c, sid)
	if p != nil {
		return *p
	}
	c.fields = credentialFields
	app, err := a.svc.AddFederatedCredential(c.r.Context(), c.actor, sid, in.credential(), v)
	if err != nil {
		return a.serviceError(c, err, true)
	}
	// The credential added is the last: app is the app as this call
	// saved it.
	fc := a.credentialJSON(app.SID, app.FederatedCredentials[len(app.FederatedCredentials)-1])
	return reply(http.StatusCreated, fc).withApp(app.Version, fc.URL)
}

// removeCredential: DELETE
// {prefix}/OAuthApps/{Sid}/FederatedCredentials/{CredentialSid}, If-Match
// honoured.
func (a *API) removeCredential(c *call) response {
	return a.removeChild(c, a.svc.RemoveFederatedCredential, c.r.PathValue("CredentialSid"))
}

// noCredential answers a credential the app does not hold.
func noCredential() response {
	return problemResponse(ProblemNotFound, "", "the app has no federated credential with this SID")
}

// credentialJSON describes one federated credential.
type credentialJSON struct {
	SID         string `json:"sid"`
	Name        string `json:"name"`
	Issuer      string `json:"issuer"`
	Subject     string `json:"subject"`
	Audience    string `json:"audience"`
	Description string `json:"description"`
	DateCreated string `json:"date_created"`
	URL         string `json:"url"`
}

type credentialListJSON struct {
	Credentials []credentialJSON `json:"federated_credentials"`
}

func (a *API) credentialJSON(sid string, fc oauthapp.FederatedCredential) credentialJSON {
	return credentialJSON{
		SID: fc.ID, Name: fc.Name, Issuer: fc.Issuer, Subject: fc.Subject, Audience: fc.Audience,
		Description: fc.Description, DateCreated: date(fc.Created),
		URL: a.url(a.appPath(sid) + "/FederatedCredentials/" + url.PathEscape(fc.ID)),
	}
}

// credentialBodyJSON is the body of an add, and an entry of a create's
// federated_credentials.
type credentialBodyJSON struct {
	Name        *string `json:"name"`
	Issuer      *string `json:"issuer"`
	Subject     *string `json:"subject"`
	Audience    *string `json:"audience"`
	Description *string `json:"description"`
}

func (b credentialBodyJSON) credential() oauthapp.FederatedCredential {
	var fc oauthapp.FederatedCredential
	take(&fc.Name, b.Name)
	take(&fc.Issuer, b.Issuer)
	take(&fc.Subject, b.Subject)
	take(&fc.Audience, b.Audience)
	take(&fc.Description, b.Description)
	return fc
}
