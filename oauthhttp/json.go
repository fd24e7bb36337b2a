package oauthhttp

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

// Header values, each a one-element slice that responses share: assigning
// them to a Header costs no allocation. Header.Add and Set replace or
// append without writing into them.
var (
	hdrJSON     = []string{"application/json;charset=UTF-8"}
	hdrNoStore  = []string{"no-store"}
	hdrNoCache  = []string{"no-cache"}
	hdrJWKSType = []string{"application/jwk-set+json"}
	hdrMaxAge   = []string{"public, max-age=300"}
)

// writeJSON writes a JSON body that must not be cached (RFC 6749 section
// 5.1): Cache-Control: no-store and Pragma: no-cache.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Cache-Control"] = hdrNoStore
	h["Pragma"] = hdrNoCache
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError writes a section 5.2 error; a 401 carries the Basic
// challenge, a 429 its Retry-After.
func (s *Server) writeError(w http.ResponseWriter, e *oauthError) {
	noteCode(w, e.code)
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", s.basic)
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, appendError(make([]byte, 0, 128), e))
}

func appendError(b []byte, e *oauthError) []byte {
	b = append(b, `{"error":`...)
	b = appendString(b, e.code)
	if e.desc != "" {
		b = append(b, `,"error_description":`...)
		b = appendString(b, e.desc)
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// jsonSafe marks the bytes appendString copies as they are: printable
// ASCII other than quote and backslash.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD. Runs of safe ASCII,
// which is all of an access token, are skipped eight bytes at a time and
// copied at once.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for ; len(s)-i >= 8; i += 8 {
			// Eight bytes at once: each term sets a byte's top bit
			// where that byte is non-ASCII, a control character, a
			// quote or a backslash. (Written out here: as a function
			// it would be too big to inline.)
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			q, bs := x^(ones*'"'), x^(ones*'\\')
			if (x|(x-ones*0x20)&^x|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
				break
			}
		}
		for i < len(s) && jsonSafe[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
