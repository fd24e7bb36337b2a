package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	r := refs{}
	flag.Var(r, "ref", "prefix=row: rows whose name starts with prefix get their ratio to row (repeatable)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchtable [-ref prefix=row]... [file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(os.Stdout, os.Stdin, flag.Args(), r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run reads the named files, or in when there are none, and writes the
// table to out.
func run(out io.Writer, in io.Reader, files []string, r refs) error {
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
	return render(out, results, r)
}
