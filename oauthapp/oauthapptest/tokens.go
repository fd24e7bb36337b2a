package oauthapptest

import (
	"crypto/rand"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

// The tokens a resource server must refuse, each made in one call, so that
// a test can prove its handlers refuse them. Each is well-formed, and is
// refused for its one flaw alone: everything else about it is as a genuine
// token of the kit's service would be. Each starts from a genuine token,
// issued as Token issues one (the audit hook hears of it), which
// ExpiredToken and ForeignKeyToken then sign anew.

// ExpiredToken returns a token of the app, with the given permissions
// (none: everything its policy allows), signed by the service's key, that
// expired an hour before the kit's clock: beyond any clock-skew leeway.
// The service refuses it with oauthapp.ErrInvalidToken (wrapping
// token.ErrExpired).
func (k *Kit) ExpiredToken(app oauthapp.App, permissions ...string) string {
	k.t.Helper()
	c := k.claims(k.Token(app, permissions...))
	ttl := c.ExpiresAt.Sub(c.IssuedAt)
	return k.mint(k.Keys, c, k.Service.Metadata().Clock().Add(-ttl-time.Hour))
}

// ForeignKeyToken returns a token of the app, with the given permissions
// (none: everything its policy allows), signed by a key of another
// service: a new key of the same algorithm under the kid of the service's
// signing key, so that only the signature is wrong. The service refuses
// it with oauthapp.ErrInvalidToken (wrapping token.ErrSignature).
func (k *Kit) ForeignKeyToken(app oauthapp.App, permissions ...string) string {
	k.t.Helper()
	c := k.claims(k.Token(app, permissions...))
	signing := k.Keys.SigningKey()
	var impostor *token.Key
	var err error
	if signing.Symmetric() {
		secret := make([]byte, 32)
		_, _ = rand.Read(secret) // never fails (crypto/rand)
		impostor, err = token.NewHMACKey(signing.ID(), secret)
	} else {
		impostor, err = sameKID(signing)
	}
	if err != nil {
		k.t.Fatalf("oauthapptest: making a foreign %s key: %v", signing.Algorithm(), err)
	}
	keys, err := token.NewKeySet(impostor)
	if err != nil {
		k.t.Fatalf("oauthapptest: building the foreign key set: %v", err)
	}
	return k.mint(keys, c, c.IssuedAt)
}

// sameKID returns a new key of like's algorithm under like's kid.
func sameKID(like *token.Key) (*token.Key, error) {
	fresh, err := token.GenerateKey(like.Algorithm())
	if err != nil {
		return nil, err
	}
	pem, err := fresh.MarshalPrivateKeyPEM()
	if err != nil {
		return nil, err
	}
	return token.ParsePrivateKeyPEM(like.ID(), pem)
}

// DeletedAppToken creates an app in the kit's account with the given
// permissions, issues it a token and deletes the app. The service refuses
// the token with oauthapp.ErrInvalidToken (wrapping oauthapp.ErrAppDeleted).
func (k *Kit) DeletedAppToken(permissions ...string) string {
	k.t.Helper()
	app := k.NewApp(permissions...)
	tok := k.Token(app)
	k.Delete(app.SID)
	return tok
}

// OtherAccountToken creates an app with the given permissions in a new
// account, not the kit's, and returns a token of it: a genuine token that
// is not for the kit's account. The service refuses it for a resource of
// the kit's account with oauthapp.ErrWrongAccount.
func (k *Kit) OtherAccountToken(permissions ...string) string {
	k.t.Helper()
	return k.Token(k.NewAppFor(NewActor(oauthapp.RoleOwner), permissions...))
}

// claims reads the claims of a token the service has just issued, through
// package token's own reading of them (Validator.Verify, which leaves the
// times unchecked).
func (k *Kit) claims(raw string) token.Claims {
	k.t.Helper()
	md := k.Service.Metadata()
	v, err := token.NewValidator(k.Keys, md.Issuer, md.Audience, token.WithAudiences(md.Resources...), token.WithMaxSize(md.MaxTokenSize))
	if err != nil {
		k.t.Fatalf("oauthapptest: building a validator: %v", err)
	}
	c, err := v.Verify(raw)
	if err != nil {
		k.t.Fatalf("oauthapptest: reading the claims of an issued token: %v", err)
	}
	return c
}

// mint signs c's claims anew with keys, issued at iat with c's lifetime.
func (k *Kit) mint(keys *token.KeySet, c token.Claims, iat time.Time) string {
	k.t.Helper()
	m, err := token.NewMinter(keys, c.Issuer, c.Audience...)
	if err != nil {
		k.t.Fatalf("oauthapptest: building a minter: %v", err)
	}
	raw, _, err := m.Mint(iat, token.MintRequest{
		ClientID:   c.ClientID,
		Scope:      c.Scope,
		AccountSID: c.AccountSID,
		Region:     c.Region,
		SecretID:   c.SecretID,
		TTL:        c.ExpiresAt.Sub(c.IssuedAt),
	})
	if err != nil {
		k.t.Fatalf("oauthapptest: minting a token: %v", err)
	}
	return raw
}
