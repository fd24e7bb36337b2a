package token_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/token"
)

func TestValidatorAcceptsTheAudiencesItIsGiven(t *testing.T) {
	const resource = "https://api.example.test/v1"
	f := newFixture(t, token.EdDSA)
	v, err := token.NewValidator(f.keys, testIssuer, testAudience, token.WithAudiences(resource))
	require.NoError(t, err)
	m, err := token.NewMinter(f.keys, testIssuer, resource)
	require.NoError(t, err)
	raw, _, err := m.Mint(t0, sampleRequest)
	require.NoError(t, err)
	c, err := v.Validate(t0, raw)
	require.NoError(t, err)
	require.Equal(t, []string{resource}, c.Audience)

	// The plain validator knows only its one audience.
	_, err = f.validator.Validate(t0, raw)
	require.True(t, errors.Is(err, token.ErrAudience), "got %v", err)
	other, _, err := mustMinter(t, f, "https://other.example/").Mint(t0, sampleRequest)
	require.NoError(t, err)
	_, err = v.Validate(t0, other)
	require.True(t, errors.Is(err, token.ErrAudience), "got %v", err)

	_, err = token.NewValidator(f.keys, testIssuer, testAudience, token.WithAudiences(""))
	require.True(t, errors.Is(err, token.ErrInvalidOption), "got %v", err)
}

func mustMinter(t *testing.T, f fixture, aud string) *token.Minter {
	t.Helper()
	m, err := token.NewMinter(f.keys, testIssuer, aud)
	require.NoError(t, err)
	return m
}
