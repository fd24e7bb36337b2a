package quote

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestQuotesAreCut(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"short input whole", "us2", `"us2"`},
		{"input of Max bytes whole", strings.Repeat("a", Max), `"` + strings.Repeat("a", Max) + `"`},
		{"long input cut to Max bytes", strings.Repeat("b", Max+1), `"` + strings.Repeat("b", Max) + `"...`},
		{"cut at a rune boundary", strings.Repeat("a", Max-1) + "é and more", `"` + strings.Repeat("a", Max-1) + `"...`},
		{"control characters escaped", "a\nb", `"a\nb"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Q(tc.in); got != tc.want {
				t.Fatalf("Q(%q) = %s, want %s", tc.in, got, tc.want)
			}
			if c := Cut(tc.in); len(c) > Max || !strings.HasPrefix(tc.in, c) || (utf8.ValidString(tc.in) && !utf8.ValidString(c)) {
				t.Fatalf("Cut(%q) = %q", tc.in, c)
			}
		})
	}
}

func TestRedactDropsWhatWasQuoted(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"no quote unchanged", "friendly name is required", "friendly name is required"},
		{"a quoted value replaced", `permission "oq_secret_value" is malformed`, `permission "…" is malformed`},
		{"a cut quote replaced with its dots", "scope " + Q(strings.Repeat("x", 40)) + " bad", `scope "…" bad`},
		{"escaped quotes inside stay inside", `key "a\"b" and "c"`, `key "…" and "…"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Fatalf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
