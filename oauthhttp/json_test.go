package oauthhttp

import (
	"encoding/json"
	"testing"
)

// FuzzAppendString: encoding/json reads the answer writer's strings as it
// reads its own encoding of the same string (invalid UTF-8 included, which
// both replace byte by byte with U+FFFD).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "eyJhbGciOiJFZERTQSJ9.e30.c2ln", "a\"b\\c\x00\x1f\x7f", "é\xff😀\u2028<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ref, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q: read back %q, want %q", s, got, want)
		}
	})
}
