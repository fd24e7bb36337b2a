package oauthhttp

import (
	"errors"
	"io"
	"mime"
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
// reads its body, under http.MaxBytesReader at the configured limit, with
// url.ParseQuery, as http.Request.ParseForm does for a form body; the
// values are left in r.PostForm. A parameter without a value counts as
// omitted, and one of ours given twice with a value is invalid_request
// (RFC 6749 section 3.2).
//
// Unlike ParseForm it does not read the URL's query, nor copy the body's
// values into r.Form beside it: a token request's parameters travel in
// the body (RFC 6749 sections 2.3.1 and 4.4.2), and the endpoint's URL
// may carry a query of its own (section 3.2), which is left alone, even
// when it would not parse.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (form, *oauthError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return form{}, errMethod
	}
	if !isFormType(r.Header["Content-Type"]) {
		return form{}, errContentType
	}
	values, e := s.postForm(w, r)
	if e != nil {
		return form{}, e
	}
	var f form
	for i, name := range paramNames {
		for _, v := range values[name] {
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

// postForm returns the values of r's form body. A body that a handler
// before this one parsed already (r.PostForm set, as by ParseForm or
// FormValue) is not read again: its values are taken, as ParseForm would.
func (s *Server) postForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	if r.ContentLength > int64(s.cfg.maxBody) {
		return nil, errTooLarge
	}
	if r.PostForm != nil {
		return r.PostForm, nil
	}
	// readForm checked that there is one Content-Type, of the form type;
	// its parameters, when it has some, must parse as ParseForm asks.
	if ct := r.Header["Content-Type"][0]; strings.IndexByte(ct, ';') >= 0 {
		if _, _, err := mime.ParseMediaType(ct); err != nil {
			return nil, errMalformedForm
		}
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(s.cfg.maxBody))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, errTooLarge
		}
		return nil, errMalformedForm
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errMalformedForm
	}
	r.PostForm = values
	return values, nil
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
