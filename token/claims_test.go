package token_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oauthapps/oauthapps/token"
)

func TestClaimsScopes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scope string
		want  []string
	}{
		{"empty scope is nil", "", nil},
		{"blank scope is nil", " \t ", nil},
		{"one token", "apps:read", []string{"apps:read"}},
		{"tokens split on spaces", "apps:read  apps:write", []string{"apps:read", "apps:write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := token.Claims{Scope: tc.scope}
			got := c.Scopes()
			assert.Equal(t, tc.want, got)
			if tc.want == nil {
				assert.Nil(t, got)
			}
		})
	}
}
