package oauthapp

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// cacheKeys is a key set for a token cache; the cache reads only its
// generation.
func cacheKeys(t *testing.T) *token.KeySet {
	t.Helper()
	k, err := token.GenerateKey(token.HS256)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := token.NewKeySet(k)
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// typicalToken returns the i-th of distinct tokens shaped like those a
// service with two permissions mints (about 650 bytes), with scope
// padded by pad bytes, and their claims, the strings of which are slices
// of one larger text, as a decoder's may be.
func typicalToken(i, pad int, now time.Time) (string, token.Claims) {
	text := fmt.Sprintf("%s|%034d|%022d|%s", strings.Repeat("t", 600), i, i, strings.Repeat("p", pad))
	raw := text[:600] + fmt.Sprintf(".%034d", i)
	sid, jti := text[601:635], text[636:658]
	return raw, token.Claims{
		Issuer: "https://auth.example.com", Subject: sid, Audience: []string{"https://api.example.com"},
		ExpiresAt: now.Add(time.Hour), IssuedAt: now, ID: jti, ClientID: sid,
		Scope:      "/demo/messaging/messages/list /demo/messaging/messages/read" + text[658:],
		AccountSID: sid, Region: "us1", SecretID: jti,
	}
}

// fill puts tokens into tc until one is not kept, and returns how much
// the heap grew by, after a collection, with tc full.
func fill(t *testing.T, tc *tokenCache, pad int) (held int64) {
	t.Helper()
	now := time.Unix(1_900_000_000, 0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; ; i++ {
		raw, c := typicalToken(i, pad, now)
		tc.put(raw, c, now, tc.keys.Generation())
		if entries, _ := tc.usage(); entries <= i {
			break
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// TestTokenCacheMemoryAtTheDefaultSize fills a cache of the default size
// with tokens of a typical size: it holds DefaultTokenCacheEntries of
// them, its account stays within DefaultTokenCacheBytes, and the heap it
// holds is no more than its account says.
func TestTokenCacheMemoryAtTheDefaultSize(t *testing.T) {
	tc := newTokenCache(cacheKeys(t), DefaultTokenCacheEntries, DefaultTokenCacheBytes)
	held := fill(t, tc, 0)
	entries, bytes := tc.usage()
	t.Logf("%d entries, %d bytes by account (%d per entry), %d bytes of heap held", entries, bytes, bytes/int64(entries), held)
	if entries != DefaultTokenCacheEntries {
		t.Errorf("full at %d entries, want %d", entries, DefaultTokenCacheEntries)
	}
	if bytes > DefaultTokenCacheBytes {
		t.Errorf("accounted %d bytes, more than the bound %d", bytes, DefaultTokenCacheBytes)
	}
	if held > bytes {
		t.Errorf("the heap grew by %d bytes, more than the %d accounted", held, bytes)
	}
	runtime.KeepAlive(tc)
}

// TestTokenCacheByteBound: tokens large enough that the byte bound comes
// first fill the cache up to it and no further, and the heap held is no
// more than the account.
func TestTokenCacheByteBound(t *testing.T) {
	const bound = 4 << 20
	tc := newTokenCache(cacheKeys(t), 1_000_000, bound)
	held := fill(t, tc, 8<<10)
	entries, bytes := tc.usage()
	t.Logf("%d entries, %d bytes by account, %d bytes of heap held", entries, bytes, held)
	raw, c := typicalToken(0, 8<<10, time.Time{})
	if bytes > bound || bytes+entryCost(raw, &c) <= bound {
		t.Errorf("accounted %d bytes: over the bound %d, or room for one more", bytes, bound)
	}
	if held > bytes {
		t.Errorf("the heap grew by %d bytes, more than the %d accounted", held, bytes)
	}
	runtime.KeepAlive(tc)
}

// TestTokenCacheKeepsItsOwnCopies: an entry holds neither the caller's
// token string nor the text its claims were slices of.
func TestTokenCacheKeepsItsOwnCopies(t *testing.T) {
	tc := newTokenCache(cacheKeys(t), 10, 1<<20)
	now := time.Unix(1_900_000_000, 0)
	raw, c := typicalToken(1, 4<<10, now)
	tc.put(raw, c, now, tc.keys.Generation())
	for key, e := range tc.entries {
		if key != raw || unsafe.StringData(key) == unsafe.StringData(raw) {
			t.Fatal("the entry's key is not a copy of the token")
		}
		if e.claims.Scope != c.Scope || unsafe.StringData(e.claims.Scope) == unsafe.StringData(c.Scope) {
			t.Fatal("the entry's scope is not a copy")
		}
	}

	t.Run("a DPoP-bound token's thumbprint too", func(t *testing.T) {
		raw, c := typicalToken(2, 0, now)
		c.DPoPThumbprint = strings.Repeat("j", 43)
		tc.put(raw, c, now, tc.keys.Generation())
		e := tc.entries[raw]
		if e == nil || e.claims.DPoPThumbprint != c.DPoPThumbprint || unsafe.StringData(e.claims.DPoPThumbprint) == unsafe.StringData(c.DPoPThumbprint) {
			t.Fatal("the entry's cnf.jkt is missing or not a copy")
		}
		unbound := c
		unbound.DPoPThumbprint = ""
		if e.cost <= entryCost(raw, &unbound) {
			t.Error("the thumbprint is not counted in the entry's cost")
		}
	})
}

// A cache that is not full keeps expired entries until something sweeps
// them: Purge does, so that memory follows the tokens still alive.
func TestSweepDropsOnlyExpiredTokens(t *testing.T) {
	tc := newTokenCache(cacheKeys(t), 100, 1<<20)
	now := time.Unix(1_900_000_000, 0)
	for i := range 3 {
		raw, c := typicalToken(i, 0, now)
		if i == 2 {
			c.ExpiresAt = now.Add(2 * time.Hour)
		}
		tc.put(raw, c, now, tc.keys.Generation())
	}
	_, full := tc.usage()
	tc.sweep(now.Add(time.Hour - time.Nanosecond))
	if entries, _ := tc.usage(); entries != 3 {
		t.Fatalf("a sweep before any exp kept %d entries, want 3", entries)
	}
	tc.sweep(now.Add(time.Hour))
	entries, bytes := tc.usage()
	if entries != 1 || bytes <= 0 || bytes >= full {
		t.Fatalf("a sweep at the first two tokens' exp kept %d entries of %d bytes (of %d), want the one alive", entries, bytes, full)
	}
	raw, _ := typicalToken(2, 0, now)
	if _, ok := tc.get(raw, now.Add(time.Hour)); !ok {
		t.Fatal("the token still alive is no longer served")
	}
}

// Purge sweeps the token cache.
func TestPurgeSweepsTheTokenCache(t *testing.T) {
	s, err := New(store.NewMemory(), cacheKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	raw, c := typicalToken(0, 0, now.Add(-2*time.Hour))
	s.tokens.put(raw, c, now.Add(-2*time.Hour), s.tokens.keys.Generation())
	if entries, _ := s.tokens.usage(); entries != 1 {
		t.Fatalf("the cache holds %d entries, want 1", entries)
	}
	if _, err := s.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	if entries, bytes := s.tokens.usage(); entries != 0 || bytes != 0 {
		t.Fatalf("after Purge the cache holds %d entries of %d bytes, want none", entries, bytes)
	}
}
