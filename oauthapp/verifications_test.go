package oauthapp

import (
	"crypto"
	"crypto/x509"
	"sync"
	"sync/atomic"

	"github.com/golang-jwt/jwt/v5"
)

// The signature verifications of this test binary are counted per public
// key: golang-jwt's parser finds the signing method of a token's alg in
// its registry, where init puts a counting wrapper of each method a
// client key may use. A test reads the count of its own client's key, so
// tests running in parallel do not disturb each other, and the service
// keeps no counter of its own.

// verified maps the PKIX DER of a public key to its *atomic.Int64 count.
var verified sync.Map

// countingMethod is a golang-jwt signing method that counts the
// verifications it makes.
type countingMethod struct{ jwt.SigningMethod }

func (m countingMethod) Verify(signingString string, sig []byte, key any) error {
	if der, err := x509.MarshalPKIXPublicKey(key); err == nil {
		n, _ := verified.LoadOrStore(string(der), new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
	return m.SigningMethod.Verify(signingString, sig, key)
}

func init() {
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodEdDSA, jwt.SigningMethodES256, jwt.SigningMethodRS256, jwt.SigningMethodPS256} {
		counted := countingMethod{m}
		jwt.RegisterSigningMethod(m.Alg(), func() jwt.SigningMethod { return counted })
	}
}

// verifications returns how many signatures have been verified under pub
// so far.
func verifications(pub crypto.PublicKey) int64 {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return 0
	}
	if n, ok := verified.Load(string(der)); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}
