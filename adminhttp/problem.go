package adminhttp

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/oauthapps/oauthapps/internal/quote"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/secret"
)

// problem is an RFC 9457 problem details document, with the extension
// member "field".
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Field  string `json:"field,omitempty"`
}

// problemKinds gives each problem type its status and title.
var problemKinds = map[string]struct {
	status int
	title  string
}{
	ProblemUnauthenticated:      {http.StatusUnauthorized, "Not authenticated"},
	ProblemForbidden:            {http.StatusForbidden, "Role may not manage OAuth apps"},
	ProblemCrossOrigin:          {http.StatusForbidden, "Cross-origin request refused"},
	ProblemNotFound:             {http.StatusNotFound, "Not found"},
	ProblemInvalidRequest:       {http.StatusBadRequest, "Invalid request"},
	ProblemMethodNotAllowed:     {http.StatusMethodNotAllowed, "Method not allowed"},
	ProblemUnsupportedMediaType: {http.StatusUnsupportedMediaType, "Body must be JSON"},
	ProblemBodyTooLarge:         {http.StatusRequestEntityTooLarge, "Body too large"},
	ProblemPreconditionFailed:   {http.StatusPreconditionFailed, "The app changed"},
	ProblemConflict:             {http.StatusConflict, "Conflict"},
	ProblemIdempotencyKeyReused: {http.StatusUnprocessableEntity, "Idempotency-Key reused"},
	ProblemAnswerUnavailable:    {http.StatusConflict, "Answer unavailable"},
	ProblemInternal:             {http.StatusInternalServerError, "Internal error"},
}

// problemResponse returns the problem of the given type.
func problemResponse(typ, field, detail string) response {
	k := problemKinds[typ]
	b, _ := json.Marshal(problem{Type: typ, Title: k.title, Status: k.status, Detail: detail, Field: field})
	return response{status: k.status, ctype: "application/problem+json", body: append(b, '\n'), retry: typ == ProblemConflict}
}

func invalid(field, detail string) response {
	return problemResponse(ProblemInvalidRequest, field, detail)
}

// notFound is the one answer for a missing app, a malformed SID and
// another account's app, so that none can be told from the others.
func notFound() response {
	return problemResponse(ProblemNotFound, "", "there is no OAuth app with this SID in the account")
}

// argumentFields maps the arguments of the service's calls onto the
// members of the API's bodies and its query parameters.
var argumentFields = map[string]string{
	"FriendlyName": "friendly_name",
	"Description":  "description",
	"Region":       "region",
	"Permissions":  "policy",
	"TokenTTL":     "access_token_ttl",
	"DefaultGrace": "default_grace_period",
	"Grace":        "grace_period",
	"Resources":    "resources",
	"ClientKeys":   "client_keys",
	"NoSecret":     "no_secret",
	"ID":           "id",
	"Algorithm":    "algorithm",
	"PublicKeyPEM": "public_key",
	"Name":         "name",
	"Issuer":       "issuer",
	"Subject":      "subject",
	"Audience":     "audience",

	"FederatedCredentials": "federated_credentials",
	"limit":                "PageSize",
	"after":                "PageToken",
}

// serviceError answers an error of the service. onApp says whether the
// request named an app, where an actor allowed to manage apps but refused
// can only be of another account: that is answered as a missing app.
func (a *API) serviceError(c *call, err error, onApp bool) response {
	var arg *oauthapp.ArgumentError
	switch {
	case errors.Is(err, oauthapp.ErrForbidden):
		if onApp && c.actor.Role.CanManageApps() {
			return notFound()
		}
		return problemResponse(ProblemForbidden, "", "only the owner, administrator and developer roles may manage OAuth apps")
	case errors.Is(err, oauthapp.ErrNotFound):
		return notFound()
	case errors.Is(err, oauthapp.ErrVersionMismatch):
		return problemResponse(ProblemPreconditionFailed, "If-Match", "the app changed since the version If-Match names; nothing was changed")
	case errors.Is(err, oauthapp.ErrConflict):
		return problemResponse(ProblemConflict, "", "the app kept changing during the request; nothing was changed")
	case errors.As(err, &arg):
		switch arg.Argument {
		case "appSID":
			return notFound()
		case "keyID":
			return problemResponse(ProblemNotFound, "", "the app has no client key with this id")
		case "credentialID":
			return noCredential()
		case "Actor.UserSID", "Actor.AccountSID":
			// The authenticator's actor: not something the client can fix.
			a.cfg.logger.ErrorContext(c.r.Context(), "adminhttp: the authenticator returned a malformed actor", "error", err)
			return problemResponse(ProblemUnauthenticated, "", "the request's credentials were not accepted")
		}
		if field, ok := c.fields[arg.Argument]; ok {
			return invalid(field, redact(arg.Error()))
		}
		if field, ok := argumentFields[arg.Argument]; ok {
			return invalid(field, redact(arg.Error()))
		}
	}
	a.cfg.logger.ErrorContext(c.r.Context(), "adminhttp: "+c.r.Method+" "+c.r.URL.Path, "error", err)
	return problemResponse(ProblemInternal, "", "the request failed on the server")
}

// redact removes the request's own text from an error message before it
// goes into an answer (quote.Redact).
func redact(msg string) string { return quote.Redact(strings.TrimPrefix(msg, "oauthapp: ")) }

// memberName returns an unknown member's name as an answer may show it:
// at most 64 bytes, and never text that looks like a client secret.
func memberName(name string) string {
	if strings.Contains(strings.ToLower(name), secret.Prefix) {
		return "(redacted)"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}
