package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		wantName string
		want     map[string]float64
		wantOK   bool
	}{
		{
			name:     "reads every unit and drops the procs suffix",
			line:     "BenchmarkTokenEndpointFosite/Plain-HMAC-2   \t  200\t  37782 ns/op\t 44540 cpu-ns/op\t 14656 B/op\t 118 allocs/op",
			wantName: "TokenEndpointFosite/Plain-HMAC",
			want:     map[string]float64{"ns/op": 37782, "cpu-ns/op": 44540, "B/op": 14656, "allocs/op": 118},
			wantOK:   true,
		},
		{
			name:     "keeps a name that ends in letters and digits without a dash",
			line:     "BenchmarkFloor/HMAC-SHA256 1000 1303 ns/op",
			wantName: "Floor/HMAC-SHA256",
			want:     map[string]float64{"ns/op": 1303},
			wantOK:   true,
		},
		{
			name:     "reads fractional values",
			line:     "BenchmarkX-8 1000000000 0.2500 ns/op",
			wantName: "X",
			want:     map[string]float64{"ns/op": 0.25},
			wantOK:   true,
		},
		{name: "skips the bare name go test prints before a result", line: "BenchmarkTokenEndpointFosite/Plain-HMAC"},
		{name: "skips header lines", line: "cpu: Intel(R) Xeon(R) Processor @ 2.80GHz"},
		{name: "skips a line whose count is not a number", line: "BenchmarkX-2 many 12 ns/op"},
		{name: "skips a line with a value that is not a number", line: "BenchmarkX-2 10 twelve ns/op"},
		{name: "skips a line with a unit missing", line: "BenchmarkX-2 10 12 ns/op 5"},
		{name: "skips a line without ns/op", line: "BenchmarkX-2 10 12 B/op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, values, ok := parseLine(tt.line)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if name != tt.wantName {
				t.Errorf("name = %q, want %q", name, tt.wantName)
			}
			if !reflect.DeepEqual(values, tt.want) {
				t.Errorf("values = %v, want %v", values, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Run("gathers the runs of each benchmark in order of appearance", func(t *testing.T) {
		in := strings.Join([]string{
			"goos: linux",
			"BenchmarkB-2 10 20 ns/op",
			"BenchmarkA-2 10 5 ns/op",
			"BenchmarkB-2 10 30 ns/op",
			"PASS",
		}, "\n")
		got, err := parse(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].name != "B" || got[1].name != "A" {
			t.Fatalf("results = %v, want B then A", got)
		}
		if !reflect.DeepEqual(got[0].values["ns/op"], []float64{20, 30}) {
			t.Errorf("B ns/op = %v, want [20 30]", got[0].values["ns/op"])
		}
	})
	t.Run("fails on input without results", func(t *testing.T) {
		if _, err := parse(strings.NewReader("PASS\nok  x 0.1s\n")); !errors.Is(err, errNoBenchmarks) {
			t.Errorf("err = %v, want errNoBenchmarks", err)
		}
	})
}
