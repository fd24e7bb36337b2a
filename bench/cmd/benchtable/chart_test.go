package main

import (
	"encoding/xml"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// svgDoc is what the tests read back from a chart.
type svgDoc struct {
	Rects []struct {
		Width string `xml:"width,attr"`
		Fill  string `xml:"fill,attr"`
	} `xml:"rect"`
	Texts []string `xml:"text"`
}

func chartOf(t *testing.T, in string, o chartOptions) svgDoc {
	t.Helper()
	results, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := chart(&out, results, o); err != nil {
		t.Fatal(err)
	}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, out.String())
	}
	return doc
}

// barWidths returns the widths of the bars, the background excluded.
func barWidths(t *testing.T, doc svgDoc) []float64 {
	t.Helper()
	var ws []float64
	for _, r := range doc.Rects[1:] {
		w, err := strconv.ParseFloat(r.Width, 64)
		if err != nil {
			t.Fatalf("bar width %q: %v", r.Width, err)
		}
		ws = append(ws, w)
	}
	return ws
}

func TestChart(t *testing.T) {
	in := strings.Join([]string{
		"BenchmarkTokenEndpointOurs/HS256-2 100 18000 ns/op 20000 cpu-ns/op 40 allocs/op",
		"BenchmarkTokenEndpointFosite/Plain-HMAC-2 100 25000 ns/op 26000 cpu-ns/op 118 allocs/op",
		"BenchmarkTokenEndpointFosite/Bcrypt12-HMAC-2 3 210000000 ns/op 200000000 cpu-ns/op 136 allocs/op",
		"BenchmarkValidate<x>-2 100 3000 ns/op 40 allocs/op",
	}, "\n")

	t.Run("draws one bar per selected row, longer for a costlier row, on a log axis", func(t *testing.T) {
		doc := chartOf(t, in, chartOptions{rows: regexp.MustCompile("^TokenEndpoint")})
		ws := barWidths(t, doc)
		if len(ws) != 3 {
			t.Fatalf("%d bars, want 3", len(ws))
		}
		if !(ws[0] < ws[1] && ws[1] < ws[2]) {
			t.Errorf("bar widths %v do not follow the costs 20 µs < 26 µs < 200 ms", ws)
		}
		// The axis runs from 10 µs to 1 s: 200 ms is 4.3 of its 5 decades, 20 µs 0.3.
		if got, want := ws[2]/barArea, (8.301-4)/5; got < want-0.01 || got > want+0.01 {
			t.Errorf("the 200 ms bar spans %.3f of the axis, want %.3f on a log scale", got, want)
		}
	})

	t.Run("labels each bar with its cost, CPU time first", func(t *testing.T) {
		doc := chartOf(t, in, chartOptions{})
		text := strings.Join(doc.Texts, "|")
		for _, want := range []string{"TokenEndpointOurs/HS256", "20 µs", "26 µs", "200 ms", "3 µs", "Validate<x>"} {
			if !strings.Contains(text, want) {
				t.Errorf("the chart's text lacks %q: %s", want, text)
			}
		}
	})

	t.Run("draws the highlighted rows in another colour", func(t *testing.T) {
		doc := chartOf(t, in, chartOptions{highlight: "Ours"})
		bars := doc.Rects[1:]
		if bars[0].Fill == bars[1].Fill || bars[1].Fill != bars[2].Fill {
			t.Errorf("fills %q %q %q: want only the first (ours) to differ", bars[0].Fill, bars[1].Fill, bars[2].Fill)
		}
	})

	t.Run("fails when no row is selected", func(t *testing.T) {
		results, err := parse(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := chart(&out, results, chartOptions{rows: regexp.MustCompile("^Nothing")}); !errors.Is(err, errNoRows) {
			t.Errorf("err = %v, want errNoRows", err)
		}
		if out.Len() != 0 {
			t.Errorf("wrote %d bytes for an empty chart", out.Len())
		}
	})
}

func TestDuration(t *testing.T) {
	tests := []struct {
		ns   float64
		want string
	}{
		{999, "999 ns"},
		{1500, "1.5 µs"},
		{19574, "19.6 µs"},
		{217319000, "217 ms"},
		{1e9, "1 s"},
		{5, "5 ns"},
	}
	for _, tt := range tests {
		t.Run("formats "+tt.want, func(t *testing.T) {
			if got := duration(tt.ns); got != tt.want {
				t.Errorf("duration(%v) = %q, want %q", tt.ns, got, tt.want)
			}
		})
	}
}
