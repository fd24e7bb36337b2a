package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// refs maps a name prefix to the reference row of the rows it covers.
type refs map[string]string

// Set parses one -ref flag, prefix=row.
func (r refs) Set(s string) error {
	prefix, row, ok := strings.Cut(s, "=")
	if !ok || prefix == "" || row == "" {
		return fmt.Errorf("%w: %q", errBadRef, s)
	}
	r[prefix] = row
	return nil
}

func (r refs) String() string {
	pairs := make([]string, 0, len(r))
	for p, row := range r {
		pairs = append(pairs, p+"="+row)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

// refFor returns the reference row for name: the one of the longest prefix
// of name, or "" when no prefix matches.
func (r refs) refFor(name string) string {
	best, row := -1, ""
	for p, ref := range r {
		if strings.HasPrefix(name, p) && len(p) > best {
			best, row = len(p), ref
		}
	}
	return row
}

// cost is what a row costs per operation: the median CPU time when the
// benchmark measured it, else the median wall time.
func (res *result) cost() float64 {
	if v, ok := median(res.values[unitCPU]); ok {
		return v
	}
	v, _ := median(res.values[unitNs])
	return v
}

// render writes the Markdown table.
func render(w io.Writer, results []*result, r refs) error {
	byName := map[string]*result{}
	for _, res := range results {
		byName[res.name] = res
	}
	var b strings.Builder
	b.WriteString("| benchmark | runs | ns/op | CPU ns/op | CPU spread | allocs/op | ops/s per core | x ours (CPU) |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, res := range results {
		ns, _ := median(res.values[unitNs])
		cpu, spread := "n/a", "n/a"
		if v, ok := median(res.values[unitCPU]); ok {
			cpu, spread = grouped(v), percentSpread(res.values[unitCPU], v)
		}
		allocs := "n/a"
		if v, ok := median(res.values[unitAllocs]); ok {
			allocs = grouped(v)
		}
		perCore := "n/a"
		if c := res.cost(); c > 0 {
			perCore = grouped(1e9 / c)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s |\n",
			res.name, len(res.values[unitNs]), grouped(ns), cpu, spread, allocs, perCore,
			ratio(res, r.refFor(res.name), byName))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ratio is how many times the reference's cost the row costs.
func ratio(res *result, ref string, byName map[string]*result) string {
	if ref == "" {
		return "-"
	}
	base, ok := byName[ref]
	if !ok || base.cost() <= 0 {
		return "n/a"
	}
	x := res.cost() / base.cost()
	switch {
	case x >= 100:
		return grouped(x) + "x"
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64) + "x"
	default:
		return strconv.FormatFloat(x, 'f', 2, 64) + "x"
	}
}

// median returns the median of vs, and false when vs is empty.
func median(vs []float64) (float64, bool) {
	if len(vs) == 0 {
		return 0, false
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// percentSpread is half the range of vs as a percentage of mid, "±4%".
func percentSpread(vs []float64, mid float64) string {
	if mid == 0 {
		return "n/a"
	}
	lo, hi := vs[0], vs[0]
	for _, v := range vs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return fmt.Sprintf("±%.0f%%", (hi-lo)/2/mid*100)
}

// grouped formats v rounded to an integer, with thousands separated by
// commas; a fraction below 10 keeps one decimal.
func grouped(v float64) string {
	if v < 10 && v != math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	digits := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
