package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMetricsFlag runs the server with -demo and -metrics on free ports,
// gets a token and calls the API with it, and reads the library's metrics
// in the Prometheus text format where the demo line says.
func TestMetricsFlag(t *testing.T) {
	demo, stop := startDemoLine(t, "-metrics", "127.0.0.1:0")
	if !strings.HasPrefix(demo.MetricsURL, "http://127.0.0.1:") || !strings.HasSuffix(demo.MetricsURL, MetricsPath) {
		t.Fatalf("metrics_url %q", demo.MetricsURL)
	}

	req, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(demo.ClientID), url.QueryEscape(demo.ClientSecret))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	do(t, req, 200, &tok)
	bad, _ := http.NewRequest("POST", demo.TokenURL, strings.NewReader("grant_type=client_credentials"))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	bad.SetBasicAuth(url.QueryEscape(demo.ClientID), "oqcs_wrong")
	do(t, bad, 401, nil)
	getJSON(t, demo.APIBase+"/Accounts/"+demo.AccountSID+"/Messages", tok.AccessToken, 200, nil)

	res, err := http.Get(demo.MetricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	for _, want := range []sample{
		{"oauthapps_token_requests_total", []string{`oauthapps_grant_type="client_credentials"`, `oauthapps_outcome="issued"`}, "1"},
		{"oauthapps_token_requests_total", []string{`oauthapps_outcome="invalid_client"`}, "1"},
		{"oauthapps_client_authentication_failures_total", []string{`oauthapps_reason="malformed_secret"`}, "1"},
		{"oauthapps_authorizations_total", []string{`oauthapps_decision="allowed"`}, "1"},
		{"oauthapps_token_endpoint_duration_seconds_count", []string{`http_response_status_code="200"`, `oauthapps_outcome="issued"`}, "1"},
		{"oauthapps_token_endpoint_duration_seconds_count", []string{`http_response_status_code="401"`, `oauthapps_outcome="invalid_client"`}, "1"},
		{"oauthapps_authorize_duration_seconds_count", []string{`oauthapps_decision="allowed"`}, "1"},
		// The demo's two apps: the secret one and the private_key_jwt one.
		{"oauthapps_store_duration_seconds_count", []string{`oauthapps_store_method="CreateApp"`, `oauthapps_store_outcome="ok"`}, "2"},
	} {
		if !want.in(text) {
			t.Errorf("metrics lack %s%v %s", want.name, want.labels, want.value)
		}
	}
	if strings.Contains(text, demo.ClientSecret) || strings.Contains(text, tok.AccessToken) {
		t.Error("the metrics hold a secret or a token")
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", text)
	}

	if err := stop(); err != nil {
		t.Fatalf("run after shutdown: %v", err)
	}
	if _, err := http.Get(demo.MetricsURL); err == nil {
		t.Error("the metrics are still served after shutdown")
	}
}

// sample is one line of the Prometheus text format: a name, some of its
// labels, and its value.
type sample struct {
	name   string
	labels []string
	value  string
}

// in reports whether text has a line of the sample.
func (s sample) in(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, s.name+"{")
		if !ok || !strings.HasSuffix(rest, "} "+s.value) {
			continue
		}
		all := true
		for _, l := range s.labels {
			all = all && strings.Contains(rest, l)
		}
		if all {
			return true
		}
	}
	return false
}
