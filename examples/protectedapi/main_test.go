package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The credentials line comes once the server listens: a client that reads
// it gets a token and calls the API at once, with no wait and no retry.
func TestCredentialsArePrintedOnceTheServerListens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, stdout := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, "127.0.0.1:0", stdout, slog.New(slog.NewTextHandler(io.Discard, nil)))
		stdout.Close()
	}()
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		t.Fatalf("no line on stdout: %v", <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	var demo struct {
		TokenURL     string `json:"token_url"`
		APIBase      string `json:"api_base"`
		AccountSID   string `json:"account_sid"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal(lines.Bytes(), &demo); err != nil {
		t.Fatalf("line %q: %v", lines.Text(), err)
	}

	req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(demo.ClientID), url.QueryEscape(demo.ClientSecret))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	call(t, req, &tok)
	req, _ = http.NewRequest("GET", demo.APIBase+"/Accounts/"+demo.AccountSID+"/Invoices", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var invoices struct {
		AccountSID string `json:"account_sid"`
	}
	call(t, req, &invoices)
	if invoices.AccountSID != demo.AccountSID {
		t.Fatalf("invoices of %q, want %q", invoices.AccountSID, demo.AccountSID)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after the context ended: %v", err)
	}
}

func call(t *testing.T, req *http.Request, v any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
}
