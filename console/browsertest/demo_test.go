package browsertest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
)

// demoLine is what the test reads of tokenserver -demo's line.
type demoLine struct {
	TokenURL     string `json:"token_url"`
	APIBase      string `json:"api_base"`
	AccountSID   string `json:"account_sid"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	ConsoleURL   string `json:"console_url"`
}

// TestConsoleInABrowser signs in to the demo server's console through
// console_url and does, in Chromium, what the console is for: create an
// app and read its secret from the page, get a token with it, rotate
// without grace and see the old secret refused, add a client key, delete
// the app and see its token refused. A form posted from another origin is
// refused and changes nothing. Every console page carries the security
// headers, and no secret or token is in a URL, the history or the
// server's log.
func TestConsoleInABrowser(t *testing.T) {
	b := newBrowser(t)
	demo, serverLog := startDemo(t)
	base, _, _ := strings.Cut(demo.ConsoleURL, "/console-signin")
	consoleURL := base + "/console"
	var secrets []string // every secret and token seen, none of which may leak
	secrets = append(secrets, demo.ClientSecret)

	// Sign in: the link sets a session and lands on the list of apps.
	b.do("sign in through console_url", chromedp.Navigate(demo.ConsoleURL), chromedp.WaitVisible(chromedp.CSS("h1")))
	if loc := b.location(); loc != consoleURL+"/" {
		t.Fatalf("console_url led to %s, want %s/", loc, consoleURL)
	}
	b.wantText("OAuth apps", "demo", demo.ClientID)
	if who := b.text(".who"); !strings.Contains(who, "(owner)") || !strings.Contains(who, demo.AccountSID) {
		t.Fatalf("signed in as %q, want the demo account's owner", who)
	}
	b.screenshot("apps")

	// Create an app and read its secret from the page.
	b.do("open the create form", chromedp.Click(chromedp.CSS(`a[href$="/apps/new"]`)), chromedp.WaitVisible(chromedp.CSS("#name")))
	b.do("fill in the create form",
		chromedp.SendKeys(chromedp.CSS("#name"), "reports"),
		chromedp.SendKeys(chromedp.CSS("#description"), "nightly reports"),
		chromedp.Click(chromedp.CSS(`input[value="/demo/messaging/messages/list"]`)),
		chromedp.SendKeys(chromedp.CSS("#ttl"), "900"),
	)
	b.screenshot("create")
	b.do("create", chromedp.Click(chromedp.CSS(`form[action$="/apps"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#client-secret")))
	b.wantText("App created: reports", "Copy the client secret now")
	sid, first := b.text("#client-id"), b.text("#client-secret")
	secrets = append(secrets, first)
	// The script shows the copy button, and it copies (or selects) the secret.
	b.do("copy the secret", chromedp.WaitVisible(chromedp.CSS("button.copy")), chromedp.Click(chromedp.CSS("button.copy")))
	said, err := chromedp.Run(b.ctx, chromedp.Poll[string](`document.querySelector(".copied").textContent || null`))
	if err != nil || (said != "Copied." && !strings.HasPrefix(said, "Selected")) {
		t.Fatalf("the copy button said %q (%v)", said, err)
	}
	b.screenshot("created")

	// The secret on the page gets a token; the token calls the API.
	firstToken := getToken(t, demo.TokenURL, sid, first, http.StatusOK)
	secrets = append(secrets, firstToken)
	callAPI(t, demo, firstToken, http.StatusOK)

	// Rotate without grace: the old secret and its token are refused at once.
	b.do("open the app", chromedp.Click(chromedp.CSS(`a.button[href$="/apps/`+sid+`"]`)), chromedp.WaitVisible(chromedp.CSS("#grace")))
	if def := b.value("#grace"); def != "86400" {
		t.Fatalf("the grace preselected is %s s, want the app's default, 86400", def)
	}
	b.do("choose no grace", chromedp.SetValue(chromedp.CSS("#grace"), "0"))
	b.screenshot("app")
	b.do("rotate", chromedp.Click(chromedp.CSS(`form[action$="/rotate"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#client-secret")))
	b.wantText("New client secret: reports")
	second := b.text("#client-secret")
	secrets = append(secrets, second)
	if second == first {
		t.Fatal("the rotation showed the old secret")
	}
	if _, _, dialogs := b.seen(); len(dialogs) == 0 || !strings.Contains(dialogs[len(dialogs)-1], "“reports” with no grace") {
		t.Fatalf("the rotation asked %q, want a question that names the app and says there is no grace", dialogs)
	}
	b.screenshot("rotated")
	getToken(t, demo.TokenURL, sid, first, http.StatusUnauthorized)
	callAPI(t, demo, firstToken, http.StatusUnauthorized)
	secondToken := getToken(t, demo.TokenURL, sid, second, http.StatusOK)
	secrets = append(secrets, secondToken)

	// Add a client key: paste a PEM public key.
	b.do("open the app", chromedp.Click(chromedp.CSS(`a.button[href$="/apps/`+sid+`"]`)), chromedp.WaitVisible(chromedp.CSS("#public_key")))
	b.do("add a key",
		chromedp.SetValue(chromedp.CSS("#public_key"), publicKeyPEM(t)),
		chromedp.SendKeys(chromedp.CSS("#key_id"), "laptop-1"),
		chromedp.Click(chromedp.CSS(`form[action$="/keys"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	b.wantText("The client key was added", "laptop-1", "ES256")
	b.screenshot("key-added")

	// Delete, on the page that names the app: its token is refused.
	b.do("open the delete confirmation", chromedp.Click(chromedp.CSS(`a[href$="/apps/`+sid+`/delete"]`)), chromedp.WaitVisible(chromedp.CSS("button.danger")))
	b.wantText("Delete “reports”?", "cannot be undone")
	b.screenshot("delete")
	b.do("delete", chromedp.Click(chromedp.CSS("button.danger")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	b.wantText("The app was deleted")
	if strings.Contains(b.mainText(), sid) {
		t.Fatal("the list still shows the deleted app")
	}
	b.screenshot("deleted")
	callAPI(t, demo, secondToken, http.StatusUnauthorized)
	getToken(t, demo.TokenURL, sid, second, http.StatusUnauthorized)

	// A form on another origin posts to the console as the signed-in
	// owner: refused, and the demo app is as it was.
	b.do("open the demo app", chromedp.Navigate(consoleURL+"/apps/"+demo.ClientID), chromedp.WaitVisible(chromedp.CSS("#grace")))
	version := b.value("input[name=version]")
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>Win a prize</title><form method="post" action="%s/apps/%s/delete">`+
			`<input type="hidden" name="version" value="%s"><button id="go">Claim the prize</button></form>`,
			consoleURL, demo.ClientID, version)
	}))
	defer evil.Close()
	if strings.HasPrefix(evil.URL, base) {
		t.Fatalf("the other site %s has the console's origin %s", evil.URL, base)
	}
	b.do("post from another origin", chromedp.Navigate(evil.URL), chromedp.Click(chromedp.CSS("#go")), chromedp.WaitVisible(chromedp.CSS(".alert")))
	b.wantText("sent from another site, so it was refused. Nothing was changed.")
	b.screenshot("cross-origin-refused")
	b.do("open the demo app again", chromedp.Navigate(consoleURL+"/apps/"+demo.ClientID), chromedp.WaitVisible(chromedp.CSS("#grace")))
	if now := b.value("input[name=version]"); now != version {
		t.Fatalf("the demo app's version went from %s to %s after a refused post", version, now)
	}
	callAPI(t, demo, getToken(t, demo.TokenURL, demo.ClientID, demo.ClientSecret, http.StatusOK), http.StatusOK)

	// Headers of every console page; no secret in a URL, the history or the log.
	b.checkConsoleHeaders(consoleURL, 10)
	_, urls, _ := b.seen()
	urls = append(urls, b.history()...)
	for _, s := range secrets {
		for _, u := range urls {
			if strings.Contains(u, s) || strings.Contains(u, url.QueryEscape(s)) {
				t.Errorf("a secret or token is in the URL %s", u)
			}
		}
		if strings.Contains(serverLog.String(), s) {
			t.Errorf("a secret or token is in the server's log")
		}
	}
	if !strings.Contains(serverLog.String(), "/console/apps") {
		t.Fatalf("the server's log shows no console request; is it the log?\n%s", serverLog)
	}
}

// startDemo builds and starts tokenserver -demo on a free loopback port,
// and returns its demo line and its log (standard error). The process is
// stopped when the test ends.
func startDemo(t *testing.T) (demoLine, *syncbuf.Buffer) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tokenserver")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..", "examples", "tokenserver")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build tokenserver: %v\n%s", err, out)
	}
	log := &syncbuf.Buffer{}
	cmd := exec.Command(bin, "-demo", "-addr", "127.0.0.1:0")
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("tokenserver did not stop within 10 s of SIGINT")
		}
	})
	lines := make(chan []byte, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadBytes('\n') // the process's end ends it
		lines <- line
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	var line []byte
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("tokenserver printed no demo line within 30 s; log:\n%s", log)
	}
	var demo demoLine
	if err := json.Unmarshal(line, &demo); err != nil || demo.ConsoleURL == "" {
		t.Fatalf("demo line %q (%v) has no console_url; log:\n%s", line, err, log)
	}
	return demo, log
}

// getToken asks the token endpoint for a token with the app's id and
// secret (client_secret_basic), and wants the status; it returns the
// access token of a 200.
func getToken(t *testing.T, tokenURL, id, secret string, want int) string {
	t.Helper()
	req, err := http.NewRequest("POST", tokenURL, strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body := send(t, req, want)
	if want == http.StatusOK {
		if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
			t.Fatalf("token answer %s: %v", body, err)
		}
	}
	return tok.AccessToken
}

// callAPI lists the demo account's messages with the bearer token, and
// wants the status.
func callAPI(t *testing.T, demo demoLine, bearer string, want int) {
	t.Helper()
	req, err := http.NewRequest("GET", demo.APIBase+"/Accounts/"+demo.AccountSID+"/Messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	send(t, req, want)
}

func send(t *testing.T, req *http.Request, want int) []byte {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL.Path, res.StatusCode, body, want)
	}
	return body
}
