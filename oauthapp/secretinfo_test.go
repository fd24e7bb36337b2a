package oauthapp_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

func TestSecretInfoSaysNeverForZeroTimes(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name string
		info oauthapp.SecretInfo
		want string
	}{
		{"new current secret", oauthapp.SecretInfo{ID: "abcd2345", Created: created, Current: true},
			"secret abcd2345 (current): created 2026-01-02T03:04:05Z, expires never, last used never"},
		{"previous secret in its grace, used", oauthapp.SecretInfo{ID: "efgh6723", Created: created, Expires: created.Add(24 * time.Hour), LastUsed: created.Add(time.Hour)},
			"secret efgh6723 (previous): created 2026-01-02T03:04:05Z, expires 2026-01-03T03:04:05Z, last used 2026-01-02T04:04:05Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.info.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

// An app's secrets print with "never" where a time has not come, and
// never with the secret itself.
func TestAppSecretsPrintNeverRatherThanYearOne(t *testing.T) {
	kit := oauthapptest.New(t)
	app := kit.NewApp("/demo/messaging/messages/list")
	got := fmt.Sprint(app.Secrets)
	if !strings.Contains(got, "expires never, last used never") || strings.Contains(got, "0001") {
		t.Fatalf("app secrets print as %s", got)
	}
	if strings.Contains(got, kit.Secret(app.SID)) {
		t.Fatal("printing the secret infos printed the secret")
	}
}
