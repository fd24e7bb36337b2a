package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/token"
)

// audienceArrays returns, for arrays of 1, 2 and 5 entries, one array
// with ours at each position, the other entries audiences of nobody here.
func audienceArrays(ours string) [][]string {
	var out [][]string
	for _, n := range []int{1, 2, 5} {
		for at := range n {
			aud := make([]string, n)
			for i := range aud {
				aud[i] = fmt.Sprintf("https://elsewhere-%d.example", i)
			}
			aud[at] = ours
			out = append(out, aud)
		}
	}
	return out
}

// mintFor signs a token of the fixture's app with the service's own key,
// as another issuer sharing the keys could, carrying aud.
func (f *assertionFixture) mintFor(t *testing.T, aud []string) string {
	t.Helper()
	m, err := token.NewMinter(f.svc.Metadata().Keys, testIssuer, aud...)
	if err != nil {
		t.Fatal(err)
	}
	key, err := token.ParsePublicKeyPEM("k", []byte(f.app.ClientKeys[0].PublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	raw, _, err := m.Mint(f.now, token.MintRequest{
		ClientID: f.app.SID, Scope: testPerm, AccountSID: f.app.AccountSID, Region: f.app.Region,
		SecretID: keyCredential + key.Thumbprint(), TTL: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestAnAudienceArrayIsReadByMembership: RFC 7519 section 4.1.3 asks the
// recipient to find itself among the values of an aud array, at whatever
// place. A token whose aud holds the service's audience, or a resource
// the app is granted, at any position of an array of 1, 2 or 5 entries is
// authorized for it and introspected with every entry; an array without
// it is refused for it.
func TestAnAudienceArrayIsReadByMembership(t *testing.T) {
	f := newAssertionFixture(t)
	ctx := context.Background()
	client, err := f.svc.AuthenticateAssertion(ctx, Assertion{JWT: f.sign(t, f.claims()), Endpoint: testEndpoint})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, ours string
		res        Resource
	}{
		{"the service's audience", DefaultAudience, Resource{Permission: testPerm}},
		{"a resource", testResource, Resource{Permission: testPerm, Audience: testResource}},
	} {
		for _, aud := range audienceArrays(c.ours) {
			t.Run(fmt.Sprintf("%s at %d of %d", c.name, slices.Index(aud, c.ours)+1, len(aud)), func(t *testing.T) {
				tok := f.mintFor(t, aud)
				id, err := f.svc.Authorize(ctx, tok, c.res)
				if err != nil {
					t.Fatalf("Authorize: %v", err)
				}
				if !slices.Equal(id.Audience, aud) {
					t.Errorf("Authorize's identity has aud %q, want %q", id.Audience, aud)
				}
				id, active, err := f.svc.Introspect(ctx, client, tok)
				if err != nil || !active || !slices.Equal(id.Audience, aud) {
					t.Errorf("Introspect: active %v (%v), aud %q, want active with %q", active, err, id.Audience, aud)
				}
			})
		}
	}
	t.Run("an array without the resource asked for", func(t *testing.T) {
		tok := f.mintFor(t, []string{"https://elsewhere.example", DefaultAudience})
		if _, err := f.svc.Authorize(ctx, tok, Resource{Permission: testPerm, Audience: testResource}); !errors.Is(err, ErrWrongAudience) {
			t.Errorf("Authorize for the resource: %v, want ErrWrongAudience", err)
		}
	})
	t.Run("an array with neither", func(t *testing.T) {
		tok := f.mintFor(t, []string{"https://elsewhere.example", "https://elsewhere-too.example"})
		for _, res := range []Resource{{Permission: testPerm}, {Permission: testPerm, Audience: testResource}} {
			if _, err := f.svc.Authorize(ctx, tok, res); !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Authorize for %q: %v, want ErrInvalidToken", res.Audience, err)
			}
		}
		if _, active, err := f.svc.Introspect(ctx, client, tok); err != nil || active {
			t.Errorf("Introspect: active %v (%v), want inactive", active, err)
		}
	})
}
