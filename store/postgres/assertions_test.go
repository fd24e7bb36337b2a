package postgres

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// jwtClient is an app that authenticates with an Ed25519 client key.
type jwtClient struct {
	app  oauthapp.App
	priv ed25519.PrivateKey
}

func (d *deployment) newJWTClient(t *testing.T, svc *oauthapp.Service) jwtClient {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	app, _, err := svc.CreateApp(context.Background(), d.owner, oauthapp.NewApp{
		FriendlyName: "jwt client",
		Permissions:  oauthapp.Permissions{Allow: []string{permList}},
		NoSecret:     true,
		ClientKeys:   []oauthapp.NewClientKey{{ID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return jwtClient{app: app, priv: priv}
}

// assertion is a fresh assertion of the client for the default issuer.
func (c jwtClient) assertion(t *testing.T) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{
		"iss": c.app.SID, "sub": c.app.SID, "aud": oauthapp.DefaultIssuer,
		"exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "jti": oauthapptest.NewSID("JT"),
	})
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString(c.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func issueWith(svc *oauthapp.Service, assertion string) (oauthapp.Token, error) {
	return svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientAssertion: assertion})
}

// TestAssertionReplayedOnAnotherInstanceFails: two instances of one
// deployment share the PostgreSQL store; an assertion accepted by one is
// refused by the other, and one sent to both at once is accepted by
// exactly one.
func TestAssertionReplayedOnAnotherInstanceFails(t *testing.T) {
	d := newDeployment(t)
	a, b := d.instance(t), d.instance(t)
	c := d.newJWTClient(t, a)

	first := c.assertion(t)
	if _, err := issueWith(a, first); err != nil {
		t.Fatalf("instance A: %v", err)
	}
	if _, err := issueWith(b, first); !errors.Is(err, oauthapp.ErrInvalidClient) {
		t.Fatalf("instance B given A's assertion again: %v, want ErrInvalidClient", err)
	}
	if _, err := issueWith(a, first); !errors.Is(err, oauthapp.ErrInvalidClient) {
		t.Fatalf("instance A given its assertion again: %v, want ErrInvalidClient", err)
	}

	for round := range 20 {
		raced := c.assertion(t)
		errs := together(2, func(i int) error {
			_, err := issueWith([]*oauthapp.Service{a, b}[i], raced)
			return err
		})
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, oauthapp.ErrInvalidClient):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: one assertion sent to both instances at once was accepted %d times, want once", round, ok)
		}
	}
}

// TestRemovedClientKeyStopsItsTokensOnAnotherInstance: removing a key
// through one instance makes the other refuse the tokens it obtained
// within the propagation bound, through the store's notification.
func TestRemovedClientKeyStopsItsTokensOnAnotherInstance(t *testing.T) {
	d := newDeployment(t)
	a, b := d.instance(t), d.instance(t)
	c := d.newJWTClient(t, a)
	tok, err := issueWith(a, c.assertion(t))
	if err != nil {
		t.Fatal(err)
	}
	probe := d.authorizes(b, tok.AccessToken, oauthapp.ErrClientKeyRemoved)
	accept(t, "instance B", probe)
	if _, err := a.RemoveClientKey(context.Background(), d.owner, c.app.SID, "k1", 0); err != nil {
		t.Fatal(err)
	}
	if took := awaitRefusal(t, time.Now(), probe); took > propagationBound {
		t.Errorf("instance B refused the removed key's token after %v, more than %v", took, propagationBound)
	}
}

// TestANewKeyUnderARemovedKidRevivesNothingOnAnotherInstance: the owner
// of a leaked key removes it through one instance and registers a new key
// under the same kid. The other instance refuses the old key's token once
// the removal reaches it, and still refuses it after the new key has
// reached it (a token of the new key works there), though the kid is the
// same: tokens are bound to the public key, not to its name.
func TestANewKeyUnderARemovedKidRevivesNothingOnAnotherInstance(t *testing.T) {
	d := newDeployment(t)
	a, b := d.instance(t), d.instance(t)
	c := d.newJWTClient(t, a)
	old, err := issueWith(a, c.assertion(t))
	if err != nil {
		t.Fatal(err)
	}
	stale := d.authorizes(b, old.AccessToken, oauthapp.ErrClientKeyRemoved)
	accept(t, "instance B", stale)
	if _, err := a.RemoveClientKey(context.Background(), d.owner, c.app.SID, "k1", 0); err != nil {
		t.Fatal(err)
	}
	awaitRefusal(t, time.Now(), stale)

	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	if _, err := a.AddClientKey(context.Background(), d.owner, c.app.SID, oauthapp.NewClientKey{ID: "k1", PublicKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))}, 0); err != nil {
		t.Fatal(err)
	}
	c.priv = priv
	fresh, err := issueWith(a, c.assertion(t))
	if err != nil {
		t.Fatalf("the new key's assertion on instance A: %v", err)
	}
	// Instance B has seen the new key once it authorizes its token.
	deadline := time.Now().Add(refusalDeadline)
	for {
		_, err := b.Authorize(context.Background(), fresh.AccessToken, oauthapp.Resource{Permission: permList, AccountSID: d.owner.AccountSID})
		if err == nil {
			break
		}
		if !errors.Is(err, oauthapp.ErrClientKeyRemoved) || time.Now().After(deadline) {
			t.Fatalf("instance B, the new key's token: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	if err := stale.do(); !errors.Is(err, oauthapp.ErrClientKeyRemoved) {
		t.Errorf("instance B, the removed key's token after a new key took its kid: %v, want ErrClientKeyRemoved", err)
	}
	if _, err := issueWith(b, c.assertion(t)); err != nil {
		t.Errorf("the new key's assertion on instance B: %v", err)
	}
}
