package token

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
)

// Signatures made and checked with the standard library directly, for the
// algorithms where golang-jwt's methods would copy or allocate on every
// token: EdDSA (verifying; signing is one call in Key.appendSignature) and
// ES256. RS256 and HS256 are elsewhere.

// verifyEd25519 reports whether sig is pub's Ed25519 signature of input.
func verifyEd25519(pub ed25519.PublicKey, input string, sig []byte) bool {
	var msg [1024]byte
	return ed25519.Verify(pub, withString(msg[:0], input), sig)
}

// withString returns s as bytes in buf when it fits, else in a new slice.
func withString(buf []byte, s string) []byte {
	if len(s) > cap(buf) {
		return []byte(s)
	}
	return append(buf, s...)
}

// The JWS form of an ES256 signature is r || s, 32 big-endian bytes each
// (RFC 7518 section 3.4); crypto/ecdsa reads and writes the ASN.1 DER form
// SEQUENCE { INTEGER r, INTEGER s }. These functions convert between the
// two, so signing and verifying need no big.Int.

// es256Half is the length of r and of s in a JWS ES256 signature.
const es256Half = 32

// appendSignES256 appends the JWS ES256 signature of input.
func appendSignES256(dst []byte, priv *ecdsa.PrivateKey, input []byte) ([]byte, error) {
	digest := sha256.Sum256(input)
	der, err := ecdsa.SignASN1(rand.Reader, priv, digest[:])
	if err != nil {
		return dst, fmt.Errorf("%w: ES256 sign: %v", ErrSigningKey, err)
	}
	out, ok := appendRawES256(dst, der)
	if !ok {
		return dst, fmt.Errorf("%w: ES256 sign: unexpected signature encoding", ErrSigningKey)
	}
	return out, nil
}

// verifyES256 reports whether sig, r || s, is pub's ES256 signature of
// input.
func verifyES256(pub *ecdsa.PublicKey, input string, sig []byte) bool {
	if len(sig) != 2*es256Half {
		return false
	}
	var msg [1024]byte
	digest := sha256.Sum256(withString(msg[:0], input))
	var der [2 + 2*(2+1+es256Half)]byte
	return ecdsa.VerifyASN1(pub, digest[:], appendDERES256(der[:0], sig[:es256Half], sig[es256Half:]))
}

// appendDERES256 appends SEQUENCE { INTEGER r, INTEGER s } for two
// 32-byte big-endian values. Each INTEGER is minimal: leading zero bytes
// dropped, one zero byte kept or added where the top bit would otherwise
// make it negative.
func appendDERES256(dst, r, s []byte) []byte {
	r, s = trimLeadingZeros(r), trimLeadingZeros(s)
	n := derIntLen(r) + derIntLen(s)
	dst = append(dst, 0x30, byte(n)) // n <= 70: short-form length
	return appendDERInt(appendDERInt(dst, r), s)
}

func trimLeadingZeros(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

// derIntLen is the encoded length of appendDERInt(nil, b).
func derIntLen(b []byte) int {
	if b[0]&0x80 != 0 {
		return 3 + len(b)
	}
	return 2 + len(b)
}

func appendDERInt(dst, b []byte) []byte {
	if b[0]&0x80 != 0 {
		dst = append(dst, 0x02, byte(len(b)+1), 0)
	} else {
		dst = append(dst, 0x02, byte(len(b)))
	}
	return append(dst, b...)
}

// appendRawES256 appends r || s, 32 bytes each, read from the DER that
// ecdsa.SignASN1 writes. It is strict: it reports false for anything but
// a sequence of exactly two minimally encoded, non-negative integers of at
// most 32 significant bytes, with short-form lengths.
func appendRawES256(dst, der []byte) ([]byte, bool) {
	if len(der) < 2 || der[0] != 0x30 || int(der[1]) != len(der)-2 || der[1] >= 0x80 {
		return dst, false
	}
	rest := der[2:]
	for range 2 {
		if len(rest) < 2 || rest[0] != 0x02 {
			return dst, false
		}
		n := int(rest[1])
		if n == 0 || n > es256Half+1 || n > len(rest)-2 {
			return dst, false
		}
		v := rest[2 : 2+n]
		switch {
		case v[0]&0x80 != 0: // negative
			return dst, false
		case v[0] == 0 && n > 1:
			if v[1]&0x80 == 0 { // a zero byte that is not needed
				return dst, false
			}
			v = v[1:]
		}
		if len(v) > es256Half {
			return dst, false
		}
		for range es256Half - len(v) {
			dst = append(dst, 0)
		}
		dst = append(dst, v...)
		rest = rest[2+n:]
	}
	return dst, len(rest) == 0
}
