package oauthhttp

import (
	"errors"
	"net/http"
	"net/url"
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
	pClientAssertionType // RFC 7521 section 4.2 (assertion.go)
	pClientAssertion
	pResource // RFC 8707 section 2
	nParams
)

var paramNames = [nParams]string{"grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint",
	"client_assertion_type", "client_assertion", "resource"}

// form holds the value of each parameter; "" is absent.
type form [nParams]string

// readForm checks the method and content type of a POST form request and
// reads its body with http.Request.ParseForm under http.MaxBytesReader,
// unless a handler before this one did; the values stay in r.PostForm. A
// parameter without a value counts as omitted, and one of ours given twice
// is invalid_request (RFC 6749 section 3.2). The URL's query is left
// alone, even when it would not parse: it may be the endpoint's own.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (form, *oauthError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return form{}, errMethod
	}
	if !isFormType(r.Header["Content-Type"]) {
		return form{}, errContentType
	}
	if r.ContentLength > s.cfg.maxBody {
		return form{}, errTooLarge
	}
	if r.PostForm == nil {
		if r.Body == nil {
			r.Body = http.NoBody
		}
		// Without a URL, ParseForm reads no query; with a Form, it copies
		// no values into it.
		body := *r
		body.URL, body.Form = nil, url.Values{}
		body.Body = http.MaxBytesReader(w, r.Body, s.cfg.maxBody)
		err := body.ParseForm()
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return form{}, errTooLarge
		} else if err != nil {
			return form{}, errMalformedForm
		}
		r.PostForm = body.PostForm
	}
	var f form
	for i, name := range paramNames {
		for _, v := range r.PostForm[name] {
			if v == "" {
				continue
			}
			if f[i] != "" {
				return form{}, badRequest("the parameter " + name + " is repeated")
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
