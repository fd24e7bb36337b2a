package oauthapp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/oauthapps/oauthapps/internal/seal"
	"github.com/oauthapps/oauthapps/store"
)

// Idempotency keys.
const (
	// IdempotencyKeyTTL is how long the answer to a call made with an
	// idempotency key is kept (see Idempotent): 24 hours. A retry within
	// it gets that answer; after it, the key is free again.
	IdempotencyKeyTTL = 24 * time.Hour
	// MaxIdempotencyKeyLen is the longest idempotency key, in bytes of
	// printable ASCII.
	MaxIdempotencyKeyLen = 255
)

// idemLease is how long a claim holds a key while its call runs: a call
// still unanswered after it is taken to have died with its instance, and
// a retry then runs again. The call's context ends at half of it, so that
// a slow call gives up well before another may start.
const idemLease = time.Minute

// idemADLabel starts the associated data of a sealed answer, so that no
// other sealed bytes (a signing key) open as one.
const idemADLabel = "oauthapps idempotent answer v1"

// Idempotent runs call once for the actor's account and an idempotency
// key, across every instance that shares the store, and returns its
// answer. A retry of the same request with the same key, on any instance,
// gets that first answer again (replayed is true) and call does not run.
// request identifies the request: everything that decides what call does
// (for adminhttp: method, path, user, role, If-Match and body). The
// service keeps a hash of it.
//
// call returns the answer and whether to keep it: keep false (a refused
// request, which changed nothing) lets the key go, so that a corrected
// request may use it. A kept answer is stored sealed (AES-256-GCM) under
// the key-encryption key of WithKeyEncryptionKey, so that the client
// secret of a create or a rotation, shown once, is never stored in plain
// text; it is kept IdempotencyKeyTTL and removed by Purge. Without
// WithKeyEncryptionKey, answers are sealed under a key that New draws at
// random and that lives only in this process: a replay then works on this instance alone, and a retry that
// reaches another instance (or this one after a restart) is
// ErrAnswerUnavailable, never a second run.
//
// The actor's role is checked first: an actor who may not manage apps
// gets ErrForbidden and learns nothing about the key. The same key with
// another request is ErrIdempotencyKeyReused; a retry while the first
// call still runs is ErrIdempotencyKeyInUse (the caller retries later; it
// does not wait). A key is 1 to MaxIdempotencyKeyLen printable ASCII
// characters, else ErrInvalidArgument. Keys belong to the actor's
// account: another account's key of the same name is another key.
//
// A call whose answer cannot be recorded (the store failed after the call
// succeeded) still returns its answer; the failure is logged, and a retry
// may then run again.
func (s *Service) Idempotent(ctx context.Context, actor Actor, key string, request []byte, call func(ctx context.Context) (answer []byte, keep bool)) (answer []byte, replayed bool, err error) {
	if err := actor.authorize(actor.AccountSID); err != nil {
		return nil, false, err
	}
	if !validIdempotencyKey(key) {
		return nil, false, invalidArg("key", "an idempotency key is 1 to %d printable ASCII characters", MaxIdempotencyKeyLen)
	}
	if call == nil {
		return nil, false, invalidArg("call", "nil call")
	}
	fp := sha256.Sum256(request)
	var claimID [16]byte
	if _, err := rand.Read(claimID[:]); err != nil {
		return nil, false, fmt.Errorf("oauthapp: idempotency key: %w", err)
	}
	now := s.now()
	claim := store.IdempotencyKey{
		AccountSID: actor.AccountSID, Key: key, Request: fp[:],
		Claim: hex.EncodeToString(claimID[:]), Expires: now.Add(idemLease),
	}
	held, err := s.store.ClaimIdempotencyKey(ctx, claim, now)
	switch {
	case errors.Is(err, store.ErrAlreadyExists):
		return s.replay(held, fp[:])
	case err != nil:
		return nil, false, fmt.Errorf("oauthapp: claiming idempotency key: %w", err)
	}

	// The claim is let go if call panics or keeps nothing; the writes
	// after call outlive the request's context, since the change is made.
	done := context.WithoutCancel(ctx)
	kept := false
	defer func() {
		if !kept {
			if err := s.store.ReleaseIdempotencyKey(done, claim); err != nil {
				s.cfg.logger.ErrorContext(ctx, "oauthapp: releasing an idempotency key", "error", err)
			}
		}
	}()
	callCtx, cancel := context.WithTimeout(ctx, idemLease/2)
	defer cancel()
	answer, keep := call(callCtx)
	if !keep {
		return answer, false, nil
	}
	kept = true
	sealed, err := s.idem.Seal(answer, idemAD(claim))
	if err == nil {
		claim.Answer, claim.Expires = sealed, s.now().Add(IdempotencyKeyTTL)
		err = s.store.AnswerIdempotencyKey(done, claim)
	}
	if err != nil {
		s.cfg.logger.ErrorContext(ctx, "oauthapp: the answer to an idempotency key was not recorded; a retry will run again", "error", err)
	}
	return answer, false, nil
}

// replay answers a key that another call holds or answered.
func (s *Service) replay(held store.IdempotencyKey, fp []byte) ([]byte, bool, error) {
	switch {
	case !bytes.Equal(held.Request, fp):
		return nil, false, ErrIdempotencyKeyReused
	case held.Answer == nil:
		return nil, false, ErrIdempotencyKeyInUse
	}
	answer, err := s.idem.Open(held.Answer, idemAD(held))
	if errors.Is(err, seal.ErrForeign) {
		return nil, false, fmt.Errorf("%w: %v", ErrAnswerUnavailable, err)
	}
	if err != nil {
		return nil, false, fmt.Errorf("oauthapp: the stored answer to an idempotency key: %w", err)
	}
	return answer, true, nil
}

// idemAD binds a sealed answer to its account, key and request.
func idemAD(r store.IdempotencyKey) []byte {
	ad := make([]byte, 0, len(idemADLabel)+len(r.AccountSID)+len(r.Key)+len(r.Request)+3)
	ad = append(append(ad, idemADLabel...), 0)
	ad = append(append(ad, r.AccountSID...), 0)
	ad = append(append(ad, r.Key...), 0)
	return append(ad, r.Request...)
}

// newIdemSealer returns the sealer of answers: under the host's KEKs, or
// under a random key of this process when there are none.
func newIdemSealer(keks [][]byte) (*seal.Sealer, error) {
	if len(keks) == 0 {
		own := make([]byte, seal.KEKSize)
		if _, err := rand.Read(own); err != nil {
			return nil, err
		}
		keks = [][]byte{own}
	}
	return seal.New(keks)
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > MaxIdempotencyKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}
