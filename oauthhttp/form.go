package oauthhttp

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// param is one of the form parameters the endpoints read; every other
// parameter is ignored (RFC 6749 section 3.2).
type param uint8

const (
	pGrantType param = iota
	pScope
	pClientID
	pClientSecret
	pToken
	pTokenTypeHint
	pClientAssertionType // RFC 7521 section 4.2 (assertion.go)
	pClientAssertion
	pResource // RFC 8707 section 2
	nParams
)

var paramNames = [nParams]string{"grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint",
	"client_assertion_type", "client_assertion", "resource"}

// errRepeated holds one fixed answer per parameter.
var errRepeated = func() (e [nParams]*oauthError) {
	for i, name := range paramNames {
		e[i] = repeated(name)
	}
	return e
}()

// form holds the value of each parameter; "" is absent.
type form [nParams]string

func lookupParam(name string) (param, bool) {
	for i, n := range paramNames {
		if n == name {
			return param(i), true
		}
	}
	return 0, false
}

// parseForm parses an application/x-www-form-urlencoded body in one pass,
// accepting what url.ParseQuery accepts: '&'-separated pairs, '+' for a
// space and %XX escapes, empty pairs skipped. A pair with ';' or a bad
// escape anywhere in the body is malformed, as ParseQuery says too. A
// parameter without a value counts as omitted, and one of ours given twice
// with a value is invalid_request. Values are substrings of body unless
// they needed unescaping.
func parseForm(body string) (form, *oauthError) {
	var f form
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if pair == "" {
			continue
		}
		if strings.IndexByte(pair, ';') >= 0 {
			return form{}, errMalformedForm
		}
		k, v, _ := strings.Cut(pair, "=")
		k, ok := unescape(k)
		if !ok {
			return form{}, errMalformedForm
		}
		p, known := lookupParam(k)
		if !known {
			if !validEscapes(v) {
				return form{}, errMalformedForm
			}
			continue
		}
		if v, ok = unescape(v); !ok {
			return form{}, errMalformedForm
		}
		if v == "" {
			continue
		}
		if f[p] != "" {
			return form{}, errRepeated[p]
		}
		f[p] = v
	}
	return f, nil
}

// unescape decodes form encoding, allocating only when s has an escape.
func unescape(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	u, err := url.QueryUnescape(s)
	return u, err == nil
}

// validEscapes reports whether every '%' in s starts a %XX escape.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		i += 2
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// bodyPool recycles the buffers request bodies are read into.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooled is the largest buffer put back in bodyPool.
const maxPooled = 64 << 10

// readForm checks the method and content type of a POST form request and
// parses its size-limited body.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (form, *oauthError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return form{}, errMethod
	}
	if !isFormType(r.Header["Content-Type"]) {
		return form{}, errContentType
	}
	body, e := s.readBody(r)
	if e != nil {
		return form{}, e
	}
	return parseForm(body)
}

// isFormType reports whether the one Content-Type value is
// application/x-www-form-urlencoded, parameters (such as charset) aside.
func isFormType(v []string) bool {
	if len(v) != 1 {
		return false
	}
	ct := v[0]
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

// readBody reads at most the configured number of bytes of the body and
// returns them as one string.
func (s *Server) readBody(r *http.Request) (string, *oauthError) {
	limit := s.cfg.maxBody
	if r.ContentLength > int64(limit) {
		return "", errTooLarge
	}
	if r.Body == nil {
		return "", nil
	}
	bp := bodyPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooled {
			bodyPool.Put(bp)
		}
	}()
	buf := (*bp)[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		*bp = buf
		if len(buf) > limit {
			return "", errTooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", errTooLarge
			}
			return "", errReadBody
		}
	}
	return string(buf), nil
}
