package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDemoLineAdminFields: -demo's admin_base, admin_token and
// admin_openapi work: the token lists the demo account's one app, another
// token is refused, and the document is served.
func TestDemoLineAdminFields(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-demo"}, stdout, io.Discard)
		stdout.Close()
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the server did not stop")
		}
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("no demo line: %v", <-done)
	}
	var demo demoLine
	if err := json.Unmarshal(lines.Bytes(), &demo); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
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
