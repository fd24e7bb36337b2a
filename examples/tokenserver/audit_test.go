package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// Audit lines carry the attributes their event has and no empty ones: a
// token issue names its token and scope and gives no reason, a failed
// authentication gives its reason and names no token.
func TestAuditLinesHoldNoEmptyAttributes(t *testing.T) {
	logs := &syncbuf.Buffer{}
	line, stop := startDemo(t, logs)
	var demo demoLine
	if err := json.Unmarshal(line, &demo); err != nil {
		t.Fatal(err)
	}
	for _, sec := range []string{demo.ClientSecret, "wrong"} {
		req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(demo.ClientID), url.QueryEscape(sec))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}

	var issued, failed string
	for _, line := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(line, oauthapp.AuditMessage) {
			continue
		}
		if strings.Contains(line, `=""`) {
			t.Errorf("audit line with an empty attribute: %s", line)
		}
		switch {
		case strings.Contains(line, oauthapp.AuditKeyEvent+"="+string(oauthapp.EventTokenIssued)):
			issued = line
		case strings.Contains(line, oauthapp.AuditKeyEvent+"="+string(oauthapp.EventAuthenticationFail)):
			failed = line
		}
	}
	for _, want := range []string{oauthapp.AuditKeyAppSID + "=" + demo.ClientID, oauthapp.AuditKeyTokenID + "=", oauthapp.AuditKeyScope + "=", oauthapp.AuditKeySecretID + "="} {
		if !strings.Contains(issued, want) {
			t.Errorf("token.issued line %q lacks %s", issued, want)
		}
	}
	if strings.Contains(issued, oauthapp.AuditKeyReason+"=") {
		t.Errorf("token.issued line %q gives a reason", issued)
	}
	if !strings.Contains(failed, oauthapp.AuditKeyReason+"=") || strings.Contains(failed, oauthapp.AuditKeyTokenID+"=") {
		t.Errorf("authentication.failed line %q: want a reason and no token_id", failed)
	}
}
