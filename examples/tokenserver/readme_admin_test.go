package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// adminBlockMarker precedes the management API block of adminBlockDoc.
const adminBlockMarker = "<!-- admin-api block:"

// adminBlockDoc is the page that shows the management API at work.
const adminBlockDoc = "docs/management-api.md"

// readmeAdminBlock returns the sh block after the marker in adminBlockDoc.
func readmeAdminBlock(t *testing.T, root string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(adminBlockDoc)))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), adminBlockMarker)
	if !ok {
		t.Fatalf("%s has no management API block", adminBlockDoc)
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

// TestReadmeManagementAPIBlockRuns runs the management API block of
// docs/management-api.md as written, with bash from the repository root: it builds and starts the
// -demo server, creates an app, lists, rotates its secret, deletes it,
// sees it gone and stops the server.
func TestReadmeManagementAPIBlockRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("the management API block needs %s: %v", tool, err)
			}
			t.Skipf("the management API block needs %s (.ci/run installs it): %v", tool, err)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	block := readmeAdminBlock(t, root)
	tmp := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", block)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	// The block and the server it starts share a process group of their
	// own, which the test kills at the end whatever happened, and only it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	defer func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) }()
	if err := cmd.Wait(); err != nil {
		log, _ := os.ReadFile(filepath.Join(tmp, "admin.log"))
		t.Fatalf("the management API block failed: %v\nstdout:\n%s\nstderr:\n%s\nserver log:\n%s", err, stdout.Bytes(), stderr.Bytes(), log)
	}

	// Its output: the list page, the rotation's answer, the delete's
	// status and the fetch's after it.
	dec := json.NewDecoder(&stdout)
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
	var deleted, fetched int
	for _, step := range []struct {
		what string
		v    any
	}{{"list", &page}, {"rotation", &rotated}, {"delete", &deleted}, {"fetch after the delete", &fetched}} {
		if err := dec.Decode(step.v); err != nil {
			t.Fatalf("%s output: %v\n%s", step.what, err, stdout.Bytes())
		}
	}
	if len(page.Apps) != 3 || page.Meta.PageSize != 3 {
		t.Errorf("the list shows %d apps in pages of %d, want the two demo apps and the new one", len(page.Apps), page.Meta.PageSize)
	}
	listed := false
	for _, a := range page.Apps {
		listed = listed || a.SID == rotated.SID
	}
	if !listed {
		t.Error("the list does not show the app the block created")
	}
	if rotated.FriendlyName != "reports" || rotated.TTL != 900 || !strings.HasPrefix(rotated.ClientSecret, "oqcs_") {
		t.Errorf("rotation answer %+v", rotated)
	}
	if deleted != 204 || fetched != 404 {
		t.Errorf("delete %d then fetch %d, want 204 then 404", deleted, fetched)
	}

	// The block's kill stopped its server: the group empties.
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(-pgid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the server the block started is still running after its kill")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
