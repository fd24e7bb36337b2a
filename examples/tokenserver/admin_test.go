package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestDemoLineAdminFields: -demo's admin_base, admin_token and
// admin_openapi work: the token lists the demo account's one app, another
// token is refused, and the document is served.
func TestDemoLineAdminFields(t *testing.T) {
	demo := runDemo(t)
	if !strings.HasSuffix(demo.AdminBase, "/v1/Account/OAuthApps") || !strings.HasSuffix(demo.AdminOpenAPI, "/v1/Account/openapi.json") || !strings.HasPrefix(demo.AdminToken, "adm_") {
		t.Fatalf("demo line admin fields %+v", demo.adminDemo)
	}
	var list struct {
		Apps []struct {
			SID        string `json:"sid"`
			AccountSID string `json:"account_sid"`
			URL        string `json:"url"`
		} `json:"oauth_apps"`
	}
	getJSON(t, demo.AdminBase, demo.AdminToken, 200, &list)
	listed := map[string]bool{}
	for _, a := range list.Apps {
		if a.AccountSID != demo.AccountSID || a.URL != demo.AdminBase+"/"+a.SID {
			t.Errorf("the admin token lists %+v, not an app of the demo account at its URL", a)
		}
		listed[a.SID] = true
	}
	if len(list.Apps) != 2 || !listed[demo.ClientID] || !listed[demo.JWTClientID] {
		t.Errorf("the admin token lists %+v, want the demo app and the private_key_jwt app", list.Apps)
	}
	getJSON(t, demo.AdminBase, "adm_not-a-token", 401, nil)
	getJSON(t, demo.AdminBase, "", 401, nil)
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	getJSON(t, demo.AdminOpenAPI, "", 200, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("admin_openapi serves %q", doc.OpenAPI)
	}
	res, err := http.Get(demo.AdminBase + "/" + demo.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("an app without credentials: %d", res.StatusCode)
	}
}
