package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// The demo line tells a client everything the quick start uses, the
// audience its tokens carry included, and introspection at the printed
// URL confirms that audience.
func TestDemoLineTellsTheAudience(t *testing.T) {
	line, stop := startDemo(t, io.Discard)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	var all map[string]any
	if err := json.Unmarshal(line, &all); err != nil {
		t.Fatalf("line %q: %v", line, err)
	}
	fields := map[string]string{}
	for _, k := range []string{"token_url", "introspection_url", "jwks_url", "metadata_url", "api_base", "account_sid", "client_id", "client_secret", "audience"} {
		if v, _ := all[k].(string); v != "" {
			fields[k] = v
		} else {
			t.Errorf("demo line has no string %q: %s", k, line)
		}
	}
	if fields["audience"] != oauthapp.DefaultAudience {
		t.Fatalf("audience %q, want %q", fields["audience"], oauthapp.DefaultAudience)
	}

	req, _ := http.NewRequest("POST", fields["token_url"], strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(fields["client_id"]), url.QueryEscape(fields["client_secret"]))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	do(t, req, 200, &tok)

	req, _ = http.NewRequest("POST", fields["introspection_url"], strings.NewReader("token="+url.QueryEscape(tok.AccessToken)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(fields["client_id"]), url.QueryEscape(fields["client_secret"]))
	var intro struct {
		Active bool   `json:"active"`
		Aud    string `json:"aud"`
	}
	do(t, req, 200, &intro)
	if !intro.Active || intro.Aud != fields["audience"] {
		t.Fatalf("introspection %+v, want active with aud %q", intro, fields["audience"])
	}
}

// startDemo runs the server with -demo on a free port, logging to stderr,
// and returns the demo line and a function that stops the server and
// returns run's error.
func startDemo(t *testing.T, stderr io.Writer) (line []byte, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-demo"}, stdout, stderr)
		stdout.Close()
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		cancel()
		t.Fatalf("no line on stdout: %v", <-done)
	}
	line = slices.Clone(lines.Bytes())
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return line, func() error {
		cancel()
		return <-done
	}
}
