package oauthapp

import (
	"errors"
	"fmt"
)

// Errors of the service. Callers test them with errors.Is; the HTTP layer
// maps them onto OAuth error codes.
var (
	// ErrForbidden: the actor's role may not manage apps, or the actor
	// belongs to another account. It is checked before the call's other
	// input, so a refused actor never learns whether that input was
	// valid. Nothing was changed.
	ErrForbidden = errors.New("oauthapp: forbidden")
	// ErrNotFound: no app with that SID.
	ErrNotFound = errors.New("oauthapp: app not found")
	// ErrInvalidArgument: a malformed SID, name, policy, TTL, grace or page
	// size. The wrapped error says which.
	ErrInvalidArgument = errors.New("oauthapp: invalid argument")
	// ErrInvalidOption: an Option of New was given an unusable value; the
	// wrapped message says which. Every bad option's error wraps it.
	ErrInvalidOption = errors.New("oauthapp: invalid option")
	// ErrUnsupportedRegion: the region is not one this service serves.
	ErrUnsupportedRegion = errors.New("oauthapp: unsupported region")
	// ErrConflict: a management call kept losing a race with concurrent
	// writers and gave up; nothing was changed by it. Retry.
	ErrConflict = errors.New("oauthapp: concurrent update, retry")
	// ErrVersionMismatch: a conditional update or rotation
	// (AppUpdate.IfVersion, Rotation.IfVersion) found the app at another
	// version: someone changed it since the caller read it. Nothing was
	// changed; read the app again before deciding.
	ErrVersionMismatch = errors.New("oauthapp: app changed since it was read")
	// ErrIdempotencyKeyReused: the idempotency key was used before for
	// another request (Idempotent). Nothing was done.
	ErrIdempotencyKeyReused = errors.New("oauthapp: idempotency key used for another request")
	// ErrIdempotencyKeyInUse: a call with this idempotency key is still
	// running (Idempotent). Nothing was done; retry in a moment to get
	// its answer.
	ErrIdempotencyKeyInUse = errors.New("oauthapp: a call with this idempotency key is still running")
	// ErrAnswerUnavailable: the call of this idempotency key was made,
	// but its answer is sealed under a key-encryption key this instance
	// does not hold (see Idempotent and WithKeyEncryptionKey). Nothing
	// was done again; read the result (the app) instead of retrying.
	ErrAnswerUnavailable = errors.New("oauthapp: the answer to this idempotency key is sealed under a key-encryption key this instance does not hold")

	// ErrInvalidClient: client authentication failed. It is the same error
	// for an unknown client, a wrong secret, an expired previous secret, a
	// deleted app and a client of another region; the audit hook is told
	// which.
	ErrInvalidClient = errors.New("oauthapp: invalid client")
	// ErrInvalidScope: the requested scope is malformed or not allowed by
	// the app's policy. A *ScopeError carries the permission.
	ErrInvalidScope = errors.New("oauthapp: invalid scope")
	// ErrInvalidTarget: the requested resource (RFC 8707) is malformed, or
	// not one the app may have tokens for.
	ErrInvalidTarget = errors.New("oauthapp: invalid target")

	// ErrInvalidToken: the bearer token is malformed, badly signed,
	// expired, revoked, or belongs to an app or secret that is no longer
	// active. The wrapped error says which (for logs, never for the
	// client).
	ErrInvalidToken = errors.New("oauthapp: invalid token")
	// ErrTokenRevoked wraps into ErrInvalidToken: the token was revoked.
	ErrTokenRevoked = errors.New("oauthapp: token revoked")
	// ErrAppDeleted wraps into ErrInvalidToken: the token's app is gone.
	ErrAppDeleted = errors.New("oauthapp: app deleted")
	// ErrSecretInactive wraps into ErrInvalidToken: the secret that
	// authenticated the token was rotated away.
	ErrSecretInactive = errors.New("oauthapp: secret no longer active")
	// ErrClientKeyRemoved wraps into ErrInvalidToken: the client key that
	// authenticated the token was removed from its app.
	ErrClientKeyRemoved = errors.New("oauthapp: client key removed")
	// ErrWrongAudience wraps into ErrInvalidToken: the token is for
	// another API (its aud is not the audience asked for).
	ErrWrongAudience = errors.New("oauthapp: token is for another audience")
	// ErrWrongAccount: the token's account is not the resource's account
	// (subaccounts and parents included).
	ErrWrongAccount = errors.New("oauthapp: token not valid for this account")
	// ErrWrongRegion: the token was issued for another region.
	ErrWrongRegion = errors.New("oauthapp: token not valid in this region")
	// ErrInsufficientScope: the token's scope, or the app's current
	// policy, does not cover the route's permission. A *ScopeError
	// carries the permission.
	ErrInsufficientScope = errors.New("oauthapp: insufficient scope")

	// ErrInvalidDPoPProof: a DPoP proof (RFC 9449) is missing where the
	// app requires one, malformed, for another request or token, stale,
	// replayed or badly signed. The wrapped error says which (for logs,
	// never for the client). Nothing was issued or authorized.
	ErrInvalidDPoPProof = errors.New("oauthapp: invalid DPoP proof")
	// ErrUseDPoPNonce: under WithDPoPNonces, a DPoP proof carries no
	// current nonce of this server; the client retries with the one
	// Metadata.DPoPNonce gives (RFC 9449 sections 8 and 9).
	ErrUseDPoPNonce = errors.New("oauthapp: DPoP proof needs a server nonce")

	// ErrForeignToken: a client asked to revoke a token that was issued to
	// another client. (Introspect reports such a token inactive instead.)
	ErrForeignToken = errors.New("oauthapp: token belongs to another client")
)

// errSIDFormat is the detail of an ErrInvalidArgument for a malformed SID.
var errSIDFormat = errors.New("want two-letter prefix and 32 lowercase hex digits")

// errHostIDFormat is the detail of an ErrInvalidArgument for a malformed
// account or user id.
var errHostIDFormat = errors.New("want 1 to 64 bytes: an ASCII letter or digit, then letters, digits or - . _ ~ : @ + =")

// ScopeError names the permission a scope check failed on. It wraps
// ErrInvalidScope (token requests) or ErrInsufficientScope (authorization).
type ScopeError struct {
	// Permission is the permission that was not granted. Under
	// ErrInvalidScope it is a requested permission that parsed (a
	// malformed scope is a plain ErrInvalidScope), so its alphabet holds
	// no '_' and no client secret: safe to repeat in an answer.
	Permission string
	why        Reason // ReasonInvalidScope or ReasonInsufficientScope
}

// Error returns the wrapped sentinel's message and the quoted permission.
func (e *ScopeError) Error() string {
	return fmt.Sprintf("%v: %q", e.Unwrap(), e.Permission)
}

// Unwrap returns ErrInvalidScope or ErrInsufficientScope.
func (e *ScopeError) Unwrap() error {
	if errs := errorsOf(e.why); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func (e *ScopeError) reason() Reason { return e.why }

// ArgumentError says which argument of a call an ErrInvalidArgument is
// about, for an interface that must name the offending field. It wraps
// ErrInvalidArgument (ErrUnsupportedRegion for "Region"); errors.As finds
// it.
type ArgumentError struct {
	// Argument is the Go name of the argument: a field of NewApp,
	// AppUpdate or Rotation ("FriendlyName", "Description", "Region",
	// "Permissions", "TokenTTL", "DefaultGrace", "Grace", "ClientKeys",
	// "NoSecret", "Resources"), a field of NewClientKey ("ID",
	// "Algorithm", "PublicKeyPEM"; "ClientKeys" when AddClientKey finds
	// the app full), "Actor.UserSID", "Actor.AccountSID", or a parameter
	// ("appSID", "keyID", "limit", "after").
	Argument string
	err      error
}

// Error says what was wrong with the argument.
func (e *ArgumentError) Error() string { return e.err.Error() }

// Unwrap returns the error wrapping ErrInvalidArgument.
func (e *ArgumentError) Unwrap() error { return e.err }

// invalidArg is an ErrInvalidArgument about the named argument.
func invalidArg(arg, format string, args ...any) error {
	return &ArgumentError{Argument: arg, err: invalidArgument(format, args...)}
}

func invalidArgument(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidArgument}, args...)...)
}
