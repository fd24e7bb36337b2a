package oauthhttp

import (
	"net/url"
	"testing"
)

// FuzzParseForm checks the one-pass form parser against url.ParseQuery:
// the same bodies are malformed, and otherwise each parameter of ours has
// the one non-empty value ParseQuery finds, or is refused as repeated.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{
		"grant_type=client_credentials&scope=%2Fa%2Fb%2Fc%2Fd",
		"grant_type=a&grant_type=b",
		"grant_type=&grant_type=x",
		"a=b;c=d",
		"grant%5Ftype=x+y&&=&x",
		"token=%zz",
		"x=%4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, e := parseForm(body)
		want, err := url.ParseQuery(body)
		if err != nil {
			if e != errMalformedForm {
				t.Fatalf("ParseQuery: %v; parseForm: %v", err, e)
			}
			return
		}
		if e == errMalformedForm {
			t.Fatalf("parseForm refused a body ParseQuery accepts")
		}
		for i, name := range paramNames {
			var vals []string
			for _, v := range want[name] {
				if v != "" {
					vals = append(vals, v)
				}
			}
			switch {
			case len(vals) > 1:
				if e == nil {
					t.Fatalf("%s given %d times, not refused", name, len(vals))
				}
				return // the first repeat found ends the parse
			case e != nil:
				continue // a later parameter was repeated
			case len(vals) == 1 && got[i] != vals[0], len(vals) == 0 && got[i] != "":
				t.Fatalf("%s = %q, want %q", name, got[i], vals)
			}
		}
		if e != nil && e.code != CodeInvalidRequest {
			t.Fatalf("unexpected error %v", e)
		}
	})
}
