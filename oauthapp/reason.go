package oauthapp

import (
	"errors"
	"strings"
)

// Reason says why the service refused a request, in a stable word fit for
// a metric label and an alert. Every refusal has one: the error a call
// returns (ReasonOf finds it), the audit event (Event.Reason), the
// observer's outcomes (and so oauthotel's attributes) and the HTTP
// answers of package oauthhttp all derive from it.
//
// A failed client authentication has two: the caller gets
// ReasonInvalidClient, the same whatever went wrong, while the audit event
// and Observer.AuthenticationFailed get the cause (ReasonUnknownClient,
// ReasonWrongSecret, ...), which no error carries.
type Reason string

// Reasons of the errors the service returns. Each names one sentinel
// error, which errors.Is finds in the error.
const (
	ReasonInvalidClient     Reason = "invalid_client"     // ErrInvalidClient
	ReasonInvalidScope      Reason = "invalid_scope"      // ErrInvalidScope
	ReasonInvalidTarget     Reason = "invalid_target"     // ErrInvalidTarget
	ReasonUnsupportedRegion Reason = "unsupported_region" // ErrUnsupportedRegion
	ReasonInvalidArgument   Reason = "invalid_argument"   // ErrInvalidArgument
	ReasonForeignToken      Reason = "foreign_token"      // ErrForeignToken
	// ReasonInvalidToken: the token is malformed, badly signed, expired,
	// or signed by us yet not matching its app (ErrInvalidToken); the
	// five reasons below it are refusals of a token for a reason of its
	// own, and their errors match ErrInvalidToken too.
	ReasonInvalidToken      Reason = "invalid_token"
	ReasonTokenRevoked      Reason = "token_revoked"      // ErrTokenRevoked
	ReasonAppDeleted        Reason = "app_deleted"        // ErrAppDeleted
	ReasonSecretInactive    Reason = "secret_inactive"    // ErrSecretInactive
	ReasonClientKeyRemoved  Reason = "client_key_removed" // ErrClientKeyRemoved
	ReasonWrongAudience     Reason = "wrong_audience"     // ErrWrongAudience
	ReasonWrongAccount      Reason = "wrong_account"      // ErrWrongAccount
	ReasonWrongRegion       Reason = "wrong_region"       // ErrWrongRegion; also a client's own region is not the request's
	ReasonInsufficientScope Reason = "insufficient_scope" // ErrInsufficientScope
	// ReasonInvalidDPoPProof: a DPoP proof (RFC 9449) is missing where
	// the app requires one, malformed, for another request or token,
	// stale, replayed or badly signed (ErrInvalidDPoPProof); the detail
	// says which. A token presented against its DPoP binding is
	// ReasonInvalidToken.
	ReasonInvalidDPoPProof Reason = "invalid_dpop_proof"
	// ReasonUseDPoPNonce: under WithDPoPNonces, a DPoP proof carries no
	// current nonce of the server's (ErrUseDPoPNonce).
	ReasonUseDPoPNonce Reason = "use_dpop_nonce"
	// ReasonError is no refusal: the service could not answer (its
	// store or its signer failed). ReasonOf gives it for any error that
	// has no other reason.
	ReasonError Reason = "error"
)

// Causes of a failed client authentication, told to the audit hook and
// the observer only: the caller gets ErrInvalidClient.
const (
	ReasonMalformedSecret   Reason = "malformed_secret"
	ReasonMalformedClientID Reason = "malformed_client_id"
	ReasonUnknownClient     Reason = "unknown_client"
	// ReasonWrongSecret: the secret is not one of the app's, or its
	// grace is over.
	ReasonWrongSecret Reason = "wrong_secret"
	// ReasonGraceEnding: the previous secret has less than a token's
	// shortest lifetime of grace left (IssueToken only).
	ReasonGraceEnding Reason = "grace_ending"
	// ReasonBadAssertion: a client assertion (private_key_jwt) was
	// refused: malformed, expired, for another audience, under an unknown
	// key, badly signed, replayed, and so on; Event.Detail says which.
	ReasonBadAssertion Reason = "bad_assertion"
)

// sentinels lists the errors of the reasons an error may carry, each
// reason's sentinel last, after the one it wraps into. ReasonOf reads an
// error against it in this order, the narrower reason first.
var sentinels = []struct {
	reason Reason
	errs   []error
}{
	{ReasonTokenRevoked, []error{ErrInvalidToken, ErrTokenRevoked}},
	{ReasonAppDeleted, []error{ErrInvalidToken, ErrAppDeleted}},
	{ReasonSecretInactive, []error{ErrInvalidToken, ErrSecretInactive}},
	{ReasonClientKeyRemoved, []error{ErrInvalidToken, ErrClientKeyRemoved}},
	{ReasonWrongAudience, []error{ErrInvalidToken, ErrWrongAudience}},
	{ReasonInvalidToken, []error{ErrInvalidToken}},
	{ReasonWrongAccount, []error{ErrWrongAccount}},
	{ReasonWrongRegion, []error{ErrWrongRegion}},
	{ReasonInsufficientScope, []error{ErrInsufficientScope}},
	{ReasonInvalidDPoPProof, []error{ErrInvalidDPoPProof}},
	{ReasonUseDPoPNonce, []error{ErrUseDPoPNonce}},
	{ReasonInvalidClient, []error{ErrInvalidClient}},
	{ReasonInvalidScope, []error{ErrInvalidScope}},
	{ReasonInvalidTarget, []error{ErrInvalidTarget}},
	{ReasonUnsupportedRegion, []error{ErrUnsupportedRegion}},
	{ReasonInvalidArgument, []error{ErrInvalidArgument}},
	{ReasonForeignToken, []error{ErrForeignToken}},
}

// invalidClient is the sentinel of every cause of a failed client
// authentication.
var invalidClient = []error{ErrInvalidClient}

// errorsOf returns the sentinels of a reason; a cause of a failed client
// authentication has ErrInvalidClient's.
func errorsOf(r Reason) []error {
	for _, s := range sentinels {
		if s.reason == r {
			return s.errs
		}
	}
	switch r {
	case ReasonMalformedSecret, ReasonMalformedClientID, ReasonUnknownClient, ReasonWrongSecret, ReasonGraceEnding, ReasonBadAssertion:
		return invalidClient
	}
	return nil
}

// ReasonOf returns the reason of an error of the calls a client makes
// (IssueToken, AuthenticateClient, AuthenticateAssertion, Authorize,
// Introspect, Revoke): "" for nil, the reason of the refusal it holds,
// and ReasonError for an error that is no refusal (a store that cannot be
// reached, say). It reads the service's sentinels however they are
// wrapped. The errors of management calls (ErrForbidden, ErrNotFound,
// ErrConflict, ...) have no reason of their own: tell them apart with
// errors.Is.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	var r reasoned
	if errors.As(err, &r) && r.reason() != "" {
		return r.reason()
	}
	for _, s := range sentinels {
		if errors.Is(err, s.errs[len(s.errs)-1]) {
			return s.reason
		}
	}
	return ReasonError
}

// reasoned is an error that knows its reason: a *refusal or a
// *ScopeError.
type reasoned interface {
	error
	reason() Reason
}

// refusal is the error of a refused request, made from its reason: it
// matches the reason's sentinels and its cause with errors.Is, and its
// text is theirs.
type refusal struct {
	why Reason
	// cause, when not nil, says what the reason does not: which check a
	// client assertion failed, why a token did not verify. It is the
	// audit event's Detail.
	cause error
	errs  []error // the reason's sentinels, then the cause
}

// refuse returns the refusal of a reason, with a cause or none.
func refuse(r Reason, cause error) *refusal {
	errs := errorsOf(r)
	if cause != nil {
		errs = append(errs[:len(errs):len(errs)], cause)
	}
	return &refusal{why: r, cause: cause, errs: errs}
}

// refuseWith is refuse with a cause in words.
func refuseWith(r Reason, cause string) *refusal {
	return refuse(r, errors.New(cause))
}

func (e *refusal) reason() Reason { return e.why }

// Error joins the texts of the sentinels and the cause, as fmt.Errorf
// with "%w: %w" would.
func (e *refusal) Error() string {
	texts := make([]string, len(e.errs))
	for i, err := range e.errs {
		texts[i] = err.Error()
	}
	return strings.Join(texts, ": ")
}

// Unwrap returns the sentinels and the cause, for errors.Is and
// errors.As.
func (e *refusal) Unwrap() []error { return e.errs }

// detailOf is the Detail of an audit event about err: the cause of a
// refusal, the text of an error that is none.
func detailOf(err error) string {
	var r *refusal
	switch {
	case errors.As(err, &r):
		if r.cause != nil {
			return r.cause.Error()
		}
		return ""
	case ReasonOf(err) == ReasonError:
		return err.Error()
	}
	return ""
}
