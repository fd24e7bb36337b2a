package secret_test

import (
	"crypto/rand"
	"hash/crc32"
	"math/big"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

// counting wraps a Hasher and counts the hash comparisons made through it.
type counting struct {
	secret.Hasher
	n atomic.Int64
}

func (c *counting) Compare(encoded string, s secret.Secret) bool {
	c.n.Add(1)
	return c.Hasher.Compare(encoded, s)
}

// take returns the count so far and starts again from zero.
func (c *counting) take() int64 { return c.n.Swap(0) }

func generate(t testing.TB) secret.Secret {
	t.Helper()
	s, err := secret.Generate()
	require.NoError(t, err)
	return s
}

const testAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// forge builds a well-formed secret (right shape, right checksum) with the
// given public id and a random body: what an attacker who knows an id but
// not the secret could present. It computes the checksum on its own, as a
// check on the package's.
func forge(t testing.TB, id string) secret.Secret {
	t.Helper()
	b := []byte(secret.Prefix + id + "_")
	for range 56 {
		n, err := rand.Int(rand.Reader, big.NewInt(32))
		require.NoError(t, err)
		b = append(b, testAlphabet[n.Int64()])
	}
	sum := crc32.ChecksumIEEE(b)
	var digits [7]byte
	for i := 6; i >= 0; i-- {
		digits[i] = testAlphabet[sum%32]
		sum /= 32
	}
	s, err := secret.Parse(string(append(b, digits[:]...)))
	require.NoError(t, err)
	return s
}
