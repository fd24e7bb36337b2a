package oauthhttp_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// FuzzTokenEndpoint sends random methods, content types, Authorization
// headers (one per line) and bodies to the token endpoint. In them, {ID},
// {SECRET} and {BASIC} stand for the app's client id, its secret and the
// Basic value of both, so the fuzzer can mix valid credentials in. The
// endpoint must never panic, never answer 5xx, and answer 200 only when
// the request really presented the app's credentials, by one method, in
// a body that parses.
func FuzzTokenEndpoint(f *testing.F) {
	for _, seed := range [][4]string{
		{"POST", formType, "{BASIC}", "grant_type=client_credentials"},
		{"POST", formType, "", "grant_type=client_credentials&client_id={ID}&client_secret={SECRET}"},
		{"POST", formType + "; charset=utf-8", "{BASIC}", "grant_type=client_credentials&scope=%2Fdemo%2Fmessaging%2Fmessages%2Flist"},
		{"POST", formType, "{BASIC}\n{BASIC}", "grant_type=client_credentials"},
		{"POST", formType, "{BASIC}", "grant_type=client_credentials&client_secret={SECRET}"},
		{"POST", formType, "Basic Og==", "grant_type=client_credentials"},
		{"GET", "", "", ""},
		{"POST", "text/plain", "Bearer x", "grant%5Ftype=client%5Fcredentials;x=y"},
		{"POST", formType, "", "grant_type=client_credentials&client_id={ID}&client_secret=%zz"},
		{"POST", formType, "", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGciOiJFZERTQSJ9.e30.AAAA&resource=https%3A%2F%2Fapi.example%2F"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	fx := newFixture(f)
	id, secret := fx.app.SID, fx.secret
	h := fx.srv.Token()
	expand := strings.NewReplacer("{ID}", id, "{SECRET}", secret, "{BASIC}", basic(id, secret)).Replace

	f.Fuzz(func(t *testing.T, method, ctype, auth, body string) {
		auth, body = expand(auth), expand(body)
		r := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
		r.Method = method
		if ctype != "" {
			r.Header["Content-Type"] = []string{ctype}
		}
		if auth != "" {
			r.Header["Authorization"] = strings.Split(auth, "\n")
		}
		w := serve(h, r)
		if w.Code >= 500 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), secret) {
			t.Fatalf("answer repeats the secret: %s", w.Body)
		}
		if w.Code != http.StatusOK {
			if strings.Contains(w.Body.String(), "access_token") {
				t.Fatalf("error answer holds a token: %s", w.Body)
			}
			return
		}
		if !presentedCredentials(method, ctype, r.Header["Authorization"], body, id, secret) {
			t.Fatalf("minted a token for a request without valid credentials: method %q, type %q, auth %q, body %q", method, ctype, auth, body)
		}
		tok := decode(t, w).AccessToken
		if _, err := fx.kit.Service.Authorize(ctx, tok, oauthapp.Resource{Permission: permList, AccountSID: fx.app.AccountSID}); err != nil {
			t.Fatalf("minted token does not authorize: %v", err)
		}
	})
}

// presentedCredentials decides, with the standard library's parsers and
// independently of the handler, whether a request was a POST form that
// presented id and secret by exactly one method.
func presentedCredentials(method, ctype string, auth []string, body, id, secret string) bool {
	mediaType, _, _ := strings.Cut(ctype, ";")
	if method != http.MethodPost || !strings.EqualFold(strings.TrimSpace(mediaType), formType) {
		return false
	}
	form, err := url.ParseQuery(body)
	if err != nil {
		return false
	}
	switch len(auth) {
	case 0:
		return form.Get("client_id") == id && form.Get("client_secret") == secret
	case 1:
		if len(auth[0]) < 6 || !strings.EqualFold(auth[0][:6], "basic ") || form.Get("client_secret") != "" {
			return false
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimLeft(auth[0][6:], " "))
		if err != nil {
			return false
		}
		u, p, ok := strings.Cut(string(raw), ":")
		u, err1 := url.QueryUnescape(u)
		p, err2 := url.QueryUnescape(p)
		return ok && err1 == nil && err2 == nil && u == id && p == secret
	}
	return false
}
