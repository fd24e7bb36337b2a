package token

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

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
