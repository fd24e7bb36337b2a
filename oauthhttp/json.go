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

// appendString appends s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
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
