package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// memoryIdempotency is the memory store's idempotency keys. Every
// idemSweep new claims the whole set is swept of lapsed records, so it
// stays near the number of live ones without a goroutine of its own.
type memoryIdempotency struct {
	mu     sync.Mutex
	recs   map[idemKey]IdempotencyKey
	claims int
}

type idemKey struct{ account, key string }

// idemSweep is how many new claims go by between sweeps.
const idemSweep = 1024

var _ IdempotencyKeys = (*Memory)(nil)

// ClaimIdempotencyKey stores a copy of rec unless the account holds a live
// record of the key, which it returns with ErrAlreadyExists.
func (m *Memory) ClaimIdempotencyKey(ctx context.Context, rec IdempotencyKey, now time.Time) (IdempotencyKey, error) {
	if err := ctx.Err(); err != nil {
		return IdempotencyKey{}, err
	}
	if rec.AccountSID == "" || rec.Key == "" || rec.Claim == "" || len(rec.Request) == 0 || rec.Answer != nil {
		return IdempotencyKey{}, fmt.Errorf("%w: an idempotency key claim needs an account, a key, a claim and a request, and no answer", ErrInvalid)
	}
	rec = cloneIdem(rec)
	k := idemKey{rec.AccountSID, rec.Key}
	d := &m.idem
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.recs[k]; ok && old.Expires.After(now) {
		return cloneIdem(old), fmt.Errorf("%w: idempotency key in use", ErrAlreadyExists)
	}
	if d.recs == nil {
		d.recs = make(map[idemKey]IdempotencyKey)
	}
	d.recs[k] = rec
	if d.claims++; d.claims%idemSweep == 0 {
		d.purge(now)
	}
	return cloneIdem(rec), nil
}

// AnswerIdempotencyKey stores the answer of the record rec.Claim holds.
func (m *Memory) AnswerIdempotencyKey(ctx context.Context, rec IdempotencyKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(rec.Answer) == 0 {
		return fmt.Errorf("%w: empty answer", ErrInvalid)
	}
	d := &m.idem
	d.mu.Lock()
	defer d.mu.Unlock()
	k := idemKey{rec.AccountSID, rec.Key}
	old, ok := d.recs[k]
	if !ok || old.Claim != rec.Claim || old.Answer != nil {
		return fmt.Errorf("%w: no unanswered idempotency key record with this claim", ErrNotFound)
	}
	old.Answer, old.Expires = bytes.Clone(rec.Answer), rec.Expires
	d.recs[k] = old
	return nil
}

// ReleaseIdempotencyKey removes the unanswered record rec.Claim holds.
func (m *Memory) ReleaseIdempotencyKey(ctx context.Context, rec IdempotencyKey) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := &m.idem
	d.mu.Lock()
	defer d.mu.Unlock()
	k := idemKey{rec.AccountSID, rec.Key}
	if old, ok := d.recs[k]; ok && old.Claim == rec.Claim && old.Answer == nil {
		delete(d.recs, k)
	}
	return nil
}

// PurgeIdempotencyKeys removes the records whose expiry is at or before
// now.
func (m *Memory) PurgeIdempotencyKeys(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.idem.mu.Lock()
	defer m.idem.mu.Unlock()
	return m.idem.purge(now), nil
}

// purge removes lapsed records; the caller holds d.mu.
func (d *memoryIdempotency) purge(now time.Time) int {
	n := 0
	for k, r := range d.recs {
		if !r.Expires.After(now) {
			delete(d.recs, k)
			n++
		}
	}
	return n
}

// cloneIdem returns a copy of r that shares no bytes with it; the strings
// may be slices of a request and are cloned too.
func cloneIdem(r IdempotencyKey) IdempotencyKey {
	r.AccountSID, r.Key, r.Claim = strings.Clone(r.AccountSID), strings.Clone(r.Key), strings.Clone(r.Claim)
	r.Request, r.Answer = bytes.Clone(r.Request), bytes.Clone(r.Answer)
	return r
}
