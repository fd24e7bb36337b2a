package oauthhttp

import (
	"errors"
	"net/http"
	"strings"
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
	nParams
)

var paramNames = [nParams]string{"grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint"}

// errRepeated holds one fixed answer per parameter.
var errRepeated = func() (e [nParams]*oauthError) {
	for i, name := range paramNames {
		e[i] = repeated(name)
	}
	return e
}()

// form holds the value of each parameter; "" is absent.
type form [nParams]string

// readForm checks the method and content type of a POST form request and
// reads its body with http.Request.ParseForm, under http.MaxBytesReader at
// the configured limit. A parameter without a value counts as omitted, and
// one of ours given twice with a value is invalid_request (RFC 6749
// section 3.2). Query parameters are not read.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (form, *oauthError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return form{}, errMethod
	}
	if !isFormType(r.Header["Content-Type"]) {
		return form{}, errContentType
	}
	if r.ContentLength > int64(s.cfg.maxBody) {
		return form{}, errTooLarge
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(s.cfg.maxBody))
	if err := r.ParseForm(); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return form{}, errTooLarge
		}
		return form{}, errMalformedForm
	}
	var f form
	for i, name := range paramNames {
		for _, v := range r.PostForm[name] {
			if v == "" {
				continue
			}
			if f[i] != "" {
				return form{}, errRepeated[i]
			}
			f[i] = v
		}
	}
	return f, nil
}

// isFormType reports whether the one Content-Type value is
// application/x-www-form-urlencoded, parameters (such as charset) aside.
func isFormType(v []string) bool {
	if len(v) != 1 {
		return false
	}
	ct, _, _ := strings.Cut(v[0], ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}
