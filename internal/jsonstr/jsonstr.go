// Package jsonstr appends a string to JSON output byte for byte as
// encoding/json writes it, without reflection, for the few answers this
// module writes on every request (a token endpoint's answer, a token's
// claims). It writes only: reading JSON is encoding/json's, through
// internal/strictjson.
package jsonstr

import "encoding/json"

// Append appends s to dst as json.Marshal encodes the string s: quoted,
// with '"', '\\', control characters, '<', '>', '&', U+2028, U+2029 and
// invalid UTF-8 escaped or replaced as encoding/json does. Text of
// printable ASCII without those is copied as it is; anything else is
// encoded by encoding/json itself.
func Append(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			b, err := json.Marshal(s)
			if err != nil { // unreachable: every string encodes
				return append(dst, `""`...)
			}
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plain holds the bytes Append copies as they are: printable ASCII but
// '"', '\\', '<', '>' and '&'.
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7e; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
