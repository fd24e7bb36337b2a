package jsonstr

import (
	"encoding/json"
	"testing"
)

// FuzzAppend: whatever the string, Append writes what json.Marshal does,
// after what dst already held.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "eyJhbGciOiJIUzI1NiJ9.e30.sig-_", "a b", `q"b\s`, "<a>&", "\u2028\u2029", "\x00\x1f\x7f", "é😀", "\xff\xfe", "\xed\xa0\x80"} {
		f.Add("prefix", s)
	}
	f.Fuzz(func(t *testing.T, prefix, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(Append([]byte(prefix), s)); got != prefix+string(want) {
			t.Fatalf("Append(%q) = %s, json.Marshal %s", s, got[len(prefix):], want)
		}
	})
}
