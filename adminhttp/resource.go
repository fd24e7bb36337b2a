package adminhttp

import (
	"math"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/secret"
)

// appJSON is an OAuth app as the API shows it, in the shape of Twilio's
// OAuthApps resource.
type appJSON struct {
	SID            string     `json:"sid"`
	AccountSID     string     `json:"account_sid"`
	Type           string     `json:"type"`
	FriendlyName   string     `json:"friendly_name"`
	Description    string     `json:"description"`
	Region         string     `json:"region"`
	Status         string     `json:"status"`
	Policy         policyJSON `json:"policy"`
	AccessTokenTTL int64      `json:"access_token_ttl"`
	// DefaultGracePeriod is the grace, in seconds, of a rotation that
	// names none.
	DefaultGracePeriod int64  `json:"default_grace_period"`
	CreatorSID         string `json:"creator_sid"`
	DateCreated        string `json:"date_created"`
	DateUpdated        string `json:"date_updated"`
	ClientID           string `json:"client_id"`
	// ClientSecret is set only in the answer that made the secret.
	ClientSecret string `json:"client_secret,omitempty"`
	// Resources are the resource URIs (RFC 8707) the app's tokens may
	// be issued for, sorted.
	Resources []string `json:"resources"`
	// DPoPBoundAccessTokens is whether the app's tokens must be bound to
	// a DPoP key (RFC 9449 section 5.2).
	DPoPBoundAccessTokens bool      `json:"dpop_bound_access_tokens"`
	URL                   string    `json:"url"`
	Links                 linksJSON `json:"links"`
}

type policyJSON struct {
	Allow []string `json:"allow"`
	Deny  []string `json:"deny"`
}

type linksJSON struct {
	Secrets string `json:"secrets"`
	Keys    string `json:"keys"`
}

// grantType is the one OAuth grant type an app uses.
const grantType = "client_credentials"

func (a *API) appJSON(app oauthapp.App, sec *secret.Secret) appJSON {
	j := appJSON{
		SID:                app.SID,
		AccountSID:         app.AccountSID,
		Type:               grantType,
		FriendlyName:       app.FriendlyName,
		Description:        app.Description,
		Region:             app.Region,
		Status:             "active",
		Policy:             policyJSON{Allow: nonNil(app.Permissions.Allow), Deny: nonNil(app.Permissions.Deny)},
		AccessTokenTTL:     int64(app.TokenTTL / time.Second),
		DefaultGracePeriod: int64(app.DefaultGrace / time.Second),
		CreatorSID:         app.CreatedBy,
		DateCreated:        date(app.CreatedAt),
		DateUpdated:        date(app.UpdatedAt),
		ClientID:           app.SID,
		Resources:          nonNil(app.Resources),

		DPoPBoundAccessTokens: app.DPoPBoundAccessTokens,
		URL:                   a.url(a.appPath(app.SID)),
		Links:                 linksJSON{Secrets: a.url(a.appPath(app.SID) + "/Secrets"), Keys: a.url(a.appPath(app.SID) + "/Keys")},
	}
	if sec != nil {
		j.ClientSecret = sec.Reveal()
	}
	return j
}

// secretJSON describes one client secret, never the secret itself.
type secretJSON struct {
	ID           string  `json:"id"`
	Status       string  `json:"status"`
	DateCreated  string  `json:"date_created"`
	DateExpires  *string `json:"date_expires"`
	DateLastUsed *string `json:"date_last_used"`
}

func secretsJSON(app oauthapp.App) []secretJSON {
	out := make([]secretJSON, 0, len(app.Secrets))
	for _, s := range app.Secrets {
		j := secretJSON{ID: s.ID, Status: "previous", DateCreated: date(s.Created), DateExpires: optDate(s.Expires), DateLastUsed: optDate(s.LastUsed)}
		if s.Current {
			j.Status = "current"
		}
		out = append(out, j)
	}
	return out
}

// listJSON is a page of apps, with Twilio's meta member.
type listJSON struct {
	Apps []appJSON `json:"oauth_apps"`
	Meta metaJSON  `json:"meta"`
}

type metaJSON struct {
	Key          string  `json:"key"`
	PageSize     int     `json:"page_size"`
	URL          string  `json:"url"`
	FirstPageURL string  `json:"first_page_url"`
	NextPageURL  *string `json:"next_page_url"`
}

type secretListJSON struct {
	Secrets []secretJSON `json:"secrets"`
}

// Request bodies. A member left out, or null, is not given.

// appBodyJSON is the body of a create or an update. Type and Region are
// set at creation only; an update that names them is refused.
type appBodyJSON struct {
	Type           *string         `json:"type"`
	Region         *string         `json:"region"`
	FriendlyName   *string         `json:"friendly_name"`
	Description    *string         `json:"description"`
	Policy         *policyBodyJSON `json:"policy"`
	AccessTokenTTL *int64          `json:"access_token_ttl"`
	DefaultGrace   *int64          `json:"default_grace_period"`
	Resources      *[]string       `json:"resources"`
	DPoPBound      *bool           `json:"dpop_bound_access_tokens"`
	// ClientKeys and NoSecret are set at creation only; keys are then
	// added and removed at the app's Keys.
	ClientKeys *[]keyBodyJSON `json:"client_keys"`
	NoSecret   *bool          `json:"no_secret"`
	// FederatedCredentials are set at creation only; they are then
	// added and removed at the app's FederatedCredentials.
	FederatedCredentials *[]credentialBodyJSON `json:"federated_credentials"`
}

type policyBodyJSON struct {
	Allow []string `json:"allow"`
	Deny  []string `json:"deny"`
}

type rotateJSON struct {
	GracePeriod *int64 `json:"grace_period"`
}

func (p *policyBodyJSON) permissions() *oauthapp.Permissions {
	if p == nil {
		return nil
	}
	return &oauthapp.Permissions{Allow: p.Allow, Deny: p.Deny}
}

// seconds turns a count of seconds into a Duration, saturating so that an
// out-of-range count stays out of range for the service to refuse.
func seconds(n int64) time.Duration {
	switch {
	case n > math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	case n < math.MinInt64/int64(time.Second):
		return math.MinInt64
	}
	return time.Duration(n) * time.Second
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// date writes a time as RFC 3339 in UTC, to the second.
func date(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func optDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := date(t)
	return &d
}
