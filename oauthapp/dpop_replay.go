package oauthapp

import (
	"crypto/sha256"
	"sync"
	"time"
)

// proofCache is an instance's memory of the DPoP proofs its API accepted
// while they are fresh, to refuse a replay without a store access. It
// holds at most about size proofs, by a 128-bit hash of their key's
// thumbprint and jti (a collision refuses a good proof, never accepts a
// replay), in shards that each sweep out their expired entries when they
// fill. A shard still full of fresh proofs refuses new ones: forgetting
// one would let it be replayed.
type proofCache struct {
	perShard int
	shards   [proofShards]proofShard
}

const proofShards = 64

type proofShard struct {
	mu sync.Mutex
	// until maps a proof to when its window ends, in Unix nanoseconds.
	until map[[16]byte]int64
	// sweptAt is when the shard was last swept while full: it is not
	// swept again within a second, so that a full shard costs a lookup.
	sweptAt int64
}

// The outcomes of proofCache.use.
const (
	proofNew = iota
	proofReplayed
	proofCacheFull
)

func newProofCache(size int) *proofCache {
	c := &proofCache{perShard: max(size/proofShards, 1)}
	for i := range c.shards {
		c.shards[i].until = make(map[[16]byte]int64)
	}
	return c
}

// use records the proof of the key thumbprint and the id jti until its
// window ends, unless it is recorded already and still fresh at now.
func (c *proofCache) use(thumbprint, jti string, until, now time.Time) int {
	h := sha256.New()
	h.Write([]byte(thumbprint))
	h.Write([]byte{0})
	h.Write([]byte(jti))
	var key [16]byte
	copy(key[:], h.Sum(nil))
	sh := &c.shards[key[0]%proofShards]
	t := now.UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if end, ok := sh.until[key]; ok && end > t {
		return proofReplayed
	}
	if len(sh.until) >= c.perShard && t-sh.sweptAt >= int64(time.Second) {
		sh.sweptAt = t
		for k, end := range sh.until {
			if end <= t {
				delete(sh.until, k)
			}
		}
	}
	if _, ok := sh.until[key]; !ok && len(sh.until) >= c.perShard {
		return proofCacheFull
	}
	sh.until[key] = until.UnixNano()
	return proofNew
}
