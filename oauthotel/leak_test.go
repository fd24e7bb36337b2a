package oauthotel_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/oauthotel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// jti reads a token's id from its payload.
func jti(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims struct {
		ID string `json:"jti"`
	}
	require.NoError(t, json.Unmarshal(payload, &claims))
	require.NotEmpty(t, claims.ID)
	return claims.ID
}

// post sends a form to an endpoint with client_secret_basic.
func (r *rig) post(t *testing.T, path string, form url.Values, id, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.ts.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	resp, err := r.ts.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestNoSecretOrTokenInAnyAttributeOrLogLine sends credentials everywhere
// a client can put them, through every endpoint and the protected API,
// with app SIDs on (the most attributes there are), and then looks for
// each secret, each whole token, each token's signature and each token id
// in every metric attribute and every span's name, attributes, status and
// events; and for the secrets, tokens and signatures in every log line
// (audit and server). Token ids may be logged (the audit trail names
// them); they may not be attributes.
func TestNoSecretOrTokenInAnyAttributeOrLogLine(t *testing.T) {
	r := newRig(t, oauthotel.WithAppSIDs(true))
	app := r.kit.NewApp(permList)
	secrets, tokens := sprayCredentials(t, r, app.SID)

	var forbidden []string                        // in no attribute
	unlogged := append([]string(nil), secrets...) // in no log line either
	for _, tk := range tokens {
		unlogged = append(unlogged, tk, tk[strings.LastIndexByte(tk, '.')+1:])
		forbidden = append(forbidden, jti(t, tk))
	}
	forbidden = append(forbidden, unlogged...)

	attrs := allMetricAttrs(r.metrics(t))
	spans := r.spans.GetSpans()
	require.NotEmpty(t, attrs)
	require.NotEmpty(t, spans)
	attrs = append(attrs, spanTexts(spans)...)
	appSIDs := 0
	for _, a := range attrs {
		if strings.Contains(a, app.SID) {
			appSIDs++
		}
		for _, f := range forbidden {
			if strings.Contains(a, f) {
				t.Errorf("attribute %q holds a secret, a token or a token id", a)
			}
		}
	}
	assert.Positive(t, appSIDs, "with WithAppSIDs the app's SID is an attribute: the test looks at real values")

	logs := r.logs.String()
	require.Contains(t, logs, "token.issued", "the audit log was written")
	for _, line := range strings.Split(logs, "\n") {
		for _, u := range unlogged {
			if strings.Contains(line, u) {
				t.Errorf("log line holds a secret or a token: %s", line)
			}
		}
	}
}

// sprayCredentials puts the secrets and tokens of the app appSID and of
// another app everywhere a client can put them, through every endpoint
// and the protected API, and returns every secret and token it used.
func sprayCredentials(t *testing.T, r *rig, appSID string) (secrets, tokens []string) {
	t.Helper()
	other := r.kit.NewApp(permList, permRead)
	secret, otherSecret := r.kit.Secret(appSID), r.kit.Secret(other.SID)
	account := r.kit.Owner.AccountSID
	list := strings.Replace(listPath, "{AccountSid}", account, 1)
	read := strings.NewReplacer("{AccountSid}", account, "{MessageSid}", "SM1").Replace(readPath)

	_, tok := r.token(t, grant(), appSID, secret)
	require.NotEmpty(t, tok)
	_, otherTok := r.token(t, grant(), other.SID, otherSecret)
	require.NotEmpty(t, otherTok)
	secrets = []string{secret, otherSecret}
	tokens = []string{tok, otherTok}

	// Credentials in the wrong places at the token endpoint.
	r.token(t, grant(), appSID, otherSecret)
	r.token(t, grant(), appSID, secret+"x")
	r.token(t, grant(), secret, secret)
	r.token(t, grant(), appSID, tok)
	r.token(t, url.Values{"grant_type": {"client_credentials"}, "scope": {secret + " " + tok}}, appSID, secret)
	r.token(t, url.Values{"grant_type": {secret}}, appSID, secret)
	r.token(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {appSID}, "client_secret": {secret}}, "", "")
	// Tokens at the protected API: good, too narrow, foreign, broken.
	r.get(t, list, tok)
	r.get(t, read, tok)
	r.get(t, read, otherTok)
	r.get(t, list, tok+"x")
	r.get(t, list, secret)
	// Introspection and revocation, by the owner and by another client.
	r.post(t, oauthhttp.IntrospectionPath, url.Values{"token": {tok}}, appSID, secret)
	r.post(t, oauthhttp.IntrospectionPath, url.Values{"token": {tok}}, appSID, otherSecret)
	r.post(t, oauthhttp.RevocationPath, url.Values{"token": {tok}}, other.SID, otherSecret)
	r.post(t, oauthhttp.RevocationPath, url.Values{"token": {tok}}, appSID, secret)
	r.get(t, list, tok) // revoked now
	// A rotation, and the old secret used after its grace.
	newSecret := r.kit.Rotate(appSID, 0)
	secrets = append(secrets, newSecret)
	r.token(t, grant(), appSID, secret)
	_, tok2 := r.token(t, grant(), appSID, newSecret)
	require.NotEmpty(t, tok2)
	tokens = append(tokens, tok2)
	return secrets, tokens
}

// spanTexts returns every span's name, status description and
// attributes, and its events' names and attributes.
func spanTexts(spans tracetest.SpanStubs) []string {
	var texts []string
	for _, s := range spans {
		texts = append(texts, s.Name, s.Status.Description)
		for _, kv := range s.Attributes {
			texts = append(texts, string(kv.Key)+"="+kv.Value.Emit())
		}
		for _, e := range s.Events {
			texts = append(texts, e.Name)
			for _, kv := range e.Attributes {
				texts = append(texts, string(kv.Key)+"="+kv.Value.Emit())
			}
		}
	}
	return texts
}
