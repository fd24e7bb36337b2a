package oauthhttp

import (
	"encoding/json"
	"testing"
)

// A token answer reads the same whether appendJSON or json.Marshal wrote
// it, whatever its values hold.
func TestTokenBodyEncodesAsJSONMarshal(t *testing.T) {
	for _, b := range []tokenBody{
		{"eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln-_", "Bearer", 3600, "read write"},
		{},
		{"a<b>&c", "Bearer", -1, "/api/<x>&y"},
		{"\"q\"\\", "\u2028\u2029", 1 << 62, "é😀 \x01\x7f\xff"},
	} {
		want, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(b.appendJSON([]byte("{"))[1:]); got != string(want) {
			t.Errorf("appendJSON wrote %s, json.Marshal %s", got, want)
		}
	}
}
