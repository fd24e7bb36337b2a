package oauthhttp

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// jsonType is the Content-Type of JSON answers.
const jsonType = "application/json;charset=UTF-8"

// jsonAppender is an answer that encodes itself, byte for byte as
// json.Marshal would, without reflection: tokenBody, the answer of every
// token request.
type jsonAppender interface {
	appendJSON(dst []byte) []byte
}

// writeJSON is the one writer of JSON answers: v as json.Marshal encodes
// it (a jsonAppender by its appendJSON). An answer about clients and tokens must not be cached (RFC 6749
// section 5.1): Cache-Control: no-store and Pragma: no-cache; a public
// document (contentType given: metadata, JWKS) may be, for five minutes.
func writeJSON(w http.ResponseWriter, status int, v any, contentType ...string) {
	var body []byte
	var err error
	if a, ok := v.(jsonAppender); ok {
		body = a.appendJSON(nil)
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		// Unreachable for the answer types of this package, made of
		// strings and numbers.
		status, body = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	if contentType != nil {
		w.Header().Set("Content-Type", contentType[0])
		w.Header().Set("Cache-Control", "public, max-age=300")
	} else {
		w.Header().Set("Content-Type", jsonType)
		noStore(w)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// noStore forbids caching the answer (RFC 6749 section 5.1).
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// errorBody is a section 5.2 (or RFC 6750 section 3.1) error answer.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeError writes a section 5.2 error; a 401 carries the Basic
// challenge.
func (s *Server) writeError(w http.ResponseWriter, e *oauthError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", s.basic)
	}
	e.write(w)
}

// write answers with e as JSON, and its Retry-After when it has one.
func (e *oauthError) write(w http.ResponseWriter) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, errorBody{e.code, e.desc})
}
