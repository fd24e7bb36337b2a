package oauthhttp_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// TestTokenEndpointCapsExpiresInAtTheGraceEnd: a token obtained with the
// previous secret expires with that secret's grace, and expires_in says
// so; the current secret's tokens keep the full TTL; in the last minute of
// the grace the previous secret gets invalid_client.
func TestTokenEndpointCapsExpiresInAtTheGraceEnd(t *testing.T) {
	f := newFixture(t)
	old := f.secret
	fresh := f.kit.Rotate(f.app.SID, oauthapp.DefaultGrace)
	end := f.kit.Clock.Now().Add(oauthapp.DefaultGrace)
	post := func(sec string) (int, oauthBody) {
		w := serve(f.srv.Token(), formRequest("/oauth2/token", "grant_type=client_credentials", basic(f.app.SID, sec)))
		return w.Code, decode(t, w)
	}

	f.kit.Clock.Set(end.Add(-30 * time.Minute))
	code, b := post(old)
	if code != http.StatusOK || b.ExpiresIn != 1800 {
		t.Fatalf("previous secret 30 min before its grace ends: %d expires_in %d %s, want 200 and expires_in 1800", code, b.ExpiresIn, b.Error)
	}
	res := oauthapp.Resource{Permission: permList, AccountSID: f.app.AccountSID}
	id, err := f.kit.Service.Authorize(ctx, b.AccessToken, res)
	if err != nil {
		t.Fatalf("token of the previous secret does not authorize: %v", err)
	}
	if !id.ExpiresAt.Equal(end) {
		t.Errorf("exp %v, want the grace end %v", id.ExpiresAt, end)
	}
	if code, b := post(fresh); code != http.StatusOK || b.ExpiresIn != 3600 {
		t.Errorf("current secret: %d expires_in %d %s, want 200 and expires_in 3600", code, b.ExpiresIn, b.Error)
	}

	f.kit.Clock.Set(end.Add(-59 * time.Second))
	if code, b := post(old); code != http.StatusUnauthorized || b.Error != "invalid_client" {
		t.Errorf("previous secret 59 s before its grace ends: %d %s, want 401 invalid_client", code, b.Error)
	}
	if code, b := post(fresh); code != http.StatusOK || b.ExpiresIn != 3600 {
		t.Errorf("current secret: %d expires_in %d %s, want 200 and expires_in 3600", code, b.ExpiresIn, b.Error)
	}
}
