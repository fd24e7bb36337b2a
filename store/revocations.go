package store

import (
	"context"
	"time"
)

// Revocation is one entry of the revoked set: a token id and the time the
// entry is needed until (the token's own expiry).
type Revocation struct {
	// TokenID is the revoked token's jti.
	TokenID string
	// Expires is when the token would have expired anyway.
	Expires time.Time
}

// RevocationLister is an optional capability of a Store: it lists the live
// revocations, so that a service can hold the whole revoked set in memory
// and authorize without reading the store (see oauthapp.WithCache).
// Revocations are few (a token is revoked by hand, and an entry lives no
// longer than the token would have), so the whole list fits in a reply.
// Callers find it with a type assertion.
type RevocationLister interface {
	// LiveRevocations returns every entry of the revoked set whose expiry
	// is after now, in no particular order.
	LiveRevocations(ctx context.Context, now time.Time) ([]Revocation, error)
}

var _ RevocationLister = (*Memory)(nil)

// LiveRevocations returns the revocations whose expiry is after now. It
// reads the set without blocking token checks or revocations; a revocation
// made while it runs may or may not be in the list.
func (m *Memory) LiveRevocations(ctx context.Context, now time.Time) ([]Revocation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Revocation
	m.revoked.Range(func(id, v any) bool {
		if exp := v.(time.Time); exp.After(now) {
			out = append(out, Revocation{TokenID: id.(string), Expires: exp})
		}
		return true
	})
	return out, nil
}
