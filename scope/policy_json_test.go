package scope

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParsePolicyJSON(t *testing.T) {
	tests := []struct {
		name, in            string
		wantAllow, wantDeny []string
		wantErr             error
	}{
		{"allow and deny", `{"allow":["/d/*"],"deny":["/d/p/r/delete"]}`, []string{"/d/*"}, []string{"/d/p/r/delete"}, nil},
		{"keys in any order", `{"deny":["/d/p/r/delete"],"allow":["/d/*"]}`, []string{"/d/*"}, []string{"/d/p/r/delete"}, nil},
		{"missing keys are empty lists", `{}`, nil, nil, nil},
		{"input is normalised", `{"allow":["/d/p/r/a","/d/p/*","/d/p/r/a"]}`, []string{"/d/p/*"}, nil, nil},
		{"unknown key", `{"allow":[],"alow":[]}`, nil, nil, ErrBadPolicyJSON},
		{"repeated key", `{"deny":["/d/*"],"deny":[]}`, nil, nil, ErrBadPolicyJSON},
		{"null list", `{"allow":null}`, nil, nil, ErrBadPolicyJSON},
		{"number entry", `{"allow":[1]}`, nil, nil, ErrBadPolicyJSON},
		{"not an object", `["/d/*"]`, nil, nil, ErrBadPolicyJSON},
		{"data after the object", `{"allow":[]} {}`, nil, nil, ErrBadPolicyJSON},
		{"truncated", `{"allow":["/d/*"`, nil, nil, ErrBadPolicyJSON},
		{"malformed entry", `{"allow":["/d/P/r/read"]}`, nil, nil, ErrBadCharacter},
		{"101 entries", `{"allow":[` + strings.Repeat(`"/d/p/r/a",`, 100) + `"/d/p/r/a"]}`, nil, nil, ErrTooManyEntries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePolicyJSON([]byte(tt.in))
			if tt.wantErr != nil {
				if p != nil || !errors.Is(err, tt.wantErr) {
					t.Fatalf("ParsePolicyJSON = %v, %v; want %v", p, err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(p.Allow(), tt.wantAllow) || !slices.Equal(p.Deny(), tt.wantDeny) {
				t.Fatalf("ParsePolicyJSON = %v, %v; want allow %q deny %q", p, err, tt.wantAllow, tt.wantDeny)
			}
		})
	}
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	p, err := NewPolicy([]string{"/d/*", "/e/p/r/read"}, []string{"/d/p/r/delete"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("held by value in a struct", func(t *testing.T) {
		type app struct {
			Name   string `json:"name"`
			Policy Policy `json:"policy"`
		}
		out, err := json.Marshal(app{Name: "x", Policy: *p})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"name":"x","policy":{"allow":["/d/*","/e/p/r/read"],"deny":["/d/p/r/delete"]}}`
		if string(out) != want {
			t.Fatalf("got %s, want %s", out, want)
		}
		var back app
		if err := json.Unmarshal(out, &back); err != nil || !samePolicy(&back.Policy, p) {
			t.Fatalf("did not round-trip: %v", err)
		}
		if !back.Policy.Allows("/d/q/r/read") || back.Policy.Allows("/d/p/r/delete") {
			t.Error("unmarshalled policy does not decide like the original")
		}
	})
	t.Run("empty policy writes empty lists", func(t *testing.T) {
		out, _ := json.Marshal(&Policy{})
		if string(out) != `{"allow":[],"deny":[]}` {
			t.Errorf("got %s", out)
		}
	})
	t.Run("failed unmarshal leaves the policy as it was", func(t *testing.T) {
		q := *p
		if err := json.Unmarshal([]byte(`{"allow":["/*"]}`), &q); err == nil {
			t.Fatal("want an error")
		}
		if !samePolicy(&q, p) || !q.Allows("/e/p/r/read") {
			t.Error("policy changed by a failed unmarshal")
		}
	})
	t.Run("error names the bad entry", func(t *testing.T) {
		_, err := ParsePolicyJSON([]byte(`{"deny":["/d/p/r/a","/d/p/r/A"]}`))
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("deny entry 1: %v", ErrBadCharacter)) {
			t.Errorf("error %v does not name deny entry 1", err)
		}
	})
}
