package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// TestDPoPProofReplayedOnAnotherInstanceFails: two instances of one
// deployment share the PostgreSQL store; a DPoP proof of a token request
// accepted by one is refused by the other, and one sent to both at once
// is accepted by exactly one.
func TestDPoPProofReplayedOnAnotherInstanceFails(t *testing.T) {
	const endpoint = "https://auth.example.com/oauth2/token"
	d := newDeployment(t)
	a, b := d.instance(t), d.instance(t)
	app, sec, err := a.CreateApp(context.Background(), d.owner, oauthapp.NewApp{FriendlyName: "dpop", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	if err != nil {
		t.Fatal(err)
	}
	key, err := dpopclient.NewKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	proof := func() string {
		p, err := key.Proof("POST", endpoint, "", "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	issue := func(svc *oauthapp.Service, p string) error {
		_, err := svc.IssueToken(context.Background(), oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal(), Endpoint: endpoint, DPoP: p})
		return err
	}

	first := proof()
	if err := issue(a, first); err != nil {
		t.Fatalf("instance A: %v", err)
	}
	if err := issue(b, first); !errors.Is(err, oauthapp.ErrInvalidDPoPProof) {
		t.Fatalf("instance B given A's proof again: %v, want ErrInvalidDPoPProof", err)
	}
	for round := range 10 {
		p := proof()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, svc := range []*oauthapp.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = issue(svc, p)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, oauthapp.ErrInvalidDPoPProof):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: one proof sent to both instances at once was accepted %d times, want 1", round, ok)
		}
	}
}
