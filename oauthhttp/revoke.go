package oauthhttp

import (
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
	client, tok, ok := s.tokenRequest(w, r)
	if !ok {
		return
	}
	switch err := s.svc.Revoke(ctx, client, tok); oauthapp.ReasonOf(err) {
	case "":
		noStore(w)
		w.WriteHeader(http.StatusOK)
	case oauthapp.ReasonForeignToken:
		s.writeError(w, errForeignToken)
	default:
		s.writeError(w, s.clientError(ctx, err))
	}
}

// tokenRequest reads an introspection or revocation request: a POST form
// with a token parameter, from an authenticated client. On failure it has
// answered, and ok is false.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request) (client oauthapp.Client, tok string, ok bool) {
	f, e := s.readForm(w, r)
	if e == nil {
		f[pToken] = strings.TrimSpace(f[pToken])
		if f[pToken] == "" {
			e = errNoToken
		}
	}
	if e == nil {
		client, e = s.authenticate(r, &f)
	}
	if e != nil {
		s.writeError(w, e)
		return oauthapp.Client{}, "", false
	}
	return client, f[pToken], true
}
