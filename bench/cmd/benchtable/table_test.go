package main

import (
	"errors"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	in := strings.Join([]string{
		"BenchmarkTokenEndpointOurs/EdDSA-2 100 50000 ns/op 60000 cpu-ns/op 4000 B/op 40 allocs/op",
		"BenchmarkTokenEndpointOurs/EdDSA-2 100 52000 ns/op 62000 cpu-ns/op 4000 B/op 40 allocs/op",
		"BenchmarkTokenEndpointOurs/EdDSA-2 100 51000 ns/op 58000 cpu-ns/op 4000 B/op 40 allocs/op",
		"BenchmarkTokenEndpointFosite/Bcrypt12-HMAC-2 3 270000000 ns/op 300000000 cpu-ns/op 20000 B/op 129 allocs/op",
		"BenchmarkValidateFosite/ES256-2 100 140000 ns/op 150000 cpu-ns/op 15840 B/op 229 allocs/op",
		"BenchmarkFloor/HMAC-SHA256-2 1000000 1300 ns/op 480 B/op 5 allocs/op",
	}, "\n")
	r := refs{}
	for _, f := range []string{"TokenEndpoint=TokenEndpointOurs/EdDSA", "Validate=ValidateOurs/ES256"} {
		if err := r.Set(f); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if err := run(&out, strings.NewReader(in), nil, r, nil, chartOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"| TokenEndpointOurs/EdDSA | 3 | 51,000 | 60,000 | ±3% | 40 | 16,667 | 1.00x |",
		"| TokenEndpointFosite/Bcrypt12-HMAC | 1 | 270,000,000 | 300,000,000 | ±0% | 129 | 3.3 | 5,000x |",
		"| ValidateFosite/ES256 | 1 | 140,000 | 150,000 | ±0% | 229 | 6,667 | n/a |",
		"| Floor/HMAC-SHA256 | 1 | 1,300 | n/a | n/a | 5 | 769,231 | - |",
	}
	for _, line := range want {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("table lacks\n%s\ngot\n%s", line, out.String())
		}
	}
}

func TestRefs(t *testing.T) {
	r := refs{}
	for _, f := range []string{"Validate=V/ours", "ValidateFosite=V/other"} {
		if err := r.Set(f); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"picks the longest matching prefix", "ValidateFosite/ES256", "V/other"},
		{"falls back to a shorter prefix", "ValidateGoOAuth2/Default", "V/ours"},
		{"has no reference for an unmatched row", "Floor/HMAC-SHA256", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.refFor(tt.row); got != tt.want {
				t.Errorf("refFor(%q) = %q, want %q", tt.row, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "noequals", "=row", "prefix="} {
		t.Run("rejects "+strings.TrimSpace(bad+" ")+" as a -ref", func(t *testing.T) {
			if err := (refs{}).Set(bad); !errors.Is(err, errBadRef) {
				t.Errorf("Set(%q) = %v, want errBadRef", bad, err)
			}
		})
	}
}

func TestGrouped(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{3.33, "3.3"},
		{5, "5"},
		{10, "10"},
		{999.6, "1,000"},
		{1234567, "1,234,567"},
	}
	for _, tt := range tests {
		t.Run("formats "+tt.want, func(t *testing.T) {
			if got := grouped(tt.v); got != tt.want {
				t.Errorf("grouped(%v) = %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		vs     []float64
		want   float64
		wantOK bool
	}{
		{"of an odd count is the middle value", []float64{9, 1, 5}, 5, true},
		{"of an even count is the mean of the middle two", []float64{4, 1, 3, 2}, 2.5, true},
		{"of nothing is absent", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := median(tt.vs)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("median(%v) = %v, %v; want %v, %v", tt.vs, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
