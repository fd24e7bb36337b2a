package adminhttp

import "errors"

// Errors of New and its options. Callers test them with errors.Is.
var (
	// ErrInvalidOption: an option, or an argument of New, was given an
	// unusable value. The wrapped message says which.
	ErrInvalidOption = errors.New("adminhttp: invalid option")
)

// Problem types: the "type" member of every problem details document
// (RFC 9457) the API answers with. Each is a URN, so clients can switch on
// it; "title" is the same text for every problem of one type, "detail"
// says what was wrong with this request, and "field", when present, names
// the offending member of the body ("policy", "access_token_ttl"), query
// parameter ("PageSize") or header ("If-Match").
const (
	// ProblemUnauthenticated (401): the host's authenticator did not
	// accept the request's credentials.
	ProblemUnauthenticated = "urn:oauthapps:problem:unauthenticated"
	// ProblemForbidden (403): the user's role may not manage OAuth apps
	// (only owner, administrator and developer may).
	ProblemForbidden = "urn:oauthapps:problem:forbidden"
	// ProblemCrossOrigin (403): a browser sent a request that changes
	// something from a page of another origin (cross-site request
	// forgery; see the package documentation); nothing was changed.
	ProblemCrossOrigin = "urn:oauthapps:problem:cross-origin"
	// ProblemNotFound (404): no OAuth app with this SID in the caller's
	// account (an app of another account gets the same answer), or no
	// client key with this id on the app.
	ProblemNotFound = "urn:oauthapps:problem:not-found"
	// ProblemInvalidRequest (400): the body or a parameter is malformed or
	// breaks a rule; "field" names it.
	ProblemInvalidRequest = "urn:oauthapps:problem:invalid-request"
	// ProblemMethodNotAllowed (405): the path does not take this method;
	// the Allow header lists those it takes.
	ProblemMethodNotAllowed = "urn:oauthapps:problem:method-not-allowed"
	// ProblemUnsupportedMediaType (415): a body that is not
	// application/json.
	ProblemUnsupportedMediaType = "urn:oauthapps:problem:unsupported-media-type"
	// ProblemBodyTooLarge (413): the body is longer than the documented
	// limit (WithMaxBodyBytes).
	ProblemBodyTooLarge = "urn:oauthapps:problem:body-too-large"
	// ProblemPreconditionFailed (412): If-Match names a version the app
	// no longer has; nothing was changed.
	ProblemPreconditionFailed = "urn:oauthapps:problem:precondition-failed"
	// ProblemConflict (409, with Retry-After): the app kept changing
	// under the request, or another request with the same
	// Idempotency-Key is still running, on this instance or another;
	// nothing was changed. Retry: the retry gets the first request's
	// answer once there is one.
	ProblemConflict = "urn:oauthapps:problem:conflict"
	// ProblemIdempotencyKeyReused (422): the Idempotency-Key was used
	// before for another request (another body, path, If-Match or user);
	// nothing was changed.
	ProblemIdempotencyKeyReused = "urn:oauthapps:problem:idempotency-key-reused"
	// ProblemAnswerUnavailable (409): the request with this
	// Idempotency-Key was processed, but the answer kept for it is sealed
	// under a key-encryption key this server does not hold (servers that
	// share a store need the same oauthapp.WithKeyEncryptionKey); nothing
	// was done again. Read the app rather than retry.
	ProblemAnswerUnavailable = "urn:oauthapps:problem:answer-unavailable"
	// ProblemInternal (500): something failed on the server; the detail is
	// in the server's log, not in the answer.
	ProblemInternal = "urn:oauthapps:problem:internal"
)
