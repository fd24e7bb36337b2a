// Package peer holds what the benchmarks and the load harness's servers
// both need to run fosite as its documentation shows: a token endpoint
// handler, and a secret hasher that takes hashing out of the way.
package peer

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/ory/fosite"
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
