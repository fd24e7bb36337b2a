package token

// Base64url decoding (RFC 4648 section 5, unpadded as RFC 7515 section 2
// asks), written here because the standard decoder needs a []byte (a copy
// of each part of a token) and skips CR and LF. Checked against
// encoding/base64 by tests and fuzzing.

// b64url maps a base64url character to its 6-bit value, or 0xff.
var b64url = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// appendDecodeB64 appends the bytes of s, unpadded base64url (RFC 7515
// section 2), to dst. It is strict: any other character, a length that is 1
// mod 4, or non-zero unused bits in the last character fail, so every byte
// string has exactly one accepted encoding. It reads from a string so a
// token's parts need not be copied first.
func appendDecodeB64(dst []byte, s string) ([]byte, bool) {
	if len(s)%4 == 1 {
		return dst, false
	}
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a, b, c, d := b64url[s[i]], b64url[s[i+1]], b64url[s[i+2]], b64url[s[i+3]]
		if a|b|c|d == 0xff {
			return dst, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst = append(dst, byte(v>>16), byte(v>>8), byte(v))
	}
	switch len(s) - i {
	case 2:
		a, b := b64url[s[i]], b64url[s[i+1]]
		if a|b == 0xff || b&0x0f != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4)
	case 3:
		a, b, c := b64url[s[i]], b64url[s[i+1]], b64url[s[i+2]]
		if a|b|c == 0xff || c&0x03 != 0 {
			return dst, false
		}
		v := uint32(a)<<12 | uint32(b)<<6 | uint32(c)
		dst = append(dst, byte(v>>10), byte(v>>2))
	}
	return dst, true
}
