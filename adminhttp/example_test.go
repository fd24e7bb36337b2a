package adminhttp_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
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

// An app that authenticates by private_key_jwt only: it is created with a
// public key and no secret, given a second key, and its first key removed.
func Example_clientKeys() {
	key, _ := token.GenerateKey(token.EdDSA)
	keys, _ := token.NewKeySet(key)
	svc, _ := oauthapp.New(store.NewMemory(), keys)
	api, _ := adminhttp.New(svc, func(*http.Request) (oauthapp.Actor, error) {
		return oauthapp.Actor{UserSID: "42", AccountSID: "acme", Role: oauthapp.RoleOwner}, nil
	})

	call := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		return rec
	}
	// publicKey is the client's public key as PEM; the client keeps the
	// private half.
	publicKey := func() string {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		der, _ := x509.MarshalPKIXPublicKey(pub)
		b, _ := json.Marshal(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
		return string(b)
	}

	res := call("POST", "/v1/Account/OAuthApps", `{"friendly_name":"signer","policy":{"allow":["/demo/messaging/messages/list"]},`+
		`"no_secret":true,"client_keys":[{"id":"2026-a","public_key":`+publicKey()+`}]}`)
	var app struct {
		SID          string  `json:"sid"`
		ClientSecret *string `json:"client_secret"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &app)
	fmt.Println(res.Code, app.ClientSecret == nil)

	res = call("POST", "/v1/Account/OAuthApps/"+app.SID+"/Keys", `{"id":"2026-b","public_key":`+publicKey()+`}`)
	var added struct {
		ID        string `json:"id"`
		Algorithm string `json:"algorithm"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &added)
	fmt.Println(res.Code, added.ID, added.Algorithm, res.Header().Get("ETag"))

	res = call("POST", "/v1/Account/OAuthApps/"+app.SID+"/Keys", `{"algorithm":"HS256","public_key":`+publicKey()+`}`)
	var problem struct {
		Field string `json:"field"`
	}
	_ = json.Unmarshal(res.Body.Bytes(), &problem)
	fmt.Println(res.Code, problem.Field)

	fmt.Println(call("DELETE", "/v1/Account/OAuthApps/"+app.SID+"/Keys/2026-a", "").Code)
	var list struct {
		Keys []struct {
			ID string `json:"id"`
		} `json:"keys"`
	}
	_ = json.Unmarshal(call("GET", "/v1/Account/OAuthApps/"+app.SID+"/Keys", "").Body.Bytes(), &list)
	fmt.Println(len(list.Keys), list.Keys[0].ID)
	// Output:
	// 201 true
	// 201 2026-b EdDSA "2"
	// 400 algorithm
	// 204
	// 1 2026-b
}
