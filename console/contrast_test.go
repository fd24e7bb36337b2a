package console

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The stylesheet's default colours, light and dark, keep the contrast
// WCAG 2 asks for: 4.5:1 for text on its background (body text, muted
// text, links, text on buttons, on the page and on panels), 3:1 for
// borders of controls and the focus ring.
func TestDefaultColoursHaveEnoughContrast(t *testing.T) {
	css, err := os.ReadFile("assets/console.css")
	if err != nil {
		t.Fatal(err)
	}
	light, dark, found := strings.Cut(string(css), "@media (prefers-color-scheme: dark)")
	if !found {
		t.Fatal("the stylesheet has no dark colours")
	}
	base := colours(t, light)
	darkColours := colours(t, dark)
	for name, set := range map[string]map[string]string{"light": base, "dark": darkColours} {
		t.Run(name, func(t *testing.T) {
			for _, pair := range []struct {
				fg, bg string
				min    float64
			}{
				{"fg", "bg", 4.5}, {"fg", "surface", 4.5}, {"muted", "bg", 4.5}, {"muted", "surface", 4.5},
				{"accent", "bg", 4.5}, {"accent", "surface", 4.5}, {"accent-fg", "accent", 4.5}, {"danger-fg", "danger", 4.5},
				{"danger", "bg", 3}, {"border", "bg", 3}, {"focus", "bg", 3},
			} {
				fg, bg := set[pair.fg], set[pair.bg]
				if fg == "" || bg == "" {
					t.Fatalf("--console-%s or --console-%s is not a #rrggbb colour", pair.fg, pair.bg)
				}
				if c := contrast(fg, bg); c < pair.min {
					t.Errorf("--console-%s %s on --console-%s %s: contrast %.2f, want at least %.1f", pair.fg, fg, pair.bg, bg, c, pair.min)
				}
			}
		})
	}
}

var colourProperty = regexp.MustCompile(`--console-([a-z-]+):\s*(#[0-9a-fA-F]{6});`)

// colours reads the --console-* properties of a stylesheet that are
// #rrggbb colours, by name without the prefix.
func colours(t *testing.T, css string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range colourProperty.FindAllStringSubmatch(css, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2).
func luminance(hex string) float64 {
	var ch [3]float64
	for i := range ch {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			ch[i] = c / 12.92
		} else {
			ch[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*ch[0] + 0.7152*ch[1] + 0.0722*ch[2]
}
