// Command benchtable reads the output of go test -bench and prints one
// Markdown table row per benchmark: the median over every run of ns/op,
// process CPU ns/op (the cpu-ns/op metric the bench package reports) with
// its spread, allocs/op, operations per second per core, and the ratio of
// CPU time to a named reference row.
//
// Usage:
//
//	go test -run '^$' -bench . -benchmem -count 5 | benchtable -ref TokenEndpoint=TokenEndpointOurs/EdDSA
//
// Each -ref prefix=row makes the rows whose name starts with prefix compare
// with row; the longest matching prefix wins. A row with no matching
// prefix shows "-", a reference that is not in the input shows "n/a".
// Names are printed without the Benchmark prefix and without the -N
// GOMAXPROCS suffix, so sub-benchmark names must not end in a dash and
// digits of their own.
//
// With -svg file it also draws the rows' cost (median CPU ns/op, else
// ns/op) as a horizontal bar chart on a logarithmic axis; -chart regexp
// picks the rows, and rows whose name contains -highlight (default
// "Ours") stand out:
//
//	benchtable -svg chart.svg -chart '^TokenEndpoint' compare.out
//
// It trusts its input to be go test output; lines it does not understand
// are skipped.
package main
