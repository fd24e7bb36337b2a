package oauthhttp

import (
	"net/http"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// introspection is the answer of RFC 7662 section 2.2. Only Active is
// present for an inactive token.
type introspection struct {
	Active     bool   `json:"active"`
	Scope      string `json:"scope,omitempty"`
	ClientID   string `json:"client_id,omitempty"`
	TokenType  string `json:"token_type,omitempty"`
	Exp        int64  `json:"exp,omitempty"`
	Iat        int64  `json:"iat,omitempty"`
	Sub        string `json:"sub,omitempty"`
	Aud        any    `json:"aud,omitempty"` // a string, or an array of several (RFC 7519 section 4.1.3)
	Iss        string `json:"iss,omitempty"`
	Jti        string `json:"jti,omitempty"`
	AccountSID string `json:"account_sid,omitempty"`
	Region     string `json:"region,omitempty"`
	// Cnf is the DPoP key a bound token is bound to (RFC 9449 section
	// 6.2).
	Cnf *cnfJSON `json:"cnf,omitempty"`
}

// cnfJSON is the confirmation member of a DPoP-bound token.
type cnfJSON struct {
	JKT string `json:"jkt"`
}

// Introspection returns the token introspection endpoint (RFC 7662). The
// caller authenticates as a client, as at the token endpoint, and passes
// the token in the "token" parameter; token_type_hint is ignored. A token
// that is expired, revoked, invalid or another client's is
// {"active":false}. An active token's scope is what it grants under its
// app's current policy, as oauthapp.Service.Introspect says, and its aud
// the token's whole aud: one audience as a string, several as an array.
// A DPoP-bound token is token_type DPoP with its key's thumbprint as
// cnf.jkt (RFC 9449 section 6.2); any other is token_type Bearer.
func (s *Server) Introspection() http.Handler { return http.HandlerFunc(s.serveIntrospection) }

func (s *Server) serveIntrospection(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	client, tok, ok := s.tokenRequest(w, r)
	if !ok {
		return
	}
	id, active, err := s.svc.Introspect(ctx, client, tok)
	if err != nil {
		s.writeError(w, s.clientError(ctx, err))
		return
	}
	resp := introspection{Active: active}
	if active {
		resp = introspection{
			Active:     true,
			Scope:      id.Scope,
			ClientID:   id.AppSID,
			TokenType:  oauthapp.TokenTypeBearer,
			Exp:        id.ExpiresAt.Unix(),
			Iat:        id.IssuedAt.Unix(),
			Sub:        id.AppSID,
			Aud:        audClaim(id.Audience),
			Iss:        s.endpoints.Issuer,
			Jti:        id.TokenID,
			AccountSID: id.AccountSID,
			Region:     id.Region,
		}
		if id.DPoPThumbprint != "" {
			resp.TokenType, resp.Cnf = oauthapp.TokenTypeDPoP, &cnfJSON{id.DPoPThumbprint}
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// audClaim is aud as a token writes it: a single audience as a string,
// several as an array.
func audClaim(aud []string) any {
	if len(aud) == 1 {
		return aud[0]
	}
	return aud
}
