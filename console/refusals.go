package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/oauthapps/oauthapps/internal/quote"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// errIncomplete: a form that lacks the app's version, which every form
// that changes an app carries.
var errIncomplete = errors.New("console: the form has no app version")

// Messages of refusals that several pages give.
const (
	msgNoApp = "There is no OAuth app with this ID in your account. It may have been deleted."
	msgStale = "This app changed after this page was loaded (someone rotated its secret, or added or removed a key). " +
		"Nothing was changed. Here it is as it is now: check it, then try again."
	msgIncomplete = "The form is incomplete: it lacks the version of the app it was loaded with. Nothing was changed; reload the page and try again."
)

// fields maps the arguments of the service's calls onto the fields of
// the console's forms, and labels name those fields in a message.
var (
	fields = map[string]string{
		"FriendlyName": "name",
		"Description":  "description",
		"Permissions":  "permissions",
		"TokenTTL":     "ttl",
		"Grace":        "grace",
		"PublicKeyPEM": "public_key",
		"ClientKeys":   "public_key",
		"ID":           "key_id",
		"Algorithm":    "algorithm",
	}
	labels = map[string]string{
		"name":        "Name",
		"description": "Description",
		"permissions": "Permissions",
		"ttl":         "Token lifetime",
		"grace":       "Grace",
		"public_key":  "Public key",
		"key_id":      "Key ID",
		"algorithm":   "Algorithm",
	}
)

// explain sets v.Error to what a person is told of an error of the
// service, and returns the status of the page and the form field at
// fault ("" when none is; the caller then adds what did not happen).
func (c *Console) explain(r *http.Request, v *view, err error) (status int, field string) {
	var arg *oauthapp.ArgumentError
	switch {
	case errors.Is(err, errIncomplete):
		v.Error = msgIncomplete
		return http.StatusBadRequest, ""
	case errors.Is(err, oauthapp.ErrForbidden), errors.Is(err, oauthapp.ErrNotFound):
		// The role was checked before the call, so a refusal is of an
		// app of another account: answered as a missing one.
		v.Error = msgNoApp
		return http.StatusNotFound, ""
	case errors.Is(err, oauthapp.ErrVersionMismatch):
		v.Error = msgStale
		return http.StatusConflict, ""
	case errors.Is(err, oauthapp.ErrConflict):
		v.Error = "The app kept changing while the console tried to change it. Nothing was changed; try again."
		return http.StatusConflict, ""
	case errors.As(err, &arg):
		switch arg.Argument {
		case "appSID":
			v.Error = msgNoApp
			return http.StatusNotFound, ""
		case "keyID":
			v.Error = "The app has no client key with this ID; it may have been removed already. Nothing was changed."
			return http.StatusNotFound, ""
		case "after":
			v.Error = "There is no such page of the list. Start again from the first page."
			return http.StatusBadRequest, ""
		case "Actor.UserSID", "Actor.AccountSID":
			// The host's authenticator's actor: nothing the visitor can fix.
			c.cfg.logger.ErrorContext(r.Context(), "console: the authenticator returned a malformed actor", "error", err)
			v.Actor = oauthapp.Actor{}
			v.Error = "You are not signed in. Sign in to the service, then open the console again."
			return http.StatusUnauthorized, ""
		}
		if field, ok := fields[arg.Argument]; ok {
			v.Error = labels[field] + ": " + reason(arg) + "."
			return http.StatusBadRequest, field
		}
	}
	c.cfg.logger.ErrorContext(r.Context(), "console: "+r.Method+" "+r.URL.Path, "error", err)
	v.Error = "The request failed on the server. Try again later."
	return http.StatusInternalServerError, ""
}

// reason is the service's word on a bad argument, without the package's
// prefix and without anything quoted from the input (quote.Redact).
func reason(arg *oauthapp.ArgumentError) string {
	msg := arg.Error()
	for _, prefix := range []string{oauthapp.ErrInvalidArgument.Error() + ": ", oauthapp.ErrUnsupportedRegion.Error() + ": ", "oauthapp: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return quote.Redact(msg)
}

// refuse renders the page of a refusal of the service.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, v *view, err error) {
	status, _ := c.explain(r, v, err)
	v.Title = "Not done"
	c.render(w, status, "message", v)
}

// refuseOnApp answers a refused change of an app: the app's page as it is
// now, with the message at the top and the field at fault marked, for a
// refusal the visitor can act on there (a bad value, a stale page); the
// page of the refusal alone for the others (a missing app, a failure).
func (c *Console) refuseOnApp(w http.ResponseWriter, r *http.Request, v *view, sid string, status int, field, msg string) {
	v.Error, v.Field = msg, field
	if field != "" {
		v.Error += " Nothing was changed."
	}
	if status == http.StatusBadRequest || status == http.StatusConflict {
		app, err := c.svc.GetApp(r.Context(), v.Actor, sid)
		if err == nil {
			c.showApp(w, status, v, app)
			return
		}
	}
	v.Title = "Not done"
	c.render(w, status, "message", v)
}

// incomplete answers a form that lacks the app's version.
func (c *Console) incomplete(w http.ResponseWriter, v *view) {
	v.Title, v.Error = "Not done", msgIncomplete
	c.render(w, http.StatusBadRequest, "message", v)
}
