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
)

func TestClientKeyManagementNeedsAnActorWhoMayManageTheApp(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k := NewClientKey{PublicKeyPEM: publicPEM(t, pub)}
	for _, actor := range []Actor{
		{UserSID: NewSID(UserSIDPrefix), AccountSID: f.owner.AccountSID, Role: RoleBilling},
		{UserSID: NewSID(UserSIDPrefix), AccountSID: NewSID(AccountSIDPrefix), Role: RoleOwner},
	} {
		if _, err := f.svc.AddClientKey(ctx, actor, f.app.SID, k); !errors.Is(err, ErrForbidden) {
			t.Errorf("AddClientKey by %s of account %s: %v, want ErrForbidden", actor.Role, actor.AccountSID, err)
		}
		if _, err := f.svc.RemoveClientKey(ctx, actor, f.app.SID, f.kid); !errors.Is(err, ErrForbidden) {
			t.Errorf("RemoveClientKey by %s: %v, want ErrForbidden", actor.Role, err)
		}
	}
	got, _ := f.svc.GetApp(ctx, f.owner, f.app.SID)
	if len(got.ClientKeys) != 1 || got.Version != f.app.Version {
		t.Errorf("refused calls changed the app: %+v", got)
	}
	dev := Actor{UserSID: NewSID(UserSIDPrefix), AccountSID: f.owner.AccountSID, Role: RoleDeveloper}
	app, err := f.svc.AddClientKey(ctx, dev, f.app.SID, k)
	if err != nil || len(app.ClientKeys) != 2 {
		t.Fatalf("AddClientKey by a developer: %v", err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, dev, f.app.SID, app.ClientKeys[1].ID); err != nil {
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
		if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, c.key); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", c.name, err)
		}
	}
	got, _ := f.svc.GetApp(ctx, f.owner, f.app.SID)
	if len(got.ClientKeys) != 1 || got.Version != f.app.Version {
		t.Errorf("refused keys changed the app: %d keys, version %d", len(got.ClientKeys), got.Version)
	}
	for i := 1; i < MaxClientKeys; i++ {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}); err != nil {
			t.Fatalf("key %d: %v", i+1, err)
		}
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := f.svc.AddClientKey(ctx, f.owner, f.app.SID, NewClientKey{PublicKeyPEM: publicPEM(t, pub)}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("key %d: %v, want ErrInvalidArgument", MaxClientKeys+1, err)
	}
	if _, err := f.svc.RemoveClientKey(ctx, f.owner, f.app.SID, "no-such-key"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("removing an unknown kid: %v, want ErrInvalidArgument", err)
	}
}

func TestAnRSAKeyMayVerifyPS256(t *testing.T) {
	f := newAssertionFixture(t)
	priv, _ := rsa.GenerateKey(rand.Reader, 2048)
	app, err := f.svc.AddClientKey(context.Background(), f.owner, f.app.SID, NewClientKey{Algorithm: "PS256", PublicKeyPEM: publicPEM(t, &priv.PublicKey)})
	if err != nil || app.ClientKeys[1].Algorithm != "PS256" {
		t.Fatalf("AddClientKey: %v", err)
	}
}

// TestDefaultKidIsTheJWKThumbprint checks the thumbprint against the
// example of RFC 7638 section 3.1.
func TestDefaultKidIsTheJWKThumbprint(t *testing.T) {
	n, err := base64.RawURLEncoding.DecodeString("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
	if err != nil {
		t.Fatal(err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: 65537}
	if got, want := thumbprint(pub), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("thumbprint %s, want %s", got, want)
	}
}
