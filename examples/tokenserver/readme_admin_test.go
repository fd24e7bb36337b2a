package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// adminBlockMarker precedes the README's management API block.
const adminBlockMarker = "<!-- admin-api block:"

// readmeAdminBlock returns the sh block after the marker in README.md.
func readmeAdminBlock(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), adminBlockMarker)
	if !ok {
		t.Fatal("README.md has no management API block")
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	if !ok {
		t.Fatal("the management API block is not a sh block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("the management API block does not end")
	}
	return block
}

// TestReadmeManagementAPICurlLinesWork runs the README's management API
// block, as written, with bash, against the -demo server: it creates an
// app, lists, rotates its secret and deletes it.
func TestReadmeManagementAPICurlLinesWork(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the README block needs %s (apt-get install %s)", tool, tool)
		}
	}
	block := readmeAdminBlock(t)
	dir := t.TempDir()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
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
	line := append([]byte(nil), lines.Bytes()...)
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if err := os.WriteFile(filepath.Join(dir, "demo.json"), append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	var demo demoLine
	if err := json.Unmarshal(line, &demo); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", block)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("the README block failed: %v\n%s\n%s", err, got, stderr.Bytes())
	}

	// Its output: the list page, the rotation's answer, the delete's status.
	dec := json.NewDecoder(bytes.NewReader(got))
	var page struct {
		Apps []struct {
			SID string `json:"sid"`
		} `json:"oauth_apps"`
		Meta struct {
			PageSize int `json:"page_size"`
		} `json:"meta"`
	}
	var rotated struct {
		SID          string `json:"sid"`
		FriendlyName string `json:"friendly_name"`
		ClientSecret string `json:"client_secret"`
		TTL          int    `json:"access_token_ttl"`
	}
	if err := dec.Decode(&page); err != nil {
		t.Fatalf("list output: %v\n%s", err, got)
	}
	if err := dec.Decode(&rotated); err != nil {
		t.Fatalf("rotate output: %v\n%s", err, got)
	}
	var status int
	if err := dec.Decode(&status); err != nil || status != 204 {
		t.Fatalf("delete output: %d %v\n%s", status, err, got)
	}
	if len(page.Apps) != 2 || page.Meta.PageSize != 2 {
		t.Errorf("the list shows %d apps in pages of %d, want the demo app and the new one", len(page.Apps), page.Meta.PageSize)
	}
	if rotated.FriendlyName != "reports" || rotated.TTL != 900 || !strings.HasPrefix(rotated.ClientSecret, "oqcs_") {
		t.Errorf("rotation answer %+v", rotated)
	}
	// The created app is gone; the demo app is left.
	for sid, want := range map[string]int{rotated.SID: 404, demo.ClientID: 200} {
		req, _ := http.NewRequest("GET", demo.AdminBase+"/"+sid, nil)
		req.Header.Set("Authorization", "Bearer "+demo.AdminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", sid, res.StatusCode, want)
		}
	}
	for target, c := range map[string]struct {
		token string
		want  int
	}{
		demo.AdminOpenAPI: {"", 200},
		demo.AdminBase:    {"adm_not-a-token", 401},
	} {
		req, _ := http.NewRequest("GET", target, nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("GET %s: %d, want %d", target, res.StatusCode, c.want)
		}
	}
	if !strings.HasSuffix(demo.AdminOpenAPI, "/v1/Account/openapi.json") || !strings.HasSuffix(demo.AdminBase, "/v1/Account/OAuthApps") {
		t.Errorf("demo line admin URLs %q %q", demo.AdminBase, demo.AdminOpenAPI)
	}
}
