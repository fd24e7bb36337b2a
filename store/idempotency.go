package store

import (
	"context"
	"time"
)

// IdempotencyKey is the record of one idempotency key of an account (the
// Idempotency-Key header of a management request): the request that used
// the key first and, once that request is answered, its answer, so that a
// retry on any instance sharing the store gets the same answer and
// changes nothing more. The store keeps the fields as given and never
// reads Answer.
type IdempotencyKey struct {
	// AccountSID and Key name the record: a key belongs to its account.
	// Both required.
	AccountSID string
	Key        string
	// Request identifies the request that used the key first (the
	// service keeps a hash of it); the store compares nothing with it.
	// Required.
	Request []byte
	// Claim is the caller's random id of the attempt that holds the key
	// while its request runs; answering and releasing name it. Required.
	Claim string
	// Answer is the first answer, sealed by the caller; nil while the
	// request runs.
	Answer []byte
	// Expires is when the record lapses: for a request still running,
	// when it is taken to have died with its instance; for an answered
	// one, when the answer is forgotten.
	Expires time.Time
}

// IdempotencyKeys stores idempotency keys, shared by every instance of a
// service. Records are few and short-lived (a day); a record whose expiry
// has passed is as good as gone, and PurgeIdempotencyKeys removes it.
type IdempotencyKeys interface {
	// ClaimIdempotencyKey stores rec, which holds no Answer, unless the
	// account has a record of rec.Key whose expiry is after now: then
	// nothing is written, and that record is returned with
	// ErrAlreadyExists. A record whose expiry is at or before now is
	// replaced. Of concurrent claims of one key, one succeeds. An empty
	// AccountSID, Key, Claim or Request, or an Answer, is ErrInvalid.
	ClaimIdempotencyKey(ctx context.Context, rec IdempotencyKey, now time.Time) (IdempotencyKey, error)
	// AnswerIdempotencyKey stores rec.Answer and rec.Expires in the
	// record of rec.AccountSID and rec.Key that rec.Claim holds and that
	// has no answer yet. ErrNotFound, writing nothing, when there is no
	// such record (it lapsed and another claim replaced it). An empty
	// Answer is ErrInvalid.
	AnswerIdempotencyKey(ctx context.Context, rec IdempotencyKey) error
	// ReleaseIdempotencyKey removes the record of rec.AccountSID and
	// rec.Key if rec.Claim holds it and it has no answer, so that the key
	// may be used again. Anything else is left as it is, without error.
	ReleaseIdempotencyKey(ctx context.Context, rec IdempotencyKey) error
	// PurgeIdempotencyKeys removes the records whose expiry is at or
	// before now and returns how many it removed.
	PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error)
}
