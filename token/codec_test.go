package token

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHMACPadsMatchCryptoHMAC(t *testing.T) {
	for _, keyLen := range []int{32, 63, 64, 65, 200} {
		for _, msgLen := range []int{0, 1, 55, 56, 64, 447, 960, 961, 5000} {
			t.Run(fmt.Sprintf("%d-byte key, %d-byte message", keyLen, msgLen), func(t *testing.T) {
				key := bytes.Repeat([]byte{byte(keyLen)}, keyLen)
				msg := strings.Repeat("m", msgLen)
				ref := hmac.New(sha256.New, key)
				ref.Write([]byte(msg))
				want := ref.Sum(nil)
				got := newHMACPads(key).sum(msg)
				assert.Equal(t, want, got[:])
				assert.True(t, newHMACPads(key).equal(msg, want))
				assert.False(t, newHMACPads(key).equal(msg, want[:31]))
			})
		}
	}
}

func TestAppendDecodeB64(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"empty", "", true},
		{"two characters", "AA", true},
		{"three characters", "AAA", true},
		{"four characters", "AAAA", true},
		{"one character", "A", false},
		{"five characters", "AAAAA", false},
		{"padding", "AA==", false},
		{"standard alphabet plus", "+A", false},
		{"standard alphabet slash", "/A", false},
		{"non-zero unused bits after two", "AB", false},
		{"non-zero unused bits after three", "AAB", false},
		{"newline", "AA\nA", false},
		{"high byte", "AA\xffA", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := appendDecodeB64(nil, tc.in)
			assert.Equal(t, tc.ok, ok)
		})
	}
}

func TestAppendEncodeB64MatchesEncodingBase64(t *testing.T) {
	src := make([]byte, 600)
	for i := range src {
		src[i] = byte(i*7 + i>>8)
	}
	for n := 0; n <= len(src); n++ {
		want := base64.RawURLEncoding.AppendEncode([]byte("pre"), src[:n])
		if got := appendEncodeB64([]byte("pre"), src[:n]); !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: got %q, want %q", n, got, want)
		}
	}
	t.Run("every byte value in every position", func(t *testing.T) {
		for b := 0; b < 256; b++ {
			in := bytes.Repeat([]byte{byte(b)}, 11)
			in[b%11] ^= 0x5a
			assert.Equal(t, base64.RawURLEncoding.EncodeToString(in), string(appendEncodeB64(nil, in)))
		}
	})
}

// FuzzAppendEncodeB64 compares the encoder with encoding/base64's unpadded
// URL encoding, and checks that the decoder reads its output back.
func FuzzAppendEncodeB64(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "abc", "abcdefgh", "\xff\xfe\xfd\x00\x01\x02\x03"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got := appendEncodeB64([]byte("prefix"), src)
		want := base64.RawURLEncoding.AppendEncode([]byte("prefix"), src)
		require.Equal(t, string(want), string(got))
		back, ok := appendDecodeB64(nil, string(got[len("prefix"):]))
		require.True(t, ok)
		require.Equal(t, string(src), string(back))
	})
}

// FuzzAppendDecodeB64 compares the decoder with encoding/base64's strict
// unpadded URL encoding, which must agree on every input without CR or LF
// (the standard decoder skips those; this one rejects them).
func FuzzAppendDecodeB64(f *testing.F) {
	for _, s := range []string{"", "AA", "AB", "eyJhbGciOiJFZERTQSJ9", "-_-_", "A", "AA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := appendDecodeB64([]byte("prefix"), s)
		if strings.ContainsAny(s, "\r\n") {
			require.False(t, ok)
			return
		}
		want, err := base64.RawURLEncoding.Strict().DecodeString(s)
		require.Equal(t, err == nil, ok, "%q", s)
		if ok {
			require.Equal(t, append([]byte("prefix"), want...), got)
		}
	})
}

// FuzzAppendString: encoding/json reads back every valid UTF-8 string the
// claims writer writes, whatever runs of plain and escaped bytes it holds.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain ascii text", "12345678\"", "1234567\x00abcdefgh", "\\\\\\\\\\\\\\\\x", "é\x1f😀\x7f\u2028 \t\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		out := appendString([]byte("x"), s)
		var back string
		require.NoError(t, json.Unmarshal(out[1:], &back), "%q", out)
		require.Equal(t, s, back)
	})
}

// FuzzES256DER: for any r || s, the DER written for crypto/ecdsa is what
// encoding/asn1 writes for the same two integers, and reading it back
// gives r || s again. Arbitrary bytes given to the reader never panic, and
// whatever it accepts means the same integers as encoding/asn1 reads.
func FuzzES256DER(f *testing.F) {
	f.Add(bytes.Repeat([]byte{0xff}, 64))
	f.Add(make([]byte, 64))
	f.Add(append(append([]byte{0, 0, 0x80}, bytes.Repeat([]byte{1}, 29)...), append([]byte{0, 0x7f}, bytes.Repeat([]byte{2}, 30)...)...))
	f.Fuzz(func(t *testing.T, in []byte) {
		var parsed struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(in, &parsed); err == nil && len(rest) == 0 {
			if raw, ok := appendRawES256(nil, in); ok {
				r, s := new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
				if r.Cmp(parsed.R) != 0 || s.Cmp(parsed.S) != 0 {
					t.Fatalf("DER %x read as %x, encoding/asn1 reads r=%x s=%x", in, raw, parsed.R, parsed.S)
				}
			}
		} else if _, ok := appendRawES256(nil, in); ok && len(in) != 0 {
			t.Fatalf("accepted %x, which encoding/asn1 rejects: %v", in, err)
		}
		if len(in) != 64 {
			return
		}
		r, s := new(big.Int).SetBytes(in[:32]), new(big.Int).SetBytes(in[32:])
		want, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
		if err != nil {
			t.Fatal(err)
		}
		der := appendDERES256(nil, in[:32], in[32:])
		if !bytes.Equal(der, want) {
			t.Fatalf("DER of %x is %x, encoding/asn1 writes %x", in, der, want)
		}
		back, ok := appendRawES256(nil, der)
		if !ok || !bytes.Equal(back, in) {
			t.Fatalf("DER %x read back as %x (ok %v), want %x", der, back, ok, in)
		}
	})
}
