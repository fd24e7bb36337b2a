package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// memoryAssertions is the memory store's set of used client assertion ids.
// An entry past its expiry is replaced by the next use of its pair, and
// every assertionSweep new entries the whole set is swept, so the set
// stays near the number of assertions still live without a goroutine of
// its own.
type memoryAssertions struct {
	// used maps an assertionKey to the time.Time it is kept until.
	used  sync.Map
	added atomic.Uint64
}

// assertionSweep is how many new entries go by between sweeps.
const assertionSweep = 4096

type assertionKey struct{ client, jti string }

// UseAssertionID records the client's assertion id until expires, or
// returns ErrAlreadyExists when it is recorded with an expiry after now.
func (m *Memory) UseAssertionID(ctx context.Context, clientID, jti string, expires, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if clientID == "" || jti == "" {
		return fmt.Errorf("%w: empty client id or assertion id", ErrInvalid)
	}
	a := &m.assertions
	// The strings may be slices of a whole request body; keep copies.
	k := assertionKey{strings.Clone(clientID), strings.Clone(jti)}
	for {
		old, loaded := a.used.LoadOrStore(k, expires)
		if !loaded {
			break
		}
		if old.(time.Time).After(now) {
			return fmt.Errorf("%w: assertion id already used", ErrAlreadyExists)
		}
		if a.used.CompareAndSwap(k, old, expires) {
			return nil
		}
		// Another use or a purge changed the entry; look again.
	}
	if a.added.Add(1)%assertionSweep == 0 {
		a.purge(now)
	}
	return nil
}

// PurgeAssertionIDs removes the entries whose expiry is at or before now.
func (m *Memory) PurgeAssertionIDs(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return m.assertions.purge(now), nil
}

func (a *memoryAssertions) purge(now time.Time) int {
	n := 0
	a.used.Range(func(k, v any) bool {
		if !v.(time.Time).After(now) && a.used.CompareAndDelete(k, v) {
			n++
		}
		return true
	})
	return n
}
