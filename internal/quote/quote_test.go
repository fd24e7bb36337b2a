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
