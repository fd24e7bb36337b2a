package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

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

// startDemo runs the server with -demo and the given flags on a free
// port, logging to stderr, and returns the demo line and a function that
// stops the server and returns run's error, or an error of its own when
// run has not returned 10 s after its context ended.
func startDemo(t *testing.T, stderr io.Writer, flags ...string) (line []byte, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-demo"}, flags...), stdout, stderr)
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
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("run did not return after the context ended")
		}
	}
}

// startDemoLine is startDemo with the line parsed and the log dropped.
func startDemoLine(t *testing.T, flags ...string) (demoLine, func() error) {
	t.Helper()
	line, stop := startDemo(t, io.Discard, flags...)
	var demo demoLine
	if err := json.Unmarshal(line, &demo); err != nil {
		_ = stop()
		t.Fatalf("line %q: %v", line, err)
	}
	return demo, stop
}

// runDemo is startDemoLine for a test that does not look at the server's
// shutdown: it is stopped when the test ends, and a failure to stop
// cleanly fails the test.
func runDemo(t *testing.T, flags ...string) demoLine {
	t.Helper()
	demo, stop := startDemoLine(t, flags...)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("stopping the demo server: %v", err)
		}
	})
	return demo
}
