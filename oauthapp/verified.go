package oauthapp

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/token"
)

// Defaults of the verified-token cache (WithTokenCache).
const (
	// DefaultTokenCacheEntries is how many verified tokens a Service
	// keeps unless WithTokenCache says otherwise: one live token for
	// each of 20,000 clients that call at the same time.
	DefaultTokenCacheEntries = 20_000
	// DefaultTokenCacheBytes bounds the memory the verified tokens a
	// Service keeps hold, unless WithTokenCache says otherwise: 32 MiB.
	// DefaultTokenCacheEntries tokens of the size a service with a few
	// permissions mints (about 650 bytes) hold about 24 MiB of heap, and
	// count for 1.5 KiB each against this bound.
	DefaultTokenCacheBytes = 32 << 20
)

// tokenCache maps the exact bytes of a token the validator accepted to
// the claims it read from them, so that a token presented again is found
// by one map lookup instead of being decoded and its signature verified
// anew. Nothing that can change while a token lives is kept: the
// revocation, app, secret, policy, account, region and audience checks
// run on every request (Service.check, Service.authorize).
//
// An entry is served from the time it was verified until its token's exp
// (exclusive, to the nanosecond), and only while the key set is as it was
// when it was verified: any change to the set (a key added, rotated or
// removed) empties the cache. A clock stepped back before an entry was
// verified does not find it.
//
// The cache holds at most maxEntries entries and maxBytes bytes by its
// own account (entryCost). A full cache first drops its expired entries,
// once the soonest expiry has passed; if it is still full, a newly
// verified token is not kept (the tokens it holds stay until they
// expire), so a flood of tokens never pushes out the ones in use.
type tokenCache struct {
	keys       *token.KeySet
	maxEntries int
	maxBytes   int64

	mu      sync.RWMutex
	entries map[string]*verifiedToken
	bytes   int64
	// gen is the key set's generation that every entry was verified
	// under.
	gen uint64
	// soonest is the earliest exp among the entries, in unix
	// nanoseconds; a full cache looks for expired entries only once now
	// has reached it.
	soonest int64
}

// verifiedToken is one entry: the claims, never handed out (see get),
// and when they may be served.
type verifiedToken struct {
	claims   token.Claims
	verified int64 // unix nanoseconds
	expires  int64 // unix nanoseconds, exclusive
	cost     int64
}

// entryOverhead is what an entry costs beyond the text of its token and
// claims: the verifiedToken (about 300 bytes with the allocator's
// rounding), its map slot and the audience slice's header.
// TestTokenCacheMemoryAtTheDefaultSize checks the account against the
// heap.
const entryOverhead = 448

// entryCost is what keeping raw and its claims costs, by the cache's
// account: the one allocation own makes for their text, an eighth more
// for the allocator's rounding, the audience's string headers, and the
// fixed overhead.
func entryCost(raw string, c *token.Claims) int64 {
	n := textLen(raw, c)
	return int64(n+n/8+16*len(c.Audience)) + entryOverhead
}

// claimStrings are the string fields of c, in the order own lays them
// out.
func claimStrings(c *token.Claims) [9]*string {
	return [9]*string{&c.Issuer, &c.Subject, &c.ID, &c.ClientID, &c.Scope, &c.AccountSID, &c.Region, &c.SecretID, &c.DPoPThumbprint}
}

// textLen is the length of raw and of every string of c.
func textLen(raw string, c *token.Claims) int {
	n := len(raw)
	for _, p := range claimStrings(c) {
		n += len(*p)
	}
	for _, a := range c.Audience {
		n += len(a)
	}
	return n
}

// own returns copies of raw and c whose strings all lie in one new
// allocation, so that an entry holds exactly what entryCost counts
// whatever its strings were slices of (raw may be a slice of a request's
// header block).
func own(raw string, c token.Claims) (string, token.Claims) {
	var b strings.Builder
	b.Grow(textLen(raw, &c))
	b.WriteString(raw)
	fields := claimStrings(&c)
	for _, p := range fields {
		b.WriteString(*p)
	}
	for _, a := range c.Audience {
		b.WriteString(a)
	}
	text := b.String()
	next := func(n int) string {
		s := text[:n]
		text = text[n:]
		return s
	}
	raw = next(len(raw))
	for _, p := range fields {
		*p = next(len(*p))
	}
	aud := make([]string, len(c.Audience))
	for i, a := range c.Audience {
		aud[i] = next(len(a))
	}
	c.Audience = aud
	return raw, c
}

// newTokenCache returns a cache bounded by entries and bytes, or nil
// (no cache) when either is 0.
func newTokenCache(keys *token.KeySet, entries int, bytes int64) *tokenCache {
	if entries == 0 || bytes == 0 {
		return nil
	}
	return &tokenCache{keys: keys, maxEntries: entries, maxBytes: bytes, entries: make(map[string]*verifiedToken), gen: keys.Generation()}
}

// get returns the claims of raw if they may be served at now. Their
// Audience is the caller's own copy: an Identity handed to the host
// carries it.
func (tc *tokenCache) get(raw string, now time.Time) (token.Claims, bool) {
	gen := tc.keys.Generation()
	tc.mu.RLock()
	e, ok := tc.entries[raw]
	ok = ok && tc.gen == gen
	tc.mu.RUnlock()
	if n := now.UnixNano(); !ok || n < e.verified || n >= e.expires {
		return token.Claims{}, false
	}
	c := e.claims
	c.Audience = slices.Clone(c.Audience)
	return c, true
}

// put keeps c, the claims of raw as verified at now under the key set's
// generation gen (read before the validator ran), if there is room.
func (tc *tokenCache) put(raw string, c token.Claims, now time.Time, gen uint64) {
	n, exp := now.UnixNano(), c.ExpiresAt.UnixNano()
	if n >= exp {
		return
	}
	cost := entryCost(raw, &c)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	switch {
	case gen < tc.gen:
		return // the set changed while c was verified
	case gen > tc.gen:
		tc.clearLocked(gen)
	}
	if _, dup := tc.entries[raw]; dup {
		return
	}
	if !tc.roomLocked(cost, n) {
		return
	}
	raw, c = own(raw, c)
	tc.entries[raw] = &verifiedToken{claims: c, verified: n, expires: exp, cost: cost}
	tc.bytes += cost
	if len(tc.entries) == 1 || exp < tc.soonest {
		tc.soonest = exp
	}
}

// roomLocked reports whether an entry of cost fits, after dropping the
// entries expired at now when the cache is full and the soonest expiry
// has passed. tc.mu is held.
func (tc *tokenCache) roomLocked(cost, now int64) bool {
	fits := func() bool { return len(tc.entries) < tc.maxEntries && tc.bytes+cost <= tc.maxBytes }
	if fits() || now < tc.soonest {
		return fits()
	}
	tc.dropExpiredLocked(now)
	return fits()
}

// dropExpiredLocked drops the entries expired at now. tc.mu is held.
func (tc *tokenCache) dropExpiredLocked(now int64) {
	soonest := int64(0)
	for raw, e := range tc.entries {
		if now >= e.expires {
			delete(tc.entries, raw)
			tc.bytes -= e.cost
		} else if soonest == 0 || e.expires < soonest {
			soonest = e.expires
		}
	}
	tc.soonest = soonest
}

// sweep drops the entries expired at now, so that a cache that is not
// full holds no memory for tokens that no longer verify.
func (tc *tokenCache) sweep(now time.Time) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.dropExpiredLocked(now.UnixNano())
}

// clearLocked drops every entry, for the key set's generation gen.
// tc.mu is held.
func (tc *tokenCache) clearLocked(gen uint64) {
	clear(tc.entries)
	tc.bytes, tc.soonest, tc.gen = 0, 0, gen
}

// usage returns the number of entries and the bytes they cost.
func (tc *tokenCache) usage() (entries int, bytes int64) {
	tc.mu.RLock()
	defer tc.mu.RUnlock()
	return len(tc.entries), tc.bytes
}

// validate returns the claims of bearer at now: from the token cache
// when it holds these exact bytes, else from the validator, whose answer
// the cache then keeps. It is the one place check reads a token.
func (s *Service) validate(ctx context.Context, now time.Time, bearer string) (token.Claims, error) {
	tc := s.tokens
	if tc == nil {
		return s.validator.Validate(now, bearer)
	}
	c, hit := tc.get(bearer, now)
	if f := s.cfg.observer.CacheLookup; f != nil {
		f(ctx, CacheTokens, hit)
	}
	if hit {
		return c, nil
	}
	gen := tc.keys.Generation()
	c, err := s.validator.Validate(now, bearer)
	if err == nil {
		tc.put(bearer, c, now, gen)
	}
	return c, err
}
