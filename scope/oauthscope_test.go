package scope

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseScope(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		wantErr  error
	}{
		{"empty scope asks for no narrowing", "", nil, nil},
		{"spaces only ask for no narrowing", "   ", nil, nil},
		{"one permission", "/demo/messaging/messages/read", []string{"/demo/messaging/messages/read"}, nil},
		{"order is kept", "/d/p/r/b /d/p/r/a", []string{"/d/p/r/b", "/d/p/r/a"}, nil},
		{"duplicates are dropped", "/d/p/r/a /d/p/r/b /d/p/r/a", []string{"/d/p/r/a", "/d/p/r/b"}, nil},
		{"runs of spaces are tolerated", " /d/p/r/a   /d/p/r/b ", []string{"/d/p/r/a", "/d/p/r/b"}, nil},
		{"wildcard is refused", "/d/p/r/a /d/p/*", nil, ErrMisplacedWildcard},
		{"tab is not a separator", "/d/p/r/a\t/d/p/r/b", nil, ErrBadCharacter},
		{"a scope name that is not a permission", "openid", nil, ErrMissingSlash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScope(tt.in)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseScope(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.wantErr)
			}
			if err == nil {
				again, err := ParseScope(FormatScope(got))
				if err != nil || !slices.Equal(again, got) {
					t.Errorf("FormatScope did not round-trip: %q, %v", again, err)
				}
			}
		})
	}
	t.Run("duplicates are dropped from a list too long to search linearly", func(t *testing.T) {
		var in, want []string
		for i := range 3 * linearMax {
			p := fmt.Sprintf("/d/p/r/a%d", i%(2*linearMax))
			in = append(in, p)
			if i < 2*linearMax {
				want = append(want, p)
			}
		}
		got, err := ParseScope(strings.Join(in, "  "))
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("ParseScope = %q, %v; want %q", got, err, want)
		}
		p, err := NewPolicy([]string{"/d/p/r/*"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := p.Narrow(in); err != nil || !slices.Equal(got, want) {
			t.Fatalf("Narrow = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("grant scope accepts wildcards", func(t *testing.T) {
		got, err := ParseGrantScope("/d/* /d/p/r/a")
		if err != nil || !slices.Equal(got, []string{"/d/*", "/d/p/r/a"}) {
			t.Errorf("ParseGrantScope = %q, %v", got, err)
		}
	})
}

func TestCovers(t *testing.T) {
	tests := []struct {
		name, scope, perm string
		want              bool
	}{
		{"exact entry", "/d/p/r/read /d/p/r/list", "/d/p/r/list", true},
		{"wildcard entry", "/d/q/r/read /d/p/*", "/d/p/r/delete", true},
		{"namespace wildcard", "/d/*", "/d/p/r/delete", true},
		{"no entry covers it", "/d/p/r/read /d/q/*", "/d/p/r/list", false},
		{"prefix must end at a segment", "/d/p/r/rea", "/d/p/r/read", false},
		{"wildcard prefix must end at a segment", "/d/pp/*", "/d/p/r/read", false},
		{"empty scope covers nothing", "", "/d/p/r/read", false},
		{"bare wildcard entry is malformed and covers nothing", "/*", "/d/p/r/read", false},
		{"malformed wildcard entry covers nothing", "/D/*", "/D/p/r/read", false},
		{"a wildcard permission is never covered", "/d/*", "/d/p/*", false},
		{"a malformed permission is never covered", "/d/P/r/read", "/d/P/r/read", false},
		{"doubled spaces", "/d/q/r/read  /d/p/r/read", "/d/p/r/read", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Covers(tt.scope, tt.perm); got != tt.want {
				t.Errorf("Covers(%q, %q) = %v, want %v", tt.scope, tt.perm, got, tt.want)
			}
		})
	}
	t.Run("does not allocate", func(t *testing.T) {
		allocs := testing.AllocsPerRun(100, func() {
			Covers("/d/q/r/read /d/p/* /d/x/y/z", "/d/p/r/delete")
			Covers("/d/q/r/read /d/p/* /d/x/y/z", "/d/z/r/delete")
		})
		if allocs != 0 {
			t.Errorf("Covers allocates %v times per run", allocs)
		}
	})
}
