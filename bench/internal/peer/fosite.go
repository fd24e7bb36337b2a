// Package peer holds what the benchmarks and the load harness's servers
// both need to run fosite as its documentation shows, configured alike in
// both: its configuration and clients, a token endpoint handler, and a
// secret hasher that takes hashing out of the way.
package peer

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/ory/fosite"
	"github.com/ory/fosite/token/jwt"
)

// ErrSecretMismatch is PlainHasher's answer to a wrong secret.
var ErrSecretMismatch = errors.New("bench: client secret mismatch")

// PlainHasher compares client secrets in plaintext, in constant time. It
// takes hashing out of fosite's token endpoint, leaving the framework's own
// cost.
type PlainHasher struct{}

// Hash returns a copy of data: the secret is stored as it is.
func (PlainHasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	return append([]byte(nil), data...), nil
}

// Compare reports ErrSecretMismatch unless data equals hash.
func (PlainHasher) Compare(_ context.Context, hash, data []byte) error {
	if subtle.ConstantTimeCompare(hash, data) != 1 {
		return ErrSecretMismatch
	}
	return nil
}

// FositeConfig is fosite's configuration for the job every fosite server
// of the benchmarks does: access tokens of ttl from issuer, opaque ones
// signed with a fixed HMAC secret unless a JWT strategy is composed,
// wildcard scopes, fosite's default audience matching, and the JWT scope
// claim a string, as ours is. Client secrets are hashed with bcrypt at
// fosite's default cost unless the caller sets HashCost or
// ClientSecretsHasher.
func FositeConfig(ttl time.Duration, issuer string) *fosite.Config {
	return &fosite.Config{
		AccessTokenLifespan:      ttl,
		AccessTokenIssuer:        issuer,
		GlobalSecret:             []byte("a 32-byte global secret for hmac"),
		ScopeStrategy:            fosite.WildcardScopeStrategy,
		AudienceMatchingStrategy: fosite.DefaultAudienceMatchingStrategy,
		JWTScopeClaimKey:         jwt.JWTScopeFieldString,
	}
}

// FositeClient is a confidential client of the client-credentials grant
// with its stored secret, allowed the scopes and the audience.
func FositeClient(id string, secret []byte, audience string, scopes ...string) *fosite.DefaultClient {
	return &fosite.DefaultClient{
		ID:         id,
		Secret:     secret,
		GrantTypes: []string{"client_credentials"},
		Scopes:     scopes,
		Audience:   []string{audience},
	}
}

// FositeTokenHandler is the token endpoint as fosite's documentation
// writes it: fosite has no ready http.Handler, the application grants the
// scopes requested and the audience, and fosite does the rest. session
// makes each request's session.
func FositeTokenHandler(provider fosite.OAuth2Provider, audience string, session func() fosite.Session) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ar, err := provider.NewAccessRequest(ctx, r, session())
		if err != nil {
			provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		for _, s := range ar.GetRequestedScopes() {
			ar.GrantScope(s)
		}
		ar.GrantAudience(audience)
		resp, err := provider.NewAccessResponse(ctx, ar)
		if err != nil {
			provider.WriteAccessError(ctx, w, ar, err)
			return
		}
		provider.WriteAccessResponse(ctx, w, ar, resp)
	})
}
