package oauthhttp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/oauthapps/oauthapps/internal/jsonstr"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// Token returns the token endpoint of the client credentials grant
// (RFC 6749 section 4.4). It authenticates the client with HTTP Basic
// (client_secret_basic, id and secret each form-encoded as section 2.3.1
// says), with client_id and client_secret in the body
// (client_secret_post), or with a JWT signed by one of its app's client
// keys (private_key_jwt, RFC 7523 section 2.2; see
// oauthapp.Service.AuthenticateAssertion), never two of them; a resource
// parameter (RFC 8707) asks for a token for that resource. A workload's
// token from an external issuer that one of the app's federated
// credentials trusts (oauthapp.FederatedCredential) comes the same way,
// as the client_assertion, with the app's SID as client_id.
//
// It checks a request in this order and answers the first failure (all
// errors are JSON with "error" and "error_description", and
// Cache-Control: no-store):
//
//	method is not POST                        400 invalid_request (Allow: POST)
//	Content-Type not form-urlencoded          400 invalid_request
//	body longer than WithMaxBodyBytes         400 invalid_request
//	body not valid form encoding              400 invalid_request
//	a parameter given twice                   400 invalid_request
//	more than one Authorization header        400 invalid_request
//	more than one DPoP header                 400 invalid_dpop_proof
//	grant_type missing                        400 invalid_request
//	grant_type not client_credentials         400 unsupported_grant_type
//	Authorization and client_secret in body   400 invalid_request
//	a client assertion with another method    400 invalid_request
//	client_assertion without its type, or
//	  the type without the assertion          400 invalid_request
//	client_id in the body differs from Basic  400 invalid_request
//	no or malformed credentials               401 invalid_client
//	client_assertion_type not jwt-bearer      401 invalid_client
//	too many failed authentications           429 temporarily_unavailable
//	unknown client, wrong or expired secret,
//	  or any bad client assertion             401 invalid_client
//	resource malformed or not the app's       400 invalid_target
//	DPoP proof missing (the app requires
//	  one), invalid or replayed               400 invalid_dpop_proof
//	DPoP proof without the current nonce      400 use_dpop_nonce
//	scope malformed or not allowed            400 invalid_scope
//
// A 401 always carries WWW-Authenticate: Basic realm="..." (RFC 9110
// section 15.5.2), a 429 Retry-After (see Limiter). A parameter sent
// without a value counts as omitted (RFC 6749 section 3.2), unknown ones
// are ignored, and the URL's query is not read at all: the parameters
// travel in the body. An invalid_scope description names the refused
// permission, only when it is well-formed, so it can never repeat a
// secret; no other description repeats anything from the request.
//
// A request with a DPoP header (RFC 9449 section 5) gets a token bound to
// the proof's key, token_type DPoP: the proof's htm must be POST and its
// htu Endpoints().Token, and its jti is accepted once across every
// instance sharing the store. Under oauthapp.WithDPoPNonces the answer to
// such a request carries a DPoP-Nonce header.
func (s *Server) Token() http.Handler {
	hook := s.cfg.observer.TokenEndpoint
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var done func(EndpointOutcome)
		if hook != nil {
			var ctx context.Context
			if ctx, done = hook(r.Context()); ctx != nil {
				r = r.WithContext(ctx)
			}
		}
		body, e := s.issue(w, r)
		outcome := EndpointOutcome{Status: http.StatusOK}
		if e != nil {
			s.writeError(w, e)
			outcome = EndpointOutcome{Status: e.status, Code: e.code}
		} else {
			writeJSON(w, http.StatusOK, &body)
		}
		if done != nil {
			done(outcome)
		}
	})
}

// issue answers a token request: the token, or the error to answer with.
func (s *Server) issue(w http.ResponseWriter, r *http.Request) (tokenBody, *oauthError) {
	f, e := s.readForm(w, r)
	if e == nil {
		e = checkGrantType(r.Header, &f)
	}
	if e != nil {
		return tokenBody{}, e
	}
	proof, e := dpopProofHeader(r.Header, errTwoTokenProofs)
	if proof != "" || e != nil {
		s.dpopNonce(w)
	}
	if e != nil {
		return tokenBody{}, e
	}
	c, attempt, e := s.admit(r, &f)
	if e != nil {
		return tokenBody{}, e
	}
	ctx := r.Context()
	tok, err := s.svc.IssueToken(ctx, oauthapp.TokenRequest{
		ClientID:        c.id,
		ClientSecret:    c.secret,
		Scope:           f[pScope],
		Region:          s.cfg.region,
		ClientAssertion: c.assertion,
		Endpoint:        s.endpoints.Token,
		Resource:        f[pResource],
		DPoP:            proof,
	})
	s.done(ctx, attempt, err)
	if err != nil {
		return tokenBody{}, s.tokenError(ctx, err)
	}
	return tokenBody{tok.AccessToken, tok.TokenType, tok.ExpiresIn, tok.Scope}, nil
}

// checkGrantType comes before client authentication: a request for
// another grant costs no hash. The Authorization header count is checked
// first, as it belongs to the request's shape.
func checkGrantType(h http.Header, f *form) *oauthError {
	if _, e := authorizationHeader(h); e != nil {
		return e
	}
	switch f[pGrantType] {
	case "":
		return errNoGrantType
	case "client_credentials":
		return nil
	}
	return errGrantType
}

// tokenError maps an IssueToken error onto its answer, by its reason.
func (s *Server) tokenError(ctx context.Context, err error) *oauthError {
	switch oauthapp.ReasonOf(err) {
	case oauthapp.ReasonInvalidTarget:
		return errTarget
	case oauthapp.ReasonUseDPoPNonce:
		return errTokenNonce
	case oauthapp.ReasonInvalidDPoPProof:
		return errTokenProof
	case oauthapp.ReasonInvalidScope:
		var se *oauthapp.ScopeError
		if errors.As(err, &se) { // its permission parsed, so it holds no secret
			return &oauthError{status: http.StatusBadRequest, code: CodeInvalidScope, desc: "the scope " + se.Permission + " is not allowed for this client"}
		}
		return errMalformedScope
	}
	return s.clientError(ctx, err)
}

// clientError maps an authentication error: ReasonInvalidClient is
// invalid_client, anything else (a store that cannot be reached, say) a
// logged 503 temporarily_unavailable.
func (s *Server) clientError(ctx context.Context, err error) *oauthError {
	if oauthapp.ReasonOf(err) == oauthapp.ReasonInvalidClient {
		return errClientAuth
	}
	s.cfg.logger.ErrorContext(ctx, "oauthhttp: request failed", "error", err)
	return errUnavailable
}

// tokenBody is the section 5.1 answer.
type tokenBody struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// appendJSON appends b to dst byte for byte as json.Marshal encodes it,
// without reflection: the answer every token request gets.
func (b *tokenBody) appendJSON(dst []byte) []byte {
	dst = slices.Grow(dst, 80+len(b.AccessToken)+len(b.TokenType)+len(b.Scope))
	dst = append(dst, `{"access_token":`...)
	dst = jsonstr.Append(dst, b.AccessToken)
	dst = append(dst, `,"token_type":`...)
	dst = jsonstr.Append(dst, b.TokenType)
	dst = append(dst, `,"expires_in":`...)
	dst = strconv.AppendInt(dst, b.ExpiresIn, 10)
	dst = append(dst, `,"scope":`...)
	dst = jsonstr.Append(dst, b.Scope)
	return append(dst, '}')
}
