package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// FuzzAuthenticateAssertion: whatever a client sends as an assertion, the
// answer is ErrInvalidClient exactly, it costs at most one signature
// verification, and it changes nothing stored. The seeds are signed by
// the client's own key, so that what the strict decoder of package token
// refuses (a member given twice, a crit header, an aud array, an exp
// beyond the lifetime) would otherwise have verified.
func FuzzAuthenticateAssertion(f *testing.F) {
	f.Add("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJPUTAwIiwic3ViIjoiT1EwMCJ9.c2ln")
	fx := newAssertionFixture(f)
	header := fmt.Sprintf(`{"alg":"EdDSA","kid":%q}`, fx.kid)
	claims := func(aud string, exp time.Time, extra string) string {
		return fmt.Sprintf(`{"iss":%q,"sub":%q,"aud":%s,"exp":%d,"iat":%d,"jti":%q%s}`,
			fx.app.SID, fx.app.SID, aud, exp.Unix(), fx.now.Unix(), newSID("JT"), extra)
	}
	endpoint := fmt.Sprintf("%q", testEndpoint)
	soon := fx.now.Add(time.Minute)
	for _, seed := range [][2]string{
		{header, claims(endpoint, soon, fmt.Sprintf(`,"sub":%q`, fx.app.SID))},
		{header, claims(endpoint, soon, `,"EXP":1`)},
		{fmt.Sprintf(`{"alg":"EdDSA","kid":%q,"kid":%q}`, fx.kid, fx.kid), claims(endpoint, soon, "")},
		{fmt.Sprintf(`{"alg":"EdDSA","kid":%q,"crit":["exp"],"exp":1}`, fx.kid), claims(endpoint, soon, "")},
		{fmt.Sprintf(`{"alg":"EdDSA","kid":%q,"typ":"at+jwt"}`, fx.kid), claims(endpoint, soon, "")},
		{header, claims(fmt.Sprintf(`[%q]`, testEndpoint), soon, "")},
		{header, claims(endpoint, fx.now.Add(DefaultAssertionLifetime+time.Second), "")},
	} {
		f.Add(fx.signJSON(f, seed[0], seed[1]))
	}
	before, err := fx.store.GetApp(context.Background(), fx.app.SID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, assertion string) {
		sigs := verifications(fx.priv.Public())
		_, err := fx.issue(assertion)
		if !errors.Is(err, ErrInvalidClient) || err.Error() != ErrInvalidClient.Error() {
			t.Fatalf("IssueToken: %v, want exactly ErrInvalidClient", err)
		}
		if n := verifications(fx.priv.Public()) - sigs; n > 1 {
			t.Fatalf("%d signature verifications", n)
		}
		after, err := fx.store.GetApp(context.Background(), fx.app.SID)
		if err != nil || after.Version != before.Version || !after.Keys[0].LastUsed.Equal(before.Keys[0].LastUsed) {
			t.Fatalf("the app changed: %v", err)
		}
		if n, _ := fx.store.PurgeAssertionIDs(context.Background(), fx.now.Add(2*time.Hour)); n != 0 {
			t.Fatalf("%d assertion ids recorded", n)
		}
	})
}
