package oauthhttp

import (
	"errors"
	"net/http"
)

// Errors of New and its options. Callers test them with errors.Is.
var (
	// ErrInvalidOption: an option was given an unusable value. The wrapped
	// message says which.
	ErrInvalidOption = errors.New("oauthhttp: invalid option")
	// ErrNoBaseURL: the service's issuer is not an absolute http or https
	// URL and no WithBaseURL was given, so the endpoints' URLs for the
	// metadata document are unknown.
	ErrNoBaseURL = errors.New("oauthhttp: no base URL (set oauthapp.WithIssuer to the server's URL, or use WithBaseURL)")
)

// OAuth error codes this package answers with (RFC 6749 section 5.2,
// RFC 6750 section 3.1, RFC 7009 section 2.2.1).
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidScope         = "invalid_scope"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeInvalidToken         = "invalid_token"
	CodeInsufficientScope    = "insufficient_scope"
	CodeServerError          = "server_error"
	// CodeInvalidTarget answers a resource the client may not have a token
	// for (RFC 8707 section 2). CodeTemporarilyUnavailable (RFC 6749 section
	// 4.1.2.1) comes with Retry-After, for a client the Limiter holds back
	// (429) and for a server that cannot answer now (503).
	CodeInvalidTarget          = "invalid_target"
	CodeTemporarilyUnavailable = "temporarily_unavailable"
	// CodeInvalidDPoPProof answers a DPoP proof that is missing where
	// needed, invalid or replayed; CodeUseDPoPNonce one without the
	// server's current nonce, which the DPoP-Nonce header of the answer
	// holds (RFC 9449 sections 5, 7.1, 8 and 9).
	CodeInvalidDPoPProof = "invalid_dpop_proof"
	CodeUseDPoPNonce     = "use_dpop_nonce"
)

// oauthError is one error answer: its status, code and description. The
// description is fixed text, or fixed text and a well-formed permission or
// the name of one of our parameters; never anything else from the request.
type oauthError struct {
	status int
	code   string
	desc   string
	// retryAfter, when positive, is sent as Retry-After in seconds.
	retryAfter int
}

func badRequest(desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: CodeInvalidRequest, desc: desc}
}

func invalidClient(desc string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: CodeInvalidClient, desc: desc}
}

// The fixed answers, shared so that the error paths do not allocate.
var (
	errMethod           = badRequest("the method must be POST")
	errContentType      = badRequest("the Content-Type must be application/x-www-form-urlencoded")
	errTooLarge         = badRequest("the request body is too large")
	errMalformedForm    = badRequest("the request body is not valid form encoding")
	errTwoAuthorization = badRequest("more than one Authorization header")
	errNoGrantType      = badRequest("grant_type is missing")
	errGrantType        = &oauthError{status: http.StatusBadRequest, code: CodeUnsupportedGrantType, desc: "only grant_type client_credentials is supported"}
	errTwoMethods       = badRequest("the client authenticated with both client_secret_basic and client_secret_post")
	errClientIDMismatch = badRequest("client_id in the body differs from the Basic credentials")
	errNoToken          = badRequest("token is missing")
	errNoCredentials    = invalidClient("client authentication is required")
	errBadBasic         = invalidClient("malformed Basic credentials")
	errScheme           = invalidClient("client authentication must use the Basic scheme or the request body")
	errClientAuth       = invalidClient("client authentication failed")
	errMalformedScope   = &oauthError{status: http.StatusBadRequest, code: CodeInvalidScope, desc: "the scope is malformed"}
	errForeignToken     = &oauthError{status: http.StatusBadRequest, code: CodeUnauthorizedClient, desc: "the token was not issued to this client"}
	// errUnavailable answers a failure of the server's own, such as a
	// store it cannot reach: it fails closed, and says when to retry.
	errUnavailable = &oauthError{status: http.StatusServiceUnavailable, code: CodeTemporarilyUnavailable, desc: "the server cannot handle the request now; retry after the delay in Retry-After", retryAfter: 1}
)

// Answers of Protect (RFC 6750 section 3.1).
var (
	errEmptyBearer     = badRequest("the Bearer credentials are empty")
	errBadToken        = &oauthError{status: http.StatusUnauthorized, code: CodeInvalidToken, desc: "the access token is invalid, expired or revoked"}
	errScope           = &oauthError{status: http.StatusForbidden, code: CodeInsufficientScope, desc: "the access token does not grant the permission this request needs"}
	errNotThisResource = &oauthError{status: http.StatusForbidden, code: CodeInsufficientScope, desc: "the access token is not valid for this resource"}
)
