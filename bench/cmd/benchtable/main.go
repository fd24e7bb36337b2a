package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
)

func main() {
	r := refs{}
	flag.Var(r, "ref", "prefix=row: rows whose name starts with prefix get their ratio to row (repeatable)")
	svgFile := flag.String("svg", "", "also write an SVG bar chart of the rows' cost to this file")
	rows := flag.String("chart", "", "regular expression: the rows the chart shows (default all)")
	highlight := flag.String("highlight", "Ours", "rows whose name contains this are drawn in another colour")
	title := flag.String("title", "CPU time per operation (log scale)", "the chart's title")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchtable [-ref prefix=row]... [-svg file [-chart regexp]] [file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := command(r, *svgFile, *rows, chartOptions{highlight: *highlight, title: *title}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// command runs the command once the flags are read.
func command(r refs, svgFile, rows string, o chartOptions) error {
	if rows != "" {
		re, err := regexp.Compile(rows)
		if err != nil {
			return fmt.Errorf("benchtable: -chart: %w", err)
		}
		o.rows = re
	}
	if svgFile == "" {
		return run(os.Stdout, os.Stdin, flag.Args(), r, nil, o)
	}
	f, err := os.Create(svgFile)
	if err != nil {
		return err
	}
	if err := run(os.Stdout, os.Stdin, flag.Args(), r, f, o); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// run reads the named files, or in when there are none, and writes the
// table to out and, when svg is not nil, the chart to svg.
func run(out io.Writer, in io.Reader, files []string, r refs, svg io.Writer, o chartOptions) error {
	if len(files) > 0 {
		readers := make([]io.Reader, 0, len(files))
		for _, name := range files {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			readers = append(readers, f)
		}
		in = io.MultiReader(readers...)
	}
	results, err := parse(in)
	if err != nil {
		return err
	}
	if err := render(out, results, r); err != nil {
		return err
	}
	if svg == nil {
		return nil
	}
	return chart(svg, results, o)
}
