package oauthhttp_test

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/secret"
)

func TestTokenEndpointIssues(t *testing.T) {
	f := newFixture(t)
	id, sec := f.app.SID, f.secret
	cases := []struct {
		name      string
		body      string
		auth      string
		wantScope string
	}{
		{"client_secret_basic gets every permission the policy allows", "grant_type=client_credentials", basic(id, sec), permList + " " + permRead},
		{"client_secret_post gets the same", "grant_type=client_credentials&client_id=" + id + "&client_secret=" + sec, "", permList + " " + permRead},
		{"a requested scope narrows the grant", "grant_type=client_credentials&scope=" + url.QueryEscape(permRead), basic(id, sec), permRead},
		{"the Basic scheme is case-insensitive", "grant_type=client_credentials", "bAsIc " + strings.TrimPrefix(basic(id, sec), "Basic "), permList + " " + permRead},
		{"Basic id and secret are form-decoded", "grant_type=client_credentials",
			"Basic " + base64.StdEncoding.EncodeToString([]byte("%4F"+id[1:]+":"+sec)), permList + " " + permRead},
		{"a client_id in the body equal to the Basic one is accepted", "grant_type=client_credentials&client_id=" + id, basic(id, sec), permList + " " + permRead},
		{"unknown parameters and empty pairs are ignored", "&foo=bar&grant_type=client_credentials&&x", basic(id, sec), permList + " " + permRead},
		{"a parameter without a value counts as omitted", "grant_type=client_credentials&scope=&grant_type=", basic(id, sec), permList + " " + permRead},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(f.srv.Token(), formRequest("/oauth2/token", tc.body, tc.auth))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", w.Code, w.Body)
			}
			h := w.Header()
			for k, v := range map[string]string{"Content-Type": "application/json;charset=UTF-8", "Cache-Control": "no-store", "Pragma": "no-cache"} {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			b := decode(t, w)
			if b.TokenType != "Bearer" || b.ExpiresIn != 3600 || b.Scope != tc.wantScope || b.AccessToken == "" {
				t.Errorf("answer %+v, want Bearer, 3600, scope %q", b, tc.wantScope)
			}
			res := oauthapp.Resource{Permission: strings.Fields(tc.wantScope)[0], AccountSID: f.app.AccountSID}
			if _, err := f.kit.Service.Authorize(ctx, b.AccessToken, res); err != nil {
				t.Errorf("issued token does not authorize: %v", err)
			}
		})
	}
}

// errorCase is one request the token endpoint must refuse.
type errorCase struct {
	name       string
	method     string // "" is POST
	ctype      string // "" is form; "-" is none
	body       string
	auth       []string
	length     int64 // overrides Content-Length when not zero
	wantStatus int
	wantCode   string
	wantHeader map[string]string
}

func TestTokenEndpointRefuses(t *testing.T) {
	f := newFixture(t, oauthhttp.WithRealm("api.example"), oauthhttp.WithMaxBodyBytes(1024))
	id, sec := f.app.SID, f.secret
	good := basic(id, sec)
	// A well-formed secret that belongs to no app: it passes the offline
	// checksum and fails only the hash comparison.
	wrong, err := secret.Generate()
	if err != nil {
		t.Fatal(err)
	}
	challenge := map[string]string{"WWW-Authenticate": `Basic realm="api.example"`}
	grant := "grant_type=client_credentials"
	cases := []errorCase{
		{name: "GET is invalid_request and names POST", method: http.MethodGet, body: grant, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request", wantHeader: map[string]string{"Allow": "POST"}},
		{name: "PUT is invalid_request", method: http.MethodPut, body: grant, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a JSON body is invalid_request", ctype: "application/json", body: `{"grant_type":"client_credentials"}`, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a form Content-Type whose parameters do not parse is invalid_request", ctype: formType + "; charset", body: grant, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "no Content-Type is invalid_request", ctype: "-", body: grant, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a declared body over the limit is invalid_request", body: grant + "&pad=" + strings.Repeat("a", 1100), auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "an undeclared body over the limit is invalid_request", body: grant + "&pad=" + strings.Repeat("a", 1100), length: -1, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a bad escape is invalid_request", body: grant + "&scope=%zz", auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a bad escape in an unknown parameter is invalid_request", body: grant + "&x=%4", auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a semicolon separator is invalid_request", body: grant + ";scope=x", auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a repeated grant_type is invalid_request", body: grant + "&" + grant, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a repeated scope is invalid_request", body: grant + "&scope=" + permList + "&scope=" + permRead, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a repeated client_id is invalid_request", body: grant + "&client_id=" + id + "&client_id=" + id + "&client_secret=" + sec, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a repeat hidden by escaping is invalid_request", body: grant + "&grant%5Ftype=client_credentials", auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "two Authorization headers are invalid_request", body: grant, auth: []string{good, good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "no grant_type is invalid_request", body: "scope=" + permList, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "the password grant is unsupported_grant_type", body: "grant_type=password&username=u&password=p", auth: []string{good}, wantStatus: 400, wantCode: "unsupported_grant_type"},
		{name: "grant_type is case-sensitive", body: "grant_type=Client_Credentials", auth: []string{good}, wantStatus: 400, wantCode: "unsupported_grant_type"},
		{name: "Basic and client_secret in the body is invalid_request", body: grant + "&client_secret=" + sec, auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "any Authorization header beside client_secret is invalid_request", body: grant + "&client_id=" + id + "&client_secret=" + sec, auth: []string{"Bearer x"}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "a body client_id other than the Basic one is invalid_request", body: grant + "&client_id=OQ00000000000000000000000000000000", auth: []string{good}, wantStatus: 400, wantCode: "invalid_request"},
		{name: "no credentials is invalid_client", body: grant, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "client_id without client_secret is invalid_client", body: grant + "&client_id=" + id, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "client_secret without client_id is invalid_client", body: grant + "&client_secret=" + sec, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "a wrong secret by Basic is invalid_client with a Basic challenge", body: grant, auth: []string{basic(id, f.kit.Secret(f.kit.NewApp(permList).SID))}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "a wrong secret in the body is invalid_client", body: grant + "&client_id=" + id + "&client_secret=" + wrong.Reveal(), wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "an unknown client is invalid_client", body: grant, auth: []string{basic("OQ00000000000000000000000000000000", sec)}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "a Bearer header is invalid_client", body: grant, auth: []string{"Bearer abc"}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "Basic that is not base64 is invalid_client", body: grant, auth: []string{"Basic !!!"}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "Basic without a colon is invalid_client", body: grant, auth: []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(id+sec))}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "Basic with an empty secret is invalid_client", body: grant, auth: []string{basic(id, "")}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "Basic with a bad escape is invalid_client", body: grant, auth: []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(id+":%zz"))}, wantStatus: 401, wantCode: "invalid_client", wantHeader: challenge},
		{name: "a scope the policy does not allow is invalid_scope", body: grant + "&scope=" + url.QueryEscape(permCreate), auth: []string{good}, wantStatus: 400, wantCode: "invalid_scope"},
		{name: "a malformed scope is invalid_scope", body: grant + "&scope=NOT-A-PERMISSION", auth: []string{good}, wantStatus: 400, wantCode: "invalid_scope"},
		{name: "a wildcard scope is invalid_scope", body: grant + "&scope=" + url.QueryEscape("/demo/messaging/*"), auth: []string{good}, wantStatus: 400, wantCode: "invalid_scope"},
		{name: "a scope holding the secret is invalid_scope", body: grant + "&scope=" + sec, auth: []string{good}, wantStatus: 400, wantCode: "invalid_scope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(f.srv.Token(), tc.request("/oauth2/token"))
			checkError(t, w, tc, sec)
		})
	}
}

func (tc errorCase) request(target string) *http.Request {
	method := tc.method
	if method == "" {
		method = http.MethodPost
	}
	r := formRequest(target, tc.body, "")
	r.Method = method
	switch tc.ctype {
	case "":
	case "-":
		r.Header.Del("Content-Type")
	default:
		r.Header.Set("Content-Type", tc.ctype)
	}
	for _, a := range tc.auth {
		r.Header.Add("Authorization", a)
	}
	if tc.length != 0 {
		r.ContentLength = tc.length
	}
	return r
}

// checkError checks status, code, headers, and that the description
// repeats no secret.
func checkError(t *testing.T, w interface {
	Result() *http.Response
}, tc errorCase, secret string) {
	t.Helper()
	res := w.Result()
	defer res.Body.Close()
	var body strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		body.WriteString(string(buf[:n]))
		if err != nil {
			break
		}
	}
	if res.StatusCode != tc.wantStatus {
		t.Fatalf("status %d, want %d; body %s", res.StatusCode, tc.wantStatus, body.String())
	}
	rec := struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{}
	if err := jsonUnmarshal(body.String(), &rec); err != nil {
		t.Fatalf("body %q: %v", body.String(), err)
	}
	if rec.Error != tc.wantCode || rec.Description == "" {
		t.Errorf("error %q (%q), want %q with a description", rec.Error, rec.Description, tc.wantCode)
	}
	if strings.Contains(body.String(), secret) || strings.Contains(body.String(), "access_token") {
		t.Errorf("body %s repeats the secret or holds a token", body.String())
	}
	for k, v := range tc.wantHeader {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if res.StatusCode == 401 && res.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Errorf("headers %v, want JSON with no-store", res.Header)
	}
}

// TestTokenEndpointLeavesTheQueryAlone: a token request's parameters are
// read from its body only (RFC 6749 sections 2.3.1 and 4.4.2). The
// endpoint's URL may carry a query of its own (section 3.2), which
// neither adds to nor overrides the body, nor fails the request when it
// does not parse.
func TestTokenEndpointLeavesTheQueryAlone(t *testing.T) {
	f := newFixture(t)
	id, sec := f.app.SID, f.secret
	full := permList + " " + permRead
	for _, tc := range []struct {
		name, query, body, auth string
		wantStatus              int
		wantScope               string
	}{
		{"a query's scope beyond the policy neither narrows nor fails the grant", "scope=" + url.QueryEscape(permCreate),
			"grant_type=client_credentials", basic(id, sec), 200, full},
		{"a query's grant_type does not override the body's", "grant_type=password",
			"grant_type=client_credentials&scope=" + url.QueryEscape(permRead), basic(id, sec), 200, permRead},
		{"a query's second grant_type is not a repeated parameter", "grant_type=client_credentials",
			"grant_type=client_credentials", basic(id, sec), 200, full},
		{"a query that does not parse is left alone", "%zz;x=%4",
			"grant_type=client_credentials", basic(id, sec), 200, full},
		{"credentials in the query are not read", "client_id=" + id + "&client_secret=" + sec,
			"grant_type=client_credentials", "", 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := formRequest("/oauth2/token?"+tc.query, tc.body, tc.auth)
			w := serve(f.srv.Token(), r)
			if w.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.wantStatus, w.Body)
			}
			if tc.wantStatus != 200 {
				return
			}
			if b := decode(t, w); b.Scope != tc.wantScope {
				t.Errorf("scope %q, want %q", b.Scope, tc.wantScope)
			}
			if r.PostForm.Get("grant_type") != "client_credentials" || r.Form != nil {
				t.Errorf("PostForm %v and Form %v, want the body's values in PostForm and no Form", r.PostForm, r.Form)
			}
		})
	}
}

// TestTokenEndpointAfterMiddlewareParsedTheForm: a handler in front of
// the endpoint that parsed the form (ParseForm, FormValue) has read the
// body; the endpoint takes the values it left in r.PostForm, and still
// refuses a parameter given twice there.
func TestTokenEndpointAfterMiddlewareParsedTheForm(t *testing.T) {
	f := newFixture(t)
	parsing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.FormValue("grant_type")
		f.srv.Token().ServeHTTP(w, r)
	})
	auth := basic(f.app.SID, f.secret)
	w := serve(parsing, formRequest("/oauth2/token", "grant_type=client_credentials&scope="+url.QueryEscape(permRead), auth))
	if w.Code != http.StatusOK || decode(t, w).Scope != permRead {
		t.Fatalf("status %d %s, want 200 with scope %s", w.Code, w.Body, permRead)
	}
	w = serve(parsing, formRequest("/oauth2/token", "grant_type=client_credentials&scope="+permRead+"&scope="+permList, auth))
	if w.Code != http.StatusBadRequest || decode(t, w).Error != "invalid_request" {
		t.Fatalf("status %d %s, want 400 invalid_request for a repeated scope", w.Code, w.Body)
	}
}

func TestTokenEndpointNamesTheRefusedPermission(t *testing.T) {
	f := newFixture(t)
	body := "grant_type=client_credentials&scope=" + url.QueryEscape(permList+" "+permCreate)
	w := serve(f.srv.Token(), formRequest("/oauth2/token", body, basic(f.app.SID, f.secret)))
	b := decode(t, w)
	if w.Code != 400 || b.Error != "invalid_scope" || !strings.Contains(b.ErrorDescription, permCreate) {
		t.Fatalf("got %d %+v, want invalid_scope naming %s", w.Code, b, permCreate)
	}
}

func TestTokenEndpointAfterDeleteAndRotation(t *testing.T) {
	f := newFixture(t)
	old := f.secret
	fresh := f.kit.Rotate(f.app.SID, 0)
	for _, tc := range []struct {
		name   string
		secret string
		want   int
	}{
		{"a secret rotated with no grace fails", old, 401},
		{"the new secret works", fresh, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(f.srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, tc.secret)))
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
		})
	}
	t.Run("a deleted app's secret fails", func(t *testing.T) {
		if err := f.kit.Service.DeleteApp(ctx, f.kit.Owner, f.app.SID, 0); err != nil {
			t.Fatal(err)
		}
		w := serve(f.srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, fresh)))
		if w.Code != 401 || decode(t, w).Error != "invalid_client" {
			t.Fatalf("status %d %s, want 401 invalid_client", w.Code, w.Body)
		}
	})
}
