package token

import (
	"encoding/binary"
	"slices"
)

// Base64url (RFC 4648 section 5, unpadded as RFC 7515 section 2 asks),
// written here because the standard decoder needs a []byte (a copy of each
// part of a token) and skips CR and LF, and because encoding is most of the
// work of an HS256 Mint. Both directions are checked against
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

// b64pairs maps a 12-bit value to its two base64url characters, first one
// in the low byte, so the encoder writes four characters with two lookups.
var b64pairs = func() (t [1 << 12]uint16) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for v := range t {
		t[v] = uint16(alphabet[v>>6]) | uint16(alphabet[v&0x3f])<<8
	}
	return t
}()

// appendEncodeB64 appends src, unpadded base64url, to dst: what
// base64.RawURLEncoding.AppendEncode does, six bytes per step instead of
// three, since it encodes most of every token Mint signs.
func appendEncodeB64(dst, src []byte) []byte {
	n := len(dst)
	size := (len(src)*8 + 5) / 6
	dst = slices.Grow(dst, size)[:n+size]
	out := dst[n:]
	for len(src) >= 8 && len(out) >= 8 {
		v := binary.BigEndian.Uint64(src)
		binary.LittleEndian.PutUint64(out, uint64(b64pairs[v>>52])|
			uint64(b64pairs[v>>40&0xfff])<<16|
			uint64(b64pairs[v>>28&0xfff])<<32|
			uint64(b64pairs[v>>16&0xfff])<<48)
		src, out = src[6:], out[8:]
	}
	for len(src) >= 3 && len(out) >= 4 {
		v := uint(src[0])<<16 | uint(src[1])<<8 | uint(src[2])
		binary.LittleEndian.PutUint32(out, uint32(b64pairs[v>>12&0xfff])|uint32(b64pairs[v&0xfff])<<16)
		src, out = src[3:], out[4:]
	}
	switch {
	case len(src) == 1 && len(out) == 2:
		p := b64pairs[uint(src[0])<<4]
		out[0], out[1] = byte(p), byte(p>>8)
	case len(src) == 2 && len(out) == 3:
		v := uint(src[0])<<10 | uint(src[1])<<2
		p := b64pairs[v>>6&0xfff]
		out[0], out[1], out[2] = byte(p), byte(p>>8), byte(b64pairs[v&0x3f<<6])
	}
	return dst
}
