package oauthhttp

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// identityKey is the context key of the Identity Protect passes on.
type identityKey struct{}

// IdentityFrom returns the identity Protect put in the request context:
// who the authorized request comes from. ok is false outside Protect.
func IdentityFrom(ctx context.Context) (id oauthapp.Identity, ok bool) {
	id, ok = ctx.Value(identityKey{}).(oauthapp.Identity)
	return id, ok
}

// Protect wraps next with bearer token authorization (RFC 6750). It finds
// the request's route in the service's catalog: the route registered under
// http.Request.Pattern when a ServeMux routed the request already (Protect
// wraps one route's handler; the pattern must be spelled as in the
// catalog), else the route the catalog resolves the method and path to
// (Protect wraps a whole mux). It authorizes the bearer token for the
// route's permission, for the account in its {AccountSid} parameter (none:
// the token's own account) and for the API's audience (WithAudience), and
// calls next with the oauthapp.Identity in the request context
// (IdentityFrom). A request with no route never reaches next:
// WithUnknownRoute answers it. The answers, with WWW-Authenticate:
// Bearer realm="..." and the attributes of RFC 6750 section 3:
//
//	no route for the request                  404 (WithUnknownRoute changes it)
//	no bearer token (or another scheme)       401, no error attribute
//	two Authorization headers, empty token    400 error="invalid_request"
//	token malformed, expired, revoked, its
//	  app deleted or its secret rotated away  401 error="invalid_token"
//	scope or app policy lacks the permission  403 error="insufficient_scope", scope="<permission>"
//	token of another account or region        403 error="insufficient_scope"
//
// With the DPoP scheme (RFC 9449 section 7), "Authorization: DPoP
// <token>" and one DPoP header, the challenge is DPoP realm="...",
// algs="..." and the token must be bound to the proof's key; the proof's
// htu must be the base URL's scheme and host (WithBaseURL, else the
// issuer's) followed by the request's path, whatever its Host header:
//
//	no DPoP header, or two                    401 error="invalid_dpop_proof"
//	proof invalid, for another method, URL
//	  or token, stale or replayed             401 error="invalid_dpop_proof"
//	proof without the current nonce           401 error="use_dpop_nonce", with DPoP-Nonce
//	token bound to another key or to none     401 error="invalid_token"
//
// A DPoP-bound token sent as Bearer is invalid_token: no downgrade. An
// answer to a request without a token carries both challenges; one to a
// DPoP request carries a DPoP-Nonce under oauthapp.WithDPoPNonces.
//
// A token of another account (a parent or a subaccount included) or of
// another region gets no scope attribute: no scope would help, and the
// answer is the same whether that account exists or not, because it is
// never looked up.
//
// Protect must wrap either one route's handler or the whole mux, never a
// mux mounted under a pattern of another mux: the pattern it sees there is
// the outer one, which names no single route.
func (s *Server) Protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		perm, account, ok := s.route(r)
		if !ok {
			s.cfg.unknownRoute.ServeHTTP(w, r)
			return
		}
		tok, proof, e := s.presented(r)
		if proof != nil {
			s.dpopNonce(w)
		}
		if e != nil {
			s.challenge(w, e, "", proof != nil)
			return
		}
		if tok == "" {
			w.Header().Set("WWW-Authenticate", s.bearer)
			w.Header().Add("WWW-Authenticate", s.dpop)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		ctx := r.Context()
		res := oauthapp.Resource{Permission: perm, AccountSID: account, Region: s.cfg.region, Audience: s.cfg.audience}
		var id oauthapp.Identity
		var err error
		if proof != nil {
			id, err = s.svc.AuthorizeDPoP(ctx, tok, *proof, res)
		} else {
			id, err = s.svc.Authorize(ctx, tok, res)
		}
		if err != nil {
			s.authorizeError(ctx, w, err, proof != nil)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, identityKey{}, id)))
	})
}

// ProtectFunc is Protect for a handler function:
// srv.ProtectFunc(list) is srv.Protect(http.HandlerFunc(list)).
func (s *Server) ProtectFunc(next func(http.ResponseWriter, *http.Request)) http.Handler {
	return s.Protect(http.HandlerFunc(next))
}

// route returns the permission of the request's route and the account in
// its path.
func (s *Server) route(r *http.Request) (permission, account string, ok bool) {
	c := s.meta.Catalog
	if c == nil {
		return "", "", false
	}
	if r.Pattern != "" {
		m, ok := c.Lookup(r.Pattern)
		if !ok {
			return "", "", false
		}
		return m.Permission, r.PathValue(oauthapp.AccountParam), true
	}
	m, err := c.Resolve(r.Method, r.URL.EscapedPath())
	if err != nil {
		return "", "", false
	}
	return m.Permission, m.Param(oauthapp.AccountParam), true
}

// bearerToken returns the token of "Authorization: Bearer <token>" (RFC
// 6750 section 2.1; the scheme is case-insensitive), or "" when the request
// carries no bearer token: no header, or another scheme.
func bearerToken(h http.Header) (string, *oauthError) {
	auth, e := authorizationHeader(h)
	if e != nil || auth == "" {
		return "", e
	}
	scheme, tok, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", nil
	}
	if tok = strings.Trim(tok, " \t"); tok == "" {
		return "", errEmptyBearer
	}
	return tok, nil
}

// authorizeError maps an Authorize (dpop: AuthorizeDPoP) error onto an
// RFC 6750 (RFC 9449 section 7.1) answer, by its reason.
func (s *Server) authorizeError(ctx context.Context, w http.ResponseWriter, err error, dpop bool) {
	switch oauthapp.ReasonOf(err) {
	case oauthapp.ReasonInvalidToken, oauthapp.ReasonTokenRevoked, oauthapp.ReasonAppDeleted,
		oauthapp.ReasonSecretInactive, oauthapp.ReasonClientKeyRemoved, oauthapp.ReasonWrongAudience:
		s.challenge(w, errBadToken, "", dpop)
	case oauthapp.ReasonUseDPoPNonce:
		s.challenge(w, errAPINonce, "", dpop)
	case oauthapp.ReasonInvalidDPoPProof:
		s.challenge(w, errAPIProof, "", dpop)
	case oauthapp.ReasonInsufficientScope:
		var se *oauthapp.ScopeError
		permission := ""
		if errors.As(err, &se) {
			permission = se.Permission
		}
		s.challenge(w, errScope, permission, dpop)
	case oauthapp.ReasonWrongAccount, oauthapp.ReasonWrongRegion:
		s.challenge(w, errNotThisResource, "", dpop)
	default:
		s.cfg.logger.ErrorContext(ctx, "oauthhttp: authorizing", "error", err)
		s.challenge(w, errUnavailable, "", dpop)
	}
}

// challenge answers a client error (4xx) with WWW-Authenticate: Bearer
// (DPoP when dpop, RFC 9449 section 7.1) and the error's code, naming the
// permission when one is given (a catalog permission: its alphabet needs
// no escaping in a quoted string), and any error as JSON, with its
// Retry-After.
func (s *Server) challenge(w http.ResponseWriter, e *oauthError, permission string, dpop bool) {
	if e.status < http.StatusInternalServerError {
		v := s.bearer
		if dpop {
			v = s.dpop
		}
		v += `, error="` + e.code + `"`
		if permission != "" {
			v += `, scope="` + permission + `"`
		}
		w.Header().Set("WWW-Authenticate", v)
	}
	e.write(w)
}
