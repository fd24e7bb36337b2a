package adminhttp_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// The host mounts the API with its own authentication of people; here a
// fixed API key stands for the owner of account "acme". An app is created,
// its secret rotated with no grace, and deleted.
func Example() {
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, _ := oauthapp.New(store.NewMemory(), keys)

	authenticate := func(r *http.Request) (oauthapp.Actor, error) {
		if r.Header.Get("Authorization") != "Bearer acme-owner-key" {
			return oauthapp.Actor{}, errors.New("unknown key")
		}
		return oauthapp.Actor{UserSID: "42", AccountSID: "acme", Role: oauthapp.RoleOwner}, nil
	}
	api, err := adminhttp.New(svc, authenticate, adminhttp.WithBaseURL("https://api.example.com"))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)

	call := func(method, path, body string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer acme-owner-key")
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}

	res := call("POST", "/v1/Account/OAuthApps", `{"friendly_name":"reports","policy":{"allow":["/demo/messaging/messages/list"]}}`, "Idempotency-Key", "reports-1")
	var app struct {
		SID          string `json:"sid"`
		AccountSID   string `json:"account_sid"`
		ClientSecret string `json:"client_secret"`
		URL          string `json:"url"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &app)
	fmt.Println(res.Code, app.AccountSID, res.Header().Get("ETag"), strings.HasPrefix(app.ClientSecret, "oqcs_"))
	fmt.Println(app.URL == "https://api.example.com/v1/Account/OAuthApps/"+app.SID)

	res = call("POST", "/v1/Account/OAuthApps/"+app.SID+"/Secrets", `{"grace_period":0}`, "If-Match", `"1"`)
	fmt.Println(res.Code, res.Header().Get("ETag"))
	res = call("POST", "/v1/Account/OAuthApps/"+app.SID, `{"friendly_name":"late"}`, "If-Match", `"1"`)
	fmt.Println(res.Code, res.Header().Get("Content-Type"))
	res = call("DELETE", "/v1/Account/OAuthApps/"+app.SID, "")
	fmt.Println(res.Code)
	// Output:
	// 201 acme "1" true
	// true
	// 201 "2"
	// 412 application/problem+json
	// 204
}
