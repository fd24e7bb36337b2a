package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// The demo line's console_url signs a browser in to the console as the
// demo Owner, who sees the demo account's apps; the link works once, and
// the console without its session says so.
func TestConsoleURLSignsInTheDemoOwnerOnce(t *testing.T) {
	demo := runDemo(t)
	if !strings.Contains(demo.ConsoleURL, signInPath+"?token=") {
		t.Fatalf("console_url %q is not a sign-in link", demo.ConsoleURL)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar}
	status, page := get(t, browser, demo.ConsoleURL)
	if status != http.StatusOK || !strings.Contains(page, "OAuth apps") || !strings.Contains(page, demo.ClientID) ||
		!strings.Contains(page, demo.JWTClientID) || !strings.Contains(page, "(owner), account <span class=\"mono\">"+demo.AccountSID) {
		t.Fatalf("console_url: %d, want the demo Owner's list of the demo apps:\n%s", status, page)
	}

	if status, page := get(t, &http.Client{}, demo.ConsoleURL); status != http.StatusForbidden || !strings.Contains(page, "each link signs in once") {
		t.Fatalf("console_url used twice: %d %s, want 403", status, page)
	}
	base, _, _ := strings.Cut(demo.ConsoleURL, signInPath)
	if status, page := get(t, &http.Client{}, base+"/console/"); status != http.StatusUnauthorized || !strings.Contains(page, "You are not signed in") {
		t.Fatalf("the console without a session: %d, want 401 saying so:\n%s", status, page)
	}
}

// get fetches a URL with the client and returns the status and body.
func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}
