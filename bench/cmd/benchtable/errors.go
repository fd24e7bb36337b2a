package main

import "errors"

var (
	// errNoBenchmarks means the input held no benchmark result line.
	errNoBenchmarks = errors.New("benchtable: no benchmark results in the input")
	// errBadRef means a -ref flag is not of the form prefix=row.
	errBadRef = errors.New("benchtable: -ref wants prefix=row")
	// errNoRows means the chart's selection matched no row with a cost.
	errNoRows = errors.New("benchtable: no row to chart")
)
