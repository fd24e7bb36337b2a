package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// curlRecorder is put before the quick start block: it leaves curl's
// behaviour as the block wrote it, and records each call's arguments,
// response headers (-D) and output in $QS_REC/<n>.*, so that the test
// checks every request. A counter file, not a variable, numbers the
// calls, since calls inside $(...) run in subshells.
const curlRecorder = `set -euo pipefail
curl() {
	local n
	n=$(( $(cat "$QS_REC/count" 2>/dev/null || echo 0) + 1 ))
	echo "$n" > "$QS_REC/count"
	printf '%s\n' "$@" > "$QS_REC/$n.args"
	command curl -D "$QS_REC/$n.head" "$@" | tee "$QS_REC/$n.body"
}
`

// A curl call of the quick start and what its answer must be.
type curlCheck struct {
	what   string
	status int
	check  func(head string, body []byte, demo map[string]any) error
}

// quickStartChecks are the quick start's requests in order. A request
// added to the block needs its check here: the test fails when the block
// makes more or fewer calls than there are checks.
var quickStartChecks = []curlCheck{
	{"token with client_secret_basic", 200, func(_ string, body []byte, _ map[string]any) error {
		return tokenAnswer(body, "/demo/messaging/messages/list /demo/messaging/messages/read")
	}},
	{"list messages", 200, func(_ string, body []byte, demo map[string]any) error {
		var got struct {
			Messages []struct {
				SID        string `json:"sid"`
				AccountSID string `json:"account_sid"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return err
		}
		if len(got.Messages) != 1 || got.Messages[0].AccountSID != demo["account_sid"] {
			return fmt.Errorf("want the demo account's one message")
		}
		return nil
	}},
	{"create a message without the permission", 403, func(head string, _ []byte, _ map[string]any) error {
		want := `Bearer realm="oauthapps", error="insufficient_scope", scope="/demo/messaging/messages/create"`
		for _, line := range strings.Split(head, "\n") {
			name, value, _ := strings.Cut(line, ":")
			if strings.EqualFold(name, "WWW-Authenticate") && strings.TrimSpace(value) == want {
				return nil
			}
		}
		return fmt.Errorf("no WWW-Authenticate: %s", want)
	}},
	{"introspection", 200, func(_ string, body []byte, demo map[string]any) error {
		var got struct {
			Active   bool   `json:"active"`
			Aud      string `json:"aud"`
			ClientID string `json:"client_id"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			return err
		}
		if !got.Active || got.Aud == "" || got.Aud != demo["audience"] || got.ClientID != demo["client_id"] {
			return fmt.Errorf("want active, aud %v (the demo line's audience), client_id %v", demo["audience"], demo["client_id"])
		}
		return nil
	}},
	{"token with client_secret_post, one permission", 200, func(_ string, body []byte, _ map[string]any) error {
		return tokenAnswer(body, "/demo/messaging/messages/read")
	}},
}

// tokenAnswer checks a token endpoint success (RFC 6749 section 5.1).
func tokenAnswer(body []byte, scope string) error {
	var got struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return err
	}
	if got.AccessToken == "" || got.TokenType != "Bearer" || got.ExpiresIn != 3600 || got.Scope != scope {
		return fmt.Errorf("want a Bearer access_token, expires_in 3600, scope %q", scope)
	}
	return nil
}

// fixedSleep is a sleep outside a polling loop.
var fixedSleep = regexp.MustCompile(`(^|[;&|]\s*)sleep\s`)

// TestReadmeQuickStartRuns runs the quick start block of README.md as
// written, under bash with -euo pipefail, from the repository root, with
// an empty build cache (GOCACHE in a new directory, as on a first run) and
// TMPDIR in a new directory. Every curl call it makes is recorded and
// checked against quickStartChecks; the server must be gone when the
// block ends, and the repository must hold no new file.
func TestReadmeQuickStartRuns(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; .ci/run installs it", tool)
			}
			t.Skipf("the quick start needs %s (.ci/run installs it): %v", tool, err)
		}
	}
	root := repoRoot(t)
	blocks, headings := readmeBlocks(t, root)
	at := -1
	for i, b := range blocks {
		if headings[i] == "Quick start" && b.Lang == "sh" {
			at = i
			break
		}
	}
	if at < 0 {
		t.Fatal("README.md has no ```sh block under ## Quick start")
	}
	qs := blocks[at]
	for n, line := range strings.Split(qs.Code, "\n") {
		code, _, _ := strings.Cut(line, "#")
		if fixedSleep.MatchString(code) && !strings.Contains(code, "until ") && !strings.Contains(code, "while ") {
			t.Errorf("README.md:%d: a fixed sleep; wait by polling instead: %s", qs.Line+n, line)
		}
	}
	if !strings.Contains(qs.Code, "kill ") {
		t.Error("the quick start block never says how to stop the server (kill ...)")
	}

	untracked := gitUntracked(t, root)
	rec, tmp, cache := t.TempDir(), t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", curlRecorder+qs.Code)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "GOCACHE="+cache, "QS_REC="+rec)
	// The block and the server it starts share a process group of their
	// own, which the test ends whatever happens.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	err := cmd.Wait()
	log, _ := os.ReadFile(filepath.Join(tmp, "demo.log"))
	if err != nil {
		t.Fatalf("the quick start failed: %v\noutput:\n%s\ndemo.log:\n%s", err, out.String(), log)
	}

	// The block's kill stopped the server: its process group empties
	// (the server drains requests for up to 5 s on SIGTERM).
	deadline := time.Now().Add(15 * time.Second)
	for syscall.Kill(-pgid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the server still runs after the quick start ended\ndemo.log:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}

	var demo map[string]any
	line, err := os.ReadFile(filepath.Join(tmp, "demo.json"))
	if err != nil || json.Unmarshal(line, &demo) != nil {
		t.Fatalf("no demo line in TMPDIR/demo.json (%v): %q", err, line)
	}
	count, err := os.ReadFile(filepath.Join(rec, "count"))
	calls, _ := strconv.Atoi(strings.TrimSpace(string(count)))
	if err != nil || calls != len(quickStartChecks) {
		t.Fatalf("the quick start made %d curl calls, the test checks %d: give each new call a check in quickStartChecks\noutput:\n%s", calls, len(quickStartChecks), out.String())
	}
	for n, c := range quickStartChecks {
		file := func(ext string) []byte {
			data, err := os.ReadFile(filepath.Join(rec, fmt.Sprintf("%d.%s", n+1, ext)))
			if err != nil {
				t.Fatalf("call %d (%s): %v", n+1, c.what, err)
			}
			return data
		}
		args, head, body := file("args"), string(file("head")), file("body")
		status, _ := strconv.Atoi(strings.Fields(head + " x 0")[1])
		if status != c.status {
			t.Errorf("call %d (%s): status %d, want %d\nargs: %q\n%s%s", n+1, c.what, status, c.status, args, head, body)
			continue
		}
		if err := c.check(head, body, demo); err != nil {
			t.Errorf("call %d (%s): %v\nargs: %q\n%s%s", n+1, c.what, err, args, head, body)
		}
	}

	if after := gitUntracked(t, root); !slices.Equal(after, untracked) {
		t.Errorf("the quick start left files in the repository: untracked before %q, after %q", untracked, after)
	}
}

// gitUntracked lists the repository's untracked files (ignored ones too).
func gitUntracked(t testing.TB, root string) []string {
	t.Helper()
	cmd := exec.Command("git", "status", "--porcelain", "--untracked-files=all", "--ignored")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git status: %v", err)
	}
	var files []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "??") || strings.HasPrefix(l, "!!") {
			files = append(files, l)
		}
	}
	return files
}
