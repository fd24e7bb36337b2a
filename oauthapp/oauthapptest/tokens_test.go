package oauthapptest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRefusedTokensAreRefusedForTheirOneFlaw checks, for every algorithm,
// that each helper's token is refused by the service for the reason it
// stands for, and that the app's genuine token is accepted at the same
// moment, so the refusal is for the flaw alone.
func TestRefusedTokensAreRefusedForTheirOneFlaw(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256, token.HS256} {
		t.Run(string(alg), func(t *testing.T) {
			kit := oauthapptest.New(t, oauthapptest.WithAlgorithm(alg))
			app := kit.NewApp("/demo/messaging/*")
			res := oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID}
			authorize := func(tok string) error {
				_, err := kit.Service.Authorize(context.Background(), tok, res)
				return err
			}
			require.NoError(t, authorize(kit.Token(app)), "the control: a genuine token")

			cases := []struct {
				name string
				tok  string
				want []error
			}{
				{"expired", kit.ExpiredToken(app), []error{oauthapp.ErrInvalidToken, token.ErrExpired}},
				{"of a deleted app", kit.DeletedAppToken("/demo/messaging/*"), []error{oauthapp.ErrInvalidToken, oauthapp.ErrAppDeleted}},
				{"signed by another service's key", kit.ForeignKeyToken(app), []error{oauthapp.ErrInvalidToken, token.ErrSignature}},
				{"of another account", kit.OtherAccountToken("/demo/messaging/*"), []error{oauthapp.ErrWrongAccount}},
			}
			for _, tc := range cases {
				err := authorize(tc.tok)
				for _, want := range tc.want {
					assert.ErrorIs(t, err, want, tc.name)
				}
			}
		})
	}
}

// TestFlawedTokensLookGenuine shows the expired and foreign-key tokens
// carry the genuine token's header and claims but for what makes them
// flawed: the foreign one names the service's own kid, the expired one
// has the same lifetime, an hour gone.
func TestFlawedTokensLookGenuine(t *testing.T) {
	kit := oauthapptest.New(t)
	app := kit.NewApp("/demo/messaging/*")
	genuine := kit.Token(app, permList)
	gh, gc := decode(t, genuine)

	fh, fc := decode(t, kit.ForeignKeyToken(app, permList))
	assert.Equal(t, gh, fh, "the foreign key's token has the service key's header, kid included")
	delete(gc, "jti")
	delete(fc, "jti")
	assert.Equal(t, gc, fc, "and the same claims")

	_, ec := decode(t, kit.ExpiredToken(app, permList))
	now := float64(kit.Service.Metadata().Clock().Unix())
	assert.Equal(t, now-3600, ec["exp"], "expired an hour ago")
	assert.Equal(t, gc["exp"].(float64)-gc["iat"].(float64), ec["exp"].(float64)-ec["iat"].(float64), "with the genuine lifetime")
	for _, claim := range []string{"iss", "aud", "sub", "client_id", "scope", "account_sid", "region", "secret_id"} {
		assert.Equal(t, gc[claim], ec[claim], claim)
	}
}

// decode returns a JWT's header and claims, unverified.
func decode(t *testing.T, raw string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	require.Len(t, parts, 3)
	for i, into := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, into))
	}
	return header, claims
}
