package crossorigin

import (
	"errors"
	"net/http/httptest"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		trusted []string
		refused bool
	}{
		{name: "a GET from anywhere passes", method: "GET", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
		{name: "a client that is not a browser passes", method: "POST"},
		{name: "a same-origin browser post passes", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "https://app.example"}},
		{name: "a request the user typed passes", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "none"}},
		{name: "a cross-site form post is refused", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, refused: true},
		{name: "a same-site post from a sibling host is refused", method: "DELETE", headers: map[string]string{"Sec-Fetch-Site": "same-site"}, refused: true},
		{name: "an old browser's post from another origin is refused", method: "POST", headers: map[string]string{"Origin": "https://evil.example"}, refused: true},
		{name: "an old browser's post from the same host passes", method: "PUT", headers: map[string]string{"Origin": "https://app.example"}},
		{name: "an Origin of null is refused", method: "POST", headers: map[string]string{"Origin": "null"}, refused: true},
		{name: "a trusted origin passes", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://console.example"}, trusted: []string{"https://console.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "https://app.example/x", nil)
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			err := Check(r, tc.trusted...)
			if tc.refused != errors.Is(err, ErrCrossOrigin) {
				t.Fatalf("Check = %v, want refused %v", err, tc.refused)
			}
			if !tc.refused && err != nil {
				t.Fatalf("Check = %v, want nil", err)
			}
		})
	}
}
