package token_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

// TestGenerationMovesWithEveryChangeToTheSet: what a caller derived from
// the keys (a verified token) is known stale once Generation differs from
// the value read before deriving it; a refused change leaves it alone.
func TestGenerationMovesWithEveryChangeToTheSet(t *testing.T) {
	signing, other := testKey(t, token.EdDSA, "signing"), testKey(t, token.EdDSA, "other")
	ks, err := token.NewKeySet(signing)
	require.NoError(t, err)
	before := ks.Generation()

	require.NoError(t, ks.Add(other))
	added := ks.Generation()
	assert.Greater(t, added, before, "adding a key moves it")

	require.ErrorIs(t, ks.Add(other), token.ErrDuplicateKey)
	require.ErrorIs(t, ks.Remove(signing.ID()), token.ErrSigningKey)
	assert.Equal(t, added, ks.Generation(), "a refused change leaves it")

	require.NoError(t, ks.Remove(other.ID()))
	assert.Greater(t, ks.Generation(), added, "removing a key moves it")
}
