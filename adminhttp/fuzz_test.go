package adminhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// FuzzAPI sends arbitrary bodies, If-Match and Idempotency-Key headers to
// every route (federated credentials included): the API never answers 5xx, every answer is JSON (a problem
// for every refusal), and a refused request changes nothing stored.
func FuzzAPI(f *testing.F) {
	f.Add(uint8(0), `{"friendly_name":"x","policy":{"allow":["/demo/messaging/messages/list"]}}`, "", "k1")
	f.Add(uint8(1), `{"friendly_name":"y","access_token_ttl":120,"default_grace_period":0}`, `"1"`, "")
	f.Add(uint8(2), `{"grace_period":3600}`, `W/"1", "2"`, "k2")
	f.Add(uint8(3), ``, `*`, "")
	f.Add(uint8(4), `{"policy":{"allow":[],"deny":null}}`, `"x"`, "")
	f.Add(uint8(5), `[1,2]`, ``, "\x7f")
	const pub = `-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAZfVr/qg+CLb3IxwcQYpEAVUAycJkpFHbNaQrrhysb2k=\n-----END PUBLIC KEY-----\n`
	f.Add(uint8(6), `{"id":"k1","public_key":"`+pub+`"}`, `"1"`, "")
	f.Add(uint8(0), `{"friendly_name":"x","policy":{"allow":["/demo/messaging/messages/list"]},"no_secret":true,"client_keys":[{"public_key":"`+pub+`","algorithm":"EdDSA"}],"resources":["https://api.example.test/a"]}`, "", "")
	f.Add(uint8(1), `{"resources":["https://api.example.test/a"],"client_keys":[{"Id":1}]}`, "", "")
	f.Add(uint8(8), ``, `"2"`, "")
	f.Add(uint8(9), `{"name":"ci","issuer":"https://token.actions.example","subject":"repo:o/r:ref:refs/heads/main","audience":"https://github.com/o"}`, `"1"`, "fc1")
	f.Add(uint8(9), `{"name":"ci","issuer":"https://u@token.actions.example/#x","subject":"","audience":7}`, "", "")
	f.Add(uint8(10), ``, "", "")
	f.Add(uint8(11), ``, "", "")
	f.Add(uint8(12), ``, `"1"`, "")
	f.Add(uint8(0), `{"friendly_name":"x","policy":{"allow":["/demo/messaging/messages/list"]},"no_secret":true,"federated_credentials":[{"name":"a","issuer":"https://oidc.example","subject":"s","audience":"a"},{"name":"a"}]}`, "", "")
	keys := oauthapptest.NewKeys(f, token.EdDSA)
	f.Fuzz(func(t *testing.T, route uint8, body, ifMatch, key string) {
		st := store.NewMemory()
		svc, err := oauthapp.New(st, keys, oauthapp.WithResources("https://api.example.test/a"))
		if err != nil {
			t.Fatal(err)
		}
		owner := oauthapp.Actor{UserSID: "u1", AccountSID: "a1", Role: oauthapp.RoleOwner}
		api, err := adminhttp.New(svc, func(*http.Request) (oauthapp.Actor, error) { return owner, nil })
		if err != nil {
			t.Fatal(err)
		}
		app, _, err := svc.CreateApp(context.Background(), owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{"/demo/messaging/messages/list"}},
			ClientKeys:           []oauthapp.NewClientKey{{ID: "k0", PublicKeyPEM: fuzzKeyPEM}},
			FederatedCredentials: []oauthapp.FederatedCredential{{Name: "cluster", Issuer: "https://oidc.cluster.example", Subject: "system:serviceaccount:a:b", Audience: "api://x"}}})
		if err != nil {
			t.Fatal(err)
		}
		coll := api.CollectionPath()
		// The kid to remove comes from the Idempotency-Key input, as one
		// path segment.
		kid, fc := strings.ReplaceAll(key, "/", ""), strings.ReplaceAll(key, "/", "")
		if kid == "" {
			kid, fc = "k0", app.FederatedCredentials[0].ID
		}
		routes := []struct{ method, path string }{
			{"POST", coll}, {"POST", coll + "/" + app.SID}, {"POST", coll + "/" + app.SID + "/Secrets"},
			{"DELETE", coll + "/" + app.SID}, {"GET", coll + "?" + body}, {"GET", coll + "/" + app.SID},
			{"POST", coll + "/" + app.SID + "/Keys"}, {"GET", coll + "/" + app.SID + "/Keys"},
			{"DELETE", coll + "/" + app.SID + "/Keys/" + kid},
			{"POST", coll + "/" + app.SID + "/FederatedCredentials"}, {"GET", coll + "/" + app.SID + "/FederatedCredentials"},
			{"GET", coll + "/" + app.SID + "/FederatedCredentials/" + fc}, {"DELETE", coll + "/" + app.SID + "/FederatedCredentials/" + fc},
		}
		r := routes[int(route)%len(routes)]
		before := snapshot(t, st)
		req := httptest.NewRequest(r.method, "/", strings.NewReader(body))
		req.URL.Path, req.URL.RawQuery, _ = strings.Cut(r.path, "?")
		req.Header.Set("Content-Type", "application/json")
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", r.method, r.path, rec.Code, rec.Body)
		}
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code >= 400 && ct != "application/problem+json":
			t.Fatalf("refusal %d as %q", rec.Code, ct)
		case rec.Code < 300 && rec.Code != 204 && ct != "application/json":
			t.Fatalf("answer %d as %q", rec.Code, ct)
		}
		if rec.Code >= 300 && snapshot(t, st) != before {
			t.Fatalf("refused %s %s (%d) changed the store", r.method, r.path, rec.Code)
		}
	})
}

// fuzzKeyPEM is the client key of the fuzzed app.
const fuzzKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAZfVr/qg+CLb3IxwcQYpEAVUAycJkpFHbNaQrrhysb2k=
-----END PUBLIC KEY-----
`

func snapshot(t *testing.T, st *store.Memory) string {
	apps, err := st.ListApps(context.Background(), "a1", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v", apps)
}
