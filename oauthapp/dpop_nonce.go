package oauthapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"sync/atomic"
	"time"
)

// nonces makes and checks the server nonces of DPoP (RFC 9449 sections 8
// and 9) with no state but a key: a nonce is the second it was made and
// an HMAC-SHA256 of it, so every instance holding the key accepts the
// nonces of every other for their lifetime, with no store access.
type nonces struct {
	key  []byte // derived from the host's key, never the key itself
	life time.Duration
	// last is the nonce of the latest second one was asked for.
	last atomic.Pointer[nonceAt]
}

type nonceAt struct {
	sec   int64
	nonce string
}

// nonceLabel derives the nonce key from the host's, so that a key also
// used elsewhere (the key-encryption key, say) is never used as it is.
const nonceLabel = "oauthapps DPoP nonce key v1"

// nonceSkew is how far ahead of an instance's clock a nonce's time may
// lie: instances' clocks differ a little.
const nonceSkew = 5 * time.Second

func newNonces(key []byte, life time.Duration) *nonces {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(nonceLabel))
	return &nonces{key: m.Sum(nil), life: life}
}

// mac is the nonce of the second sec, in bytes: sec, big-endian, and
// the first 16 bytes of its HMAC.
func (n *nonces) mac(sec int64) []byte {
	var b [8 + sha256.Size]byte
	binary.BigEndian.PutUint64(b[:8], uint64(sec))
	m := hmac.New(sha256.New, n.key)
	m.Write(b[:8])
	return m.Sum(b[:8])[:24]
}

// issue returns the nonce of now's second.
func (n *nonces) issue(now time.Time) string {
	sec := now.Unix()
	if l := n.last.Load(); l != nil && l.sec == sec {
		return l.nonce
	}
	s := base64.RawURLEncoding.EncodeToString(n.mac(sec))
	n.last.Store(&nonceAt{sec, s})
	return s
}

// valid reports whether nonce was made with the key at most the
// lifetime before now.
func (n *nonces) valid(nonce string, now time.Time) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(nonce)
	if err != nil || len(b) != 24 {
		return false
	}
	sec := int64(binary.BigEndian.Uint64(b[:8]))
	at := time.Unix(sec, 0)
	if at.Before(now.Add(-n.life)) || at.After(now.Add(nonceSkew)) {
		return false
	}
	return subtle.ConstantTimeCompare(b, n.mac(sec)) == 1
}
