package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// The demo line tells a client everything the quick start uses, the
// audience its tokens carry included, and introspection at the printed
// URL confirms that audience.
func TestDemoLineTellsTheAudience(t *testing.T) {
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
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatal("no line on stdout")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	var all map[string]any
	if err := json.Unmarshal(lines.Bytes(), &all); err != nil {
		t.Fatalf("line %q: %v", lines.Text(), err)
	}
	fields := map[string]string{}
	for _, k := range []string{"token_url", "introspection_url", "jwks_url", "metadata_url", "api_base", "account_sid", "client_id", "client_secret", "audience"} {
		if v, _ := all[k].(string); v != "" {
			fields[k] = v
		} else {
			t.Errorf("demo line has no string %q: %s", k, lines.Text())
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
