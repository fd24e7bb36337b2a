package oauthhttp_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

type introspected struct {
	Active     bool   `json:"active"`
	Scope      string `json:"scope"`
	ClientID   string `json:"client_id"`
	TokenType  string `json:"token_type"`
	Exp        int64  `json:"exp"`
	Iat        int64  `json:"iat"`
	Sub        string `json:"sub"`
	Iss        string `json:"iss"`
	Jti        string `json:"jti"`
	AccountSID string `json:"account_sid"`
	Region     string `json:"region"`
}

func (f *fixture) introspect(t *testing.T, tok, auth string) (int, introspected, string) {
	t.Helper()
	w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", "token="+url.QueryEscape(tok), auth))
	var got introspected
	if w.Code == 200 {
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Error("introspection answer without Cache-Control: no-store")
		}
	}
	return w.Code, got, w.Body.String()
}

func TestIntrospection(t *testing.T) {
	f := newFixture(t)
	own := f.token(t, permList)
	other := f.kit.NewApp(permList)
	otherAuth := basic(other.SID, f.kit.Secret(other.SID))
	auth := basic(f.app.SID, f.secret)

	t.Run("an own token is active with its claims", func(t *testing.T) {
		code, got, body := f.introspect(t, own, auth)
		if code != 200 || !got.Active || got.ClientID != f.app.SID || got.Sub != f.app.SID || got.Scope != permList ||
			got.TokenType != "Bearer" || got.Iss != issuer || got.AccountSID != f.app.AccountSID || got.Region != "us1" ||
			got.Jti == "" || got.Exp-got.Iat != 3600 {
			t.Fatalf("got %d %s", code, body)
		}
	})
	t.Run("another client's token is inactive", func(t *testing.T) {
		code, _, body := f.introspect(t, own, otherAuth)
		if code != 200 || body != `{"active":false}` {
			t.Fatalf("got %d %s, want 200 {\"active\":false}", code, body)
		}
	})
	t.Run("garbage is inactive", func(t *testing.T) {
		code, _, body := f.introspect(t, "garbage", auth)
		if code != 200 || body != `{"active":false}` {
			t.Fatalf("got %d %s", code, body)
		}
	})
	t.Run("the client must authenticate", func(t *testing.T) {
		w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", "token="+own, ""))
		checkError(t, w, errorCase{wantStatus: 401, wantCode: "invalid_client", wantHeader: map[string]string{"WWW-Authenticate": `Basic realm="oauthapps"`}}, f.secret)
	})
	t.Run("client_secret_post works too", func(t *testing.T) {
		w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", "token="+own+"&client_id="+f.app.SID+"&client_secret="+f.secret, ""))
		if w.Code != 200 || !json.Valid(w.Body.Bytes()) || w.Body.String() == `{"active":false}` {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
	})
	t.Run("a missing token is invalid_request", func(t *testing.T) {
		w := serve(f.srv.Introspection(), formRequest("/oauth2/introspect", "token_type_hint=access_token", auth))
		checkError(t, w, errorCase{wantStatus: 400, wantCode: "invalid_request"}, f.secret)
	})
	t.Run("GET is invalid_request", func(t *testing.T) {
		r := formRequest("/oauth2/introspect", "token="+own, auth)
		r.Method = http.MethodGet
		checkError(t, serve(f.srv.Introspection(), r), errorCase{wantStatus: 400, wantCode: "invalid_request", wantHeader: map[string]string{"Allow": "POST"}}, f.secret)
	})
}

func TestRevocation(t *testing.T) {
	f := newFixture(t)
	auth := basic(f.app.SID, f.secret)
	other := f.kit.NewApp(permList)
	otherAuth := basic(other.SID, f.kit.Secret(other.SID))
	revoke := func(tok, auth string) *httptest.ResponseRecorder {
		return serve(f.srv.Revocation(), formRequest("/oauth2/revoke", "token="+url.QueryEscape(tok)+"&token_type_hint=access_token", auth))
	}

	t.Run("another client's token is refused and stays active", func(t *testing.T) {
		tok := f.token(t, "")
		checkError(t, revoke(tok, otherAuth), errorCase{wantStatus: 400, wantCode: "unauthorized_client"}, f.secret)
		if _, got, _ := f.introspect(t, tok, auth); !got.Active {
			t.Fatal("token inactive after another client's revocation attempt")
		}
	})
	t.Run("an own token is revoked: introspection and the API refuse it", func(t *testing.T) {
		tok := f.token(t, "")
		w := revoke(tok, auth)
		if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("got %d %v", w.Code, w.Header())
		}
		if _, got, _ := f.introspect(t, tok, auth); got.Active {
			t.Fatal("revoked token still active")
		}
		checkBearer(t, f.api(true), bearerCase{method: "GET", path: "/v1/Accounts/" + f.app.AccountSID + "/Messages",
			auth: []string{"Bearer " + tok}, wantStatus: 401, wantAuth: `Bearer realm="oauthapps", error="invalid_token"`, wantCode: "invalid_token"})
		if w := revoke(tok, auth); w.Code != 200 {
			t.Fatalf("revoking twice: %d", w.Code)
		}
	})
	t.Run("an unknown token is 200", func(t *testing.T) {
		if w := revoke("not-a-token", auth); w.Code != 200 {
			t.Fatalf("got %d %s", w.Code, w.Body)
		}
	})
	t.Run("the client must authenticate", func(t *testing.T) {
		checkError(t, revoke(f.token(t, ""), basic(f.app.SID, f.kit.Secret(other.SID))), errorCase{wantStatus: 401, wantCode: "invalid_client"}, f.secret)
	})
	t.Run("a missing token is invalid_request", func(t *testing.T) {
		w := serve(f.srv.Revocation(), formRequest("/oauth2/revoke", "token=", auth))
		checkError(t, w, errorCase{wantStatus: 400, wantCode: "invalid_request"}, f.secret)
	})
}
