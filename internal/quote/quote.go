// Package quote bounds how much of outside input an error repeats. A
// client secret is 77 bytes and a token far longer; an error quotes at
// most Max bytes of what it was given, so that a secret sent in the wrong
// field (as a scope, a client id, a region, a token) never reaches a log
// through an error, and neither does enough of one to matter.
package quote

import (
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Max is the most bytes of outside input that an error message, or a
// field of an error value, repeats.
const Max = 24

// Cut returns s cut to at most Max bytes, at a UTF-8 boundary when s is
// valid UTF-8.
func Cut(s string) string {
	if len(s) <= Max {
		return s
	}
	n := Max
	for n > Max-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Q returns s quoted as %q does, cut to Max bytes first; "..." after the
// closing quote says it was cut.
func Q(s string) string {
	if c := Cut(s); len(c) < len(s) {
		return fmt.Sprintf("%q...", c)
	}
	return fmt.Sprintf("%q", s)
}

// quoted matches the quoted strings of an error message (as %q and Q
// write them), which are pieces of the input.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"(?:\.\.\.)?`)

// Redact returns an error message with every quoted string in it replaced
// by "…": what an answer to the client may repeat of an error about its
// own input. It then says what rule was broken and where (which entry,
// which byte), not what was sent, so that a secret pasted into the wrong
// field is never sent back.
func Redact(msg string) string { return quoted.ReplaceAllString(msg, `"…"`) }
