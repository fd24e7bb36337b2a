package oauthhttp

import (
	"errors"
	"net/http"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Revocation returns the token revocation endpoint (RFC 7009). The caller
// authenticates as a client, exactly as at the token endpoint, and passes
// the token in the "token" parameter; token_type_hint is ignored. A token
// that is unknown, malformed or already invalid is answered 200, as
// section 2.2 says; a token issued to another client is refused with 400
// unauthorized_client and stays valid.
func (s *Server) Revocation() http.Handler { return http.HandlerFunc(s.serveRevocation) }

func (s *Server) serveRevocation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, e := s.readForm(w, r)
	if e == nil {
		f[pToken] = strings.TrimSpace(f[pToken])
		if f[pToken] == "" {
			e = errNoToken
		}
	}
	if e != nil {
		s.writeError(w, e)
		return
	}
	client, e := s.authenticate(ctx, r.Header, &f)
	if e != nil {
		s.writeError(w, e)
		return
	}
	if err := s.svc.Revoke(ctx, client, f[pToken]); err != nil {
		if errors.Is(err, oauthapp.ErrForeignToken) {
			s.writeError(w, errForeignToken)
			return
		}
		s.writeError(w, s.clientError(ctx, err))
		return
	}
	h := w.Header()
	h["Cache-Control"] = hdrNoStore
	h["Pragma"] = hdrNoCache
	w.WriteHeader(http.StatusOK)
}
