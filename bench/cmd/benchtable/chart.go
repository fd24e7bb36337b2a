package main

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
)

// chartOptions choose what the SVG chart shows.
type chartOptions struct {
	rows      *regexp.Regexp // rows to draw; nil draws every row
	highlight string         // rows whose name contains it are drawn in another colour
	title     string
}

// Layout of the chart, in SVG user units (pixels).
const (
	chartWidth  = 800
	labelWidth  = 300 // the row names, right-aligned against the bars
	barArea     = 380 // the longest bar
	rowHeight   = 24
	chartTop    = 40 // the title and the axis labels above the bars
	chartBottom = 16
)

// chart writes an SVG horizontal bar chart of each selected row's cost
// (median CPU ns/op when measured, else wall ns/op), on a logarithmic axis
// so that rows thousands of times apart share one picture; each bar ends
// with its value. It returns errNoRows when the selection is empty.
func chart(w io.Writer, results []*result, o chartOptions) error {
	var rows []*result
	for _, res := range results {
		if res.cost() > 0 && (o.rows == nil || o.rows.MatchString(res.name)) {
			rows = append(rows, res)
		}
	}
	if len(rows) == 0 {
		return errNoRows
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, res := range rows {
		l := math.Log10(res.cost())
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)
	if hi == lo {
		hi = lo + 1
	}
	x := func(ns float64) float64 {
		return labelWidth + (math.Log10(ns)-lo)/(hi-lo)*barArea
	}
	height := chartTop + len(rows)*rowHeight + chartBottom

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartWidth, height, chartWidth, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartWidth, height)
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="14" font-weight="bold">%s</text>`+"\n", 8, escape(o.title))
	for d := lo; d <= hi; d++ {
		gx := x(math.Pow(10, d))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", gx, chartTop-4, gx, height-chartBottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`+"\n", gx, chartTop-8, duration(math.Pow(10, d)))
	}
	for i, res := range rows {
		y := chartTop + i*rowHeight
		fill := "#7a9cc6"
		if o.highlight != "" && strings.Contains(res.name, o.highlight) {
			fill = "#d9822b"
		}
		end := x(res.cost())
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelWidth-6, y+16, escape(res.name))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelWidth, y+4, end-labelWidth, rowHeight-8, fill)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", end+4, y+16, duration(res.cost()))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// duration formats nanoseconds with three significant digits at most and
// the unit that keeps the number between 1 and 1000: "19.6 µs", "217 ms".
func duration(ns float64) string {
	units := []struct {
		scale float64
		name  string
	}{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}
	for _, u := range units {
		if ns >= u.scale || u.scale == 1 {
			v := ns / u.scale
			switch {
			case v >= 100:
				return fmt.Sprintf("%.0f %s", v, u.name)
			case v >= 10:
				return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + u.name
			default:
				return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".") + " " + u.name
			}
		}
	}
	return ""
}

// escape makes s safe as SVG text.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
