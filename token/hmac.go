package token

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding"
	"fmt"
	"hash"
	"sync"
)

// hmacPads holds an HS256 secret as the two padded key blocks of RFC 2104,
// so one MAC is two SHA-256 sums over stack buffers: no allocation, no
// shared state, nothing to lock.
type hmacPads struct {
	inner, outer [sha256.BlockSize]byte
}

func newHMACPads(secret []byte) *hmacPads {
	var k [sha256.BlockSize]byte
	if len(secret) > sha256.BlockSize {
		sum := sha256.Sum256(secret)
		copy(k[:], sum[:])
	} else {
		copy(k[:], secret)
	}
	p := &hmacPads{}
	for i, b := range k {
		p.inner[i] = b ^ 0x36
		p.outer[i] = b ^ 0x5c
	}
	return p
}

// sum returns HMAC-SHA256(secret, msg).
func (p *hmacPads) sum(msg string) [sha256.Size]byte {
	var stack [1024]byte
	buf := stack[:0]
	if n := len(p.inner) + len(msg); n > len(stack) {
		buf = make([]byte, 0, n)
	}
	return p.sumPadded(append(append(buf, p.inner[:]...), msg...))
}

// sumPadded returns HMAC-SHA256(secret, msg) for padded = inner pad || msg.
func (p *hmacPads) sumPadded(padded []byte) [sha256.Size]byte {
	in := sha256.Sum256(padded)
	var out [sha256.BlockSize + sha256.Size]byte
	copy(out[:], p.outer[:])
	copy(out[sha256.BlockSize:], in[:])
	return sha256.Sum256(out[:])
}

// equal reports in constant time whether mac is HMAC-SHA256(secret, msg).
func (p *hmacPads) equal(msg string, mac []byte) bool {
	want := p.sum(msg)
	return subtle.ConstantTimeCompare(want[:], mac) == 1
}

// hmacPrefix is an HS256 key's HMAC-SHA256 state for messages that all
// start with the same prefix (a minter's header and constant claims): the
// inner hash has the pad and the prefix's whole 64-byte blocks absorbed,
// the outer hash its pad, so each token hashes only what follows.
type hmacPrefix struct {
	key   *Key
	skip  int    // bytes of every message already in inner
	inner []byte // marshaled SHA-256 state after ipad || prefix[:skip]
	outer []byte // marshaled SHA-256 state after opad
}

func newHMACPrefix(key *Key, prefix string) (*hmacPrefix, error) {
	skip := (sha256.BlockSize+len(prefix))/sha256.BlockSize*sha256.BlockSize - sha256.BlockSize
	h := sha256.New()
	h.Write(key.secret().pads.inner[:])
	h.Write([]byte(prefix[:skip]))
	inner, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("%w: HMAC state: %v", ErrSigningKey, err)
	}
	h.Reset()
	h.Write(key.secret().pads.outer[:])
	outer, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("%w: HMAC state: %v", ErrSigningKey, err)
	}
	return &hmacPrefix{key: key, skip: skip, inner: inner, outer: outer}, nil
}

// sum returns HMAC-SHA256(secret, msg); msg must start with the prefix.
func (p *hmacPrefix) sum(sc *hmacScratch, msg []byte) ([sha256.Size]byte, error) {
	var mac [sha256.Size]byte
	u := sc.h.(encoding.BinaryUnmarshaler)
	if err := u.UnmarshalBinary(p.inner); err != nil {
		return mac, fmt.Errorf("%w: HMAC state: %v", ErrSigningKey, err)
	}
	sc.h.Write(msg[p.skip:])
	in := sc.h.Sum(sc.sum[:0])
	if err := u.UnmarshalBinary(p.outer); err != nil {
		return mac, fmt.Errorf("%w: HMAC state: %v", ErrSigningKey, err)
	}
	sc.h.Write(in)
	copy(mac[:], sc.h.Sum(sc.sum[:0]))
	return mac, nil
}

// hmacScratch is what one HS256 signing borrows: a SHA-256 hash and the
// buffer the token is laid out in.
type hmacScratch struct {
	h   hash.Hash
	sum [sha256.Size]byte
	buf []byte
}

// maxScratch bounds the buffers kept for reuse.
const maxScratch = 4096

var hmacScratchPool = sync.Pool{New: func() any {
	return &hmacScratch{h: sha256.New(), buf: make([]byte, 0, 1024)}
}}

func (sc *hmacScratch) release() {
	if cap(sc.buf) > maxScratch {
		sc.buf = nil
	}
	hmacScratchPool.Put(sc)
}
