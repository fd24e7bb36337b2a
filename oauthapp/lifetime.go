package oauthapp

import (
	"time"

	"github.com/oauthapps/oauthapps/token"
)

// tokenTTL returns the lifetime of a token minted at now with the secret
// secretID of app a: the app's TTL, cut short for a previous secret in its
// grace so that the token's exp (its issue time, now in whole seconds, plus
// the lifetime) is no later than the end of the grace. Authorize refuses
// every token of a secret that is no longer active, so a longer lifetime
// would be a lie in expires_in.
//
// ok is false when the secret has less than token.MinTTL left: a token
// cannot live that briefly, and one that outlived its secret would be
// refused early, so the secret gets no token at all.
func (s *Service) tokenTTL(a *liveApp, secretID string, now time.Time) (ttl time.Duration, ok bool) {
	ttl = s.ttl(a.ttl)
	end := a.secretEnd(secretID)
	if end.IsZero() {
		return ttl, true
	}
	// Whole seconds from the token's iat to the last whole second the
	// secret still covers; both round down, so iat+left <= end.
	left := time.Duration(end.Unix()-now.Unix()) * time.Second
	ttl = min(ttl, left)
	if ttl < token.MinTTL {
		return 0, false
	}
	return ttl, true
}

// secretEnd returns when the secret with this id stops working: the end of
// the previous secret's grace, or zero for the current secret (or an id the
// app does not hold).
func (a *liveApp) secretEnd(id string) time.Time {
	if _, prev := a.creds.Records(); id != "" && id == prev.ID {
		return prev.Expires
	}
	return time.Time{}
}
