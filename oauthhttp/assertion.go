package oauthhttp

import (
	"net/http"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// Answers about client assertions (RFC 7521 section 4.2) and resources
// (RFC 8707 section 2).
var (
	errAssertionType    = invalidClient("client_assertion_type must be " + oauthapp.AssertionType)
	errAssertionMissing = badRequest("client_assertion and client_assertion_type go together")
	errTwoAuthMethods   = badRequest("the client authenticated with more than one method")
	errTarget           = &oauthError{status: http.StatusBadRequest, code: CodeInvalidTarget, desc: "the resource is malformed, or not one this client may have a token for"}
)

// assertionCredentials takes a client assertion (private_key_jwt) from the
// body: client_assertion_type and client_assertion, with client_id
// optional. No other client authentication may come with it. The id of
// the credentials is the client the assertion claims to be, read without
// verifying it, for the limiter; the service verifies it.
func assertionCredentials(auth string, f *form) (credentials, *oauthError) {
	if auth != "" || f[pClientSecret] != "" {
		return credentials{}, errTwoAuthMethods
	}
	if f[pClientAssertion] == "" || f[pClientAssertionType] == "" {
		return credentials{}, errAssertionMissing
	}
	if f[pClientAssertionType] != oauthapp.AssertionType {
		return credentials{}, errAssertionType
	}
	c := credentials{id: f[pClientID], assertion: f[pClientAssertion]}
	if c.id == "" {
		c.id = claimedClient(c.assertion)
	}
	return c, nil
}

// claimedClient returns the sub an assertion claims, unverified, or "":
// the name the limiter counts the attempt under. The service verifies the
// whole assertion after.
func claimedClient(assertion string) string {
	var c jwt.RegisteredClaims
	if len(assertion) > oauthapp.MaxAssertionSize {
		return ""
	}
	if _, _, err := jwt.NewParser().ParseUnverified(assertion, &c); err != nil {
		return ""
	}
	return c.Subject
}
