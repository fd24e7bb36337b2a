package oauthapp

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzAuthenticateAssertion: whatever a client sends as an assertion, the
// answer is ErrInvalidClient exactly, it costs at most one signature
// verification, and it changes nothing stored.
func FuzzAuthenticateAssertion(f *testing.F) {
	f.Add("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJpc3MiOiJPUTAwIiwic3ViIjoiT1EwMCJ9.c2ln")
	fx := newAssertionFixture(f)
	before, err := fx.store.GetApp(context.Background(), fx.app.SID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, assertion string) {
		sigs := fx.svc.sigChecks.Load()
		_, err := fx.issue(assertion)
		if !errors.Is(err, ErrInvalidClient) || err.Error() != ErrInvalidClient.Error() {
			t.Fatalf("IssueToken: %v, want exactly ErrInvalidClient", err)
		}
		if n := fx.svc.sigChecks.Load() - sigs; n > 1 {
			t.Fatalf("%d signature verifications", n)
		}
		after, err := fx.store.GetApp(context.Background(), fx.app.SID)
		if err != nil || after.Version != before.Version || !after.Keys[0].LastUsed.Equal(before.Keys[0].LastUsed) {
			t.Fatalf("the app changed: %v", err)
		}
		if n, _ := fx.store.PurgeAssertionIDs(context.Background(), fx.now.Add(time.Hour)); n != 0 {
			t.Fatalf("%d assertion ids recorded", n)
		}
	})
}
