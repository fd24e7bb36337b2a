package oauthapp

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestClientKeyManagementNeedsAnActorWhoMayManageTheApp(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k := NewClientKey{PublicKeyPEM: publicPEM(t, pub)}
	for _, actor := range []Actor{
		{UserSID: newSID("US"), AccountSID: f.owner.AccountSID, Role: RoleBilling},
		{UserSID: newSID("US"), AccountSID: newSID("AC"), Role: RoleOwner},
	} {
		if _, err := f.svc.AddClientKey(ctx, actor, f.app.SID, k, 0); !errors.Is(err, ErrForbidden) {
			t.Errorf("AddClientKey by %s of account %s: %v, want ErrForbidden", actor.Role, actor.AccountSID, err)
		}
		if _, err := f.svc.RemoveClientKey(ctx, actor, f.app.SID, f.kid, 0); !errors.Is(err, ErrForbidden) {
			t.Errorf("RemoveClientKey by %s: %v, want ErrForbidden", actor.Role, err)
		}
	}
	got, _ := f.svc.GetApp(ctx, f.owner, f.app.SID)
	if len(got.ClientKeys) != 1 || got.Version != f.app.Version {
		t.Errorf("refused calls changed the app: %+v", got)
	}
	dev := Actor{UserSID: newSID("US"), AccountSID: f.owner.AccountSID, Role: RoleDeveloper}
	app, err := f.svc.AddClientKey(ctx, dev, f.app.SID, k, 0)
	if err != nil || len(app.ClientKeys) != 2 {
		t.Fatalf("AddClientKey by a developer: %v", err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, dev, f.app.SID, app.ClientKeys[1].ID, 0); err != nil {
		t.Fatalf("RemoveClientKey by a developer: %v", err)
	}
	var kinds []EventKind
	for _, e := range f.events {
		if e.KeyID != "" && e.Actor == dev {
			kinds = append(kinds, e.Kind)
		}
	}
	if len(kinds) != 2 || kinds[0] != EventClientKeyAdded || kinds[1] != EventClientKeyRemoved {
		t.Errorf("audit events %v, want added then removed", kinds)
	}
}

func TestBadClientKeysAreRefusedAndChangeNothing(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	ed, _, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	edPEM := publicPEM(t, ed)
	for _, c := range []struct {
		name string
		key  NewClientKey
	}{
		{"no PEM", NewClientKey{PublicKeyPEM: "ssh-ed25519 AAAA"}},
		{"a private key block", NewClientKey{PublicKeyPEM: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}},
		{"text before the block", NewClientKey{PublicKeyPEM: "hello\n" + edPEM}},
		{"text after the block", NewClientKey{PublicKeyPEM: edPEM + "trailer"}},
		{"two blocks", NewClientKey{PublicKeyPEM: edPEM + edPEM}},
		{"a P-384 key", NewClientKey{PublicKeyPEM: publicPEM(t, &p384.PublicKey)}},
		{"a 1024-bit RSA key", NewClientKey{PublicKeyPEM: publicPEM(t, &rsa1024.PublicKey)}},
		{"HS256", NewClientKey{Algorithm: "HS256", PublicKeyPEM: edPEM}},
		{"none", NewClientKey{Algorithm: "none", PublicKeyPEM: edPEM}},
		{"ES256 for an Ed25519 key", NewClientKey{Algorithm: "ES256", PublicKeyPEM: edPEM}},
		{"a kid with a space", NewClientKey{ID: "a b", PublicKeyPEM: edPEM}},
		{"a kid too long", NewClientKey{ID: strings.Repeat("k", MaxClientKeyIDLen+1), PublicKeyPEM: edPEM}},
		{"the kid of a key the app has", NewClientKey{ID: f.kid, PublicKeyPEM: edPEM}},
	} {
		if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, c.key, 0); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", c.name, err)
		}
	}
	got, _ := f.svc.GetApp(ctx, f.owner, f.app.SID)
	if len(got.ClientKeys) != 1 || got.Version != f.app.Version {
		t.Errorf("refused keys changed the app: %d keys, version %d", len(got.ClientKeys), got.Version)
	}
	for i := 1; i < MaxClientKeys; i++ {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}, 0); err != nil {
			t.Fatalf("key %d: %v", i+1, err)
		}
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("key %d: %v, want ErrInvalidArgument", MaxClientKeys+1, err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, f.owner, f.app.SID, "no-such-key", 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("removing an unknown kid: %v, want ErrInvalidArgument", err)
	}
}

func TestAnRSAKeyMayVerifyPS256(t *testing.T) {
	f := newAssertionFixture(t)
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	app, err := f.svc.AddClientKey(context.Background(), f.owner, f.app.SID, NewClientKey{Algorithm: "PS256", PublicKeyPEM: publicPEM(t, &priv.PublicKey)}, 0)
	if err != nil || app.ClientKeys[1].Algorithm != "PS256" {
		t.Fatalf("AddClientKey: %v", err)
	}
}

// TestDefaultKidIsTheJWKThumbprint checks the kid of a key added without
// one against the example of RFC 7638 section 3.1.
func TestDefaultKidIsTheJWKThumbprint(t *testing.T) {
	n, err := base64.RawURLEncoding.DecodeString(rfc7638Modulus)
	if err != nil {
		t.Fatal(err)
	}
	f := newAssertionFixture(t)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	app, err := f.svc.AddClientKey(context.Background(), f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := app.ClientKeys[1].ID, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("kid %s, want %s", got, want)
	}
}

// rfc7638Modulus is the modulus of the RSA key of RFC 7638 section 3.1.
const rfc7638Modulus = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"

// TestANewKeyUnderARemovedKidDoesNotReviveItsTokens: an owner whose key
// leaked removes it and registers the replacement under the same kid. The
// tokens the leaked key obtained stay refused, by Authorize and
// Introspect, while the new key's assertions and tokens work.
func TestANewKeyUnderARemovedKidDoesNotReviveItsTokens(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	leaked, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	client, err := f.svc.AuthenticateAssertion(ctx, Assertion{JWT: f.sign(t, f.claims()), Endpoint: testEndpoint})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, f.owner, f.app.SID, f.kid, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authorize(ctx, leaked.AccessToken, Resource{Permission: testPerm}); !errors.Is(err, ErrClientKeyRemoved) {
		t.Fatalf("Authorize after the removal: %v, want ErrClientKeyRemoved", err)
	}
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{ID: f.kid, PublicKeyPEM: publicPEM(t, pub)}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authorize(ctx, leaked.AccessToken, Resource{Permission: testPerm}); !errors.Is(err, ErrClientKeyRemoved) || !errors.Is(err, ErrInvalidToken) {
		t.Errorf("Authorize of the removed key's token after a new key took its kid: %v, want ErrInvalidToken wrapping ErrClientKeyRemoved", err)
	}
	if _, active, err := f.svc.Introspect(ctx, client, leaked.AccessToken); err != nil || active {
		t.Errorf("Introspect of the removed key's token: active %v (%v), want inactive", active, err)
	}
	f.priv = priv
	fresh, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatalf("the new key's assertion: %v", err)
	}
	id, err := f.svc.Authorize(ctx, fresh.AccessToken, Resource{Permission: testPerm})
	if err != nil || id.KeyID != f.kid {
		t.Errorf("the new key's token: %v, key %q, want key %q", err, id.KeyID, f.kid)
	}
}

// TestAKeyTokenNamesTheKidTheKeyHasNow: a token is bound to the public
// key, so it keeps working, and names the key's kid of today, when the
// same key is registered anew under another kid.
func TestAKeyTokenNamesTheKidTheKeyHasNow(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	tok, err := f.issue(f.sign(t, f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	pem := f.app.ClientKeys[0].PublicKeyPEM
	if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{ID: "renamed", PublicKeyPEM: pem}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, f.owner, f.app.SID, f.kid, 0); err != nil {
		t.Fatal(err)
	}
	if id, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm}); err != nil || id.KeyID != "renamed" {
		t.Errorf("Authorize: %v, key %q, want the same key under kid renamed", err, id.KeyID)
	}
}

// TestAnAssertionWithoutKidUsesTheAppsOneKeyOfItsAlg: RFC 7523 does not
// require a kid, and clients that sign with a bare PEM key (Python
// authlib's default) send none. The app's one key of the assertion's alg
// verifies it; with two such keys nothing does.
func TestAnAssertionWithoutKidUsesTheAppsOneKeyOfItsAlg(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	unnamed := func() string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, f.claims()).SignedString(f.priv)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tok, err := f.issue(unnamed())
	if err != nil {
		t.Fatalf("an assertion without kid: %v", err)
	}
	if id, err := f.svc.Authorize(ctx, tok.AccessToken, Resource{Permission: testPerm}); err != nil || id.KeyID != f.kid {
		t.Errorf("Authorize: %v, key %q, want %q", err, id.KeyID, f.kid)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}, 0); err != nil {
		t.Fatal(err)
	}
	sigs := verifications(f.priv.Public())
	if _, err := f.issue(unnamed()); !errors.Is(err, ErrInvalidClient) {
		t.Fatalf("an assertion without kid, two EdDSA keys: %v, want ErrInvalidClient", err)
	}
	if why, detail := f.lastReason(); why != ReasonBadAssertion || !strings.Contains(detail, "no kid") {
		t.Errorf("audit reason %q, detail %q; want %q, no kid", why, detail, ReasonBadAssertion)
	}
	if n := verifications(f.priv.Public()) - sigs; n != 0 {
		t.Errorf("%d signature verifications, want none", n)
	}
}

// TestAssertionAudienceIsOneString: by default an assertion's aud is the
// issuer or the token endpoint as a single string; an array is refused
// even when it holds one of them (the audience injection
// draft-ietf-oauth-rfc7523bis answers); WithAssertionAudienceIssuerOnly
// leaves the issuer alone.
func TestAssertionAudienceIsOneString(t *testing.T) {
	for _, c := range []struct {
		name       string
		opts       []Option
		aud        any
		authorizes bool
	}{
		{"the issuer", nil, testIssuer, true},
		{"the token endpoint", nil, testEndpoint, true},
		{"an array of the token endpoint alone", nil, []string{testEndpoint}, false},
		{"an array of another server and the token endpoint", nil, []string{"https://attacker-as.example/", testEndpoint}, false},
		{"an array of the issuer and the token endpoint", nil, []string{testIssuer, testEndpoint}, false},
		{"another server", nil, "https://attacker-as.example/", false},
		{"the issuer, issuer only", []Option{WithAssertionAudienceIssuerOnly()}, testIssuer, true},
		{"the token endpoint, issuer only", []Option{WithAssertionAudienceIssuerOnly()}, testEndpoint, false},
		{"an array of the issuer, issuer only", []Option{WithAssertionAudienceIssuerOnly()}, []string{testIssuer}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newAssertionFixture(t, c.opts...)
			claims := f.claims()
			claims["aud"] = c.aud
			_, err := f.issue(f.sign(t, claims))
			if c.authorizes && err != nil {
				t.Fatalf("IssueToken: %v", err)
			}
			if why, detail := f.lastReason(); !c.authorizes && (!errors.Is(err, ErrInvalidClient) || why != ReasonBadAssertion || !strings.Contains(detail, "another audience")) {
				t.Fatalf("IssueToken: %v (reason %q, detail %q), want ErrInvalidClient for the audience", err, why, detail)
			}
		})
	}
}
