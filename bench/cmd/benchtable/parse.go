package main

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Units the table reads.
const (
	unitNs     = "ns/op"
	unitCPU    = "cpu-ns/op"
	unitAllocs = "allocs/op"
)

// procsSuffix is the -N that go test appends to a name when GOMAXPROCS > 1.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// result is every run of one benchmark: for each unit, one value per run.
type result struct {
	name   string
	values map[string][]float64
}

// parse reads go test -bench output and returns the results in the order in
// which each benchmark first appears.
func parse(r io.Reader) ([]*result, error) {
	var order []*result
	byName := map[string]*result{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, values, ok := parseLine(sc.Text())
		if !ok {
			continue
		}
		res, seen := byName[name]
		if !seen {
			res = &result{name: name, values: map[string][]float64{}}
			byName[name] = res
			order = append(order, res)
		}
		for unit, v := range values {
			res.values[unit] = append(res.values[unit], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, errNoBenchmarks
	}
	return order, nil
}

// parseLine reads one result line:
//
//	BenchmarkName-2   100   1234 ns/op   1300 cpu-ns/op   56 B/op   7 allocs/op
//
// and returns the short name and the value of each unit.
func parseLine(line string) (string, map[string]float64, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
		return "", nil, false
	}
	if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
		return "", nil, false
	}
	values := map[string]float64{}
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		values[f[i+1]] = v
	}
	if _, ok := values[unitNs]; !ok {
		return "", nil, false
	}
	name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	return name, values, true
}
