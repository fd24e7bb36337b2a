package browsertest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds each test's whole use of the browser.
const browserTimeout = 60 * time.Second

// chromium returns the path of a Chromium to drive. Without one the test
// skips, except under CI (which .ci/run sets), where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH; .ci/run installs Debian's chromium package")
	}
	t.Skip("no chromium on PATH: apt-get install chromium to run the browser tests")
	return ""
}

// browser is one headless Chromium tab, with what it saw: the answers of
// the documents it loaded, every URL it requested, and the questions
// (window.confirm) it was asked and answered yes.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string // screenshots
	n   int

	mu        sync.Mutex
	documents []document
	urls      []string
	dialogs   []string
}

// document is the answer to a request for a page.
type document struct {
	url    string
	status int64
	header map[string]string // names in lower case
}

// newBrowser starts Chromium for the test and opens a tab; it is stopped
// when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.WindowSize(1100, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx, dir: screenshotDir(t)}
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a timeout (see chromedp.NewContext)
		t.Fatalf("starting chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatal(err)
	}
	// Confirmations are accepted, as a person who clicked on purpose would.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	var cancel context.CancelFunc
	b.ctx, cancel = context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(cancel)
	return b
}

// record keeps the answers to page loads and every URL requested. It
// runs on the browser's reading goroutine, so it only appends.
func (b *browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.urls = append(b.urls, ev.Request.URL+ev.Request.URLFragment)
	case *network.EventResponseReceived:
		if ev.Type != network.ResourceTypeDocument {
			return
		}
		h := map[string]string{}
		for k, v := range ev.Response.Headers {
			h[strings.ToLower(k)] = fmt.Sprint(v)
		}
		b.documents = append(b.documents, document{url: ev.Response.URL, status: ev.Response.Status, header: h})
	}
}

// do runs the actions in the tab, failing the test with what was being
// done when one fails.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the text of the first element the CSS selector matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value returns the value of the first form control the selector
// matches.
func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

// location is the tab's URL.
func (b *browser) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// mainText is the text of the page's main element.
func (b *browser) mainText() string {
	b.t.Helper()
	return b.text("main")
}

// wantText fails the test unless the page's main element says each of
// the texts.
func (b *browser) wantText(texts ...string) {
	b.t.Helper()
	main := b.mainText()
	for _, s := range texts {
		if !strings.Contains(main, s) {
			b.t.Fatalf("the page at %s does not say %q; it says:\n%s", b.location(), s, main)
		}
	}
}

// screenshot saves the whole page as a PNG named after the step.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.n++
	file := filepath.Join(b.dir, fmt.Sprintf("%s-%02d-%s.png", strings.ReplaceAll(b.t.Name(), "/", "_"), b.n, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// seen returns copies of what the browser saw so far.
func (b *browser) seen() (docs []document, urls, dialogs []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]document(nil), b.documents...), append([]string(nil), b.urls...), append([]string(nil), b.dialogs...)
}

// history is the URLs of the tab's history.
func (b *browser) history() []string {
	b.t.Helper()
	h, err := chromedp.Run(b.ctx, chromedp.NavigationEntries())
	if err != nil {
		b.t.Fatal(err)
	}
	var urls []string
	for _, e := range h.Entries {
		urls = append(urls, e.URL)
	}
	return urls
}

// checkConsoleHeaders checks the headers of every console page the
// browser loaded (want at least min of them): a strict
// Content-Security-Policy with frame-ancestors 'none', and no-store.
func (b *browser) checkConsoleHeaders(consolePrefix string, min int) {
	b.t.Helper()
	docs, _, _ := b.seen()
	n := 0
	for _, d := range docs {
		if !strings.HasPrefix(d.url, consolePrefix) {
			continue
		}
		n++
		csp := d.header["content-security-policy"]
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				b.t.Errorf("%s (%d): Content-Security-Policy %q lacks %q", d.url, d.status, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			b.t.Errorf("%s: Content-Security-Policy %q allows something unsafe", d.url, csp)
		}
		if cc := d.header["cache-control"]; cc != "no-store" {
			b.t.Errorf("%s (%d): Cache-Control %q, want no-store", d.url, d.status, cc)
		}
	}
	if n < min {
		b.t.Errorf("the browser loaded %d console pages, want at least %d", n, min)
	}
}

// screenshotDir is OAUTHAPPS_SCREENSHOTS, made if need be, or a temporary
// directory of the test.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("OAUTHAPPS_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// publicKeyPEM is a new P-256 public key as a PEM PUBLIC KEY block.
func publicKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
