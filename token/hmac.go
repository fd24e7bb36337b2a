package token

import (
	"crypto/sha256"
	"crypto/subtle"
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

// sumPadded returns HMAC-SHA256(secret, msg) for padded = inner pad || msg,
// which the caller has laid out so that the message is not copied again.
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
