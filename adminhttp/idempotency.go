package adminhttp

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// idempotency remembers, per account and Idempotency-Key, the request that
// used the key first and, once it is answered, its answer, so that a retry
// gets the same answer and changes nothing more (the Idempotency-Key
// header of the IETF httpapi draft, as Stripe does it).
//
// It lives in this process's memory. That is a choice: the answer to a
// create or a rotation holds the client secret, shown once; a record in
// the shared store would have to keep that secret, readable, beside its
// hash, which the service never does. The cost is that a retry reaching
// another instance is not recognised; route retries to the instance that
// answered, or accept that a retry there acts again.
//
// Only successful answers are kept: a failed request changed nothing, so
// a retry may as well run again. Entries expire ttl after they were
// answered; when the record is full the oldest entries go first, and a new
// key is refused (503) only when every entry is a request still running.
// No goroutine: expired entries are dropped by the calls that find them.
type idempotency struct {
	ttl time.Duration
	max int

	mu    sync.Mutex
	byKey map[string]*list.Element // of *idemEntry
	order *list.List               // oldest first
}

type idemEntry struct {
	key     string
	fp      [sha256.Size]byte
	done    bool
	resp    response
	expires time.Time
}

type idemState int

const (
	idemNew     idemState = iota // the caller runs the request and calls finish
	idemReplay                   // the first answer is returned
	idemRunning                  // the first request is still running
	idemReused                   // the key was used for another request
	idemFull                     // no room for another running request
)

func newIdempotency(ttl time.Duration, max int) *idempotency {
	return &idempotency{ttl: ttl, max: max, byKey: make(map[string]*list.Element), order: list.New()}
}

// begin looks the key up. For idemNew the key is now held by this
// request until finish.
func (m *idempotency) begin(key string, fp [sha256.Size]byte, now time.Time) (response, idemState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	if el, ok := m.byKey[key]; ok {
		e := el.Value.(*idemEntry)
		switch {
		case e.fp != fp:
			return response{}, idemReused
		case !e.done:
			return response{}, idemRunning
		default:
			return e.resp, idemReplay
		}
	}
	if len(m.byKey) >= m.max && !m.evictOneDone() {
		return response{}, idemFull
	}
	m.byKey[key] = m.order.PushBack(&idemEntry{key: key, fp: fp})
	return response{}, idemNew
}

// finish records the answer to the request that holds the key, or lets
// the key go if the answer is not a success.
func (m *idempotency) finish(key string, resp response, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return
	}
	if resp.status < 200 || resp.status > 299 {
		m.order.Remove(el)
		delete(m.byKey, key)
		return
	}
	e := el.Value.(*idemEntry)
	e.done, e.resp, e.expires = true, resp, now.Add(m.ttl)
	m.order.MoveToBack(el) // order is by expiry among the answered
}

// expire drops answered entries whose time is up. Running entries stay.
func (m *idempotency) expire(now time.Time) {
	for el := m.order.Front(); el != nil; {
		next := el.Next()
		e := el.Value.(*idemEntry)
		if e.done {
			if now.Before(e.expires) {
				return // the rest expire later
			}
			m.order.Remove(el)
			delete(m.byKey, e.key)
		}
		el = next
	}
}

// evictOneDone drops the answered entry that expires first.
func (m *idempotency) evictOneDone() bool {
	for el := m.order.Front(); el != nil; el = el.Next() {
		if e := el.Value.(*idemEntry); e.done {
			m.order.Remove(el)
			delete(m.byKey, e.key)
			return true
		}
	}
	return false
}
