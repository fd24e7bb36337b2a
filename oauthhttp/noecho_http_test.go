package oauthhttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// callEndpoints sends the secret in every parameter and header of the HTTP
// endpoints and the protected routes.
func (e *echoCase) callEndpoints() {
	rec, srv, app, s, typo, tok, forged := e.rec, e.srv, e.app, e.s, e.typo, e.tok, e.forged
	mux := http.NewServeMux()
	srv.Register(mux)
	for _, rt := range routes {
		mux.Handle(rt.Pattern, srv.Protect(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	}
	for _, c := range echoCalls(app, s, typo, tok, forged) {
		r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			r.Header.Set("Content-Type", c.ctype)
		}
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		var head strings.Builder
		_ = w.Header().Write(&head)
		rec.say(fmt.Sprintf("%.8s %.40s answered %d", c.method, c.path, w.Code), head.String()+w.Body.String())
	}
}

// echoCall is one request to the HTTP endpoints.
type echoCall struct{ method, path, body, auth, ctype string }

// echoCalls returns requests that carry the secret s (or its typo, or
// forged tokens) in every parameter and header of the endpoints and the
// protected routes, beside app's own credentials and token where a
// request needs them.
func echoCalls(app oauthapp.App, s, typo string, tok oauthapp.Token, forged []string) []echoCall {
	q := url.QueryEscape
	good := basic(app.SID, s)
	calls := []echoCall{
		{"POST", oauthhttp.TokenPath, "grant_type=" + q(s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&scope=" + q(s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&scope=" + q(permList+" "+s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&scope=" + q("/demo/"+s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&client_id=" + q(s) + "&client_secret=" + q(s), "", formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&client_id=" + q(s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&client_secret=" + q(s), good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&client_id=" + q(app.SID) + "&client_secret=" + q(typo), "", formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials&" + q(s) + "=" + q(s), good, formType},
		{"POST", oauthhttp.TokenPath, s, good, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials", basic(s, s), formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials", "Basic " + s, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials", s, formType},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials", good, s},
		{"POST", oauthhttp.TokenPath, "grant_type=client_credentials", good, "application/json"},
		{"POST", oauthhttp.TokenPath, `{"grant_type":"` + s + `","client_secret":"` + s + `"}`, good, "application/json"},
		{s, oauthhttp.TokenPath, "grant_type=client_credentials", good, formType},
		{"GET", oauthhttp.TokenPath + "?client_secret=" + q(s), "", good, ""},
		{"GET", oauthhttp.MetadataPath + "?x=" + q(s), "", "", ""},
		{"GET", oauthhttp.JWKSPath + "?x=" + q(s), "", "", ""},
		{"GET", "/v1/Accounts/" + s + "/Messages", "", "Bearer " + tok.AccessToken, ""},
		{"GET", "/v1/Accounts/" + app.AccountSID + "/Messages/" + s, "", "Bearer " + s, ""},
		{"GET", "/v1/Accounts/" + app.AccountSID + "/Messages", "", s, ""},
	}
	for _, path := range []string{oauthhttp.IntrospectionPath, oauthhttp.RevocationPath} {
		for _, f := range forged {
			calls = append(calls, echoCall{"POST", path, "token=" + q(f), good, formType})
		}
		calls = append(calls,
			echoCall{"POST", path, "token=" + q(tok.AccessToken) + "&token_type_hint=" + q(s), good, formType},
			echoCall{"POST", path, "token=" + q(s), basic(s, s), formType},
			echoCall{"POST", path, "token=" + q(s) + "&client_id=" + q(s) + "&client_secret=" + q(s), "", formType},
			echoCall{"POST", path, "token=" + q(s), s, formType},
		)
	}
	for _, f := range forged {
		calls = append(calls, echoCall{"GET", "/v1/Accounts/" + app.AccountSID + "/Messages", "", "Bearer " + f, ""})
	}
	return calls
}
