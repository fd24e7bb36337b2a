package authtest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/examples/authtest"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

func TestCallsAuthorization(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithRoutes(authtest.Routes...), oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.test")))
	srv, err := oauthhttp.New(kit.Service)
	if err != nil {
		t.Fatal(err)
	}
	api := authtest.NewHandler(srv)

	reader := kit.NewApp("/demo/voice/calls/list")
	admin := kit.NewApp("/demo/voice/*")
	calls := "/v1/Accounts/" + kit.Owner.AccountSID + "/Calls"
	stranger := oauthapptest.NewActor(oauthapp.RoleDeveloper)
	strangerApp := kit.NewAppFor(stranger, "/demo/voice/*")

	cases := []struct {
		name   string
		method string
		path   string
		bearer string
		want   int
	}{
		{"a reader lists calls", "GET", calls, kit.Token(reader), http.StatusOK},
		{"a reader may not delete", "DELETE", calls + "/CA1", kit.Token(reader), http.StatusForbidden},
		{"an admin deletes", "DELETE", calls + "/CA1", kit.Token(admin), http.StatusNoContent},
		{"an admin token narrowed to list may not delete", "DELETE", calls + "/CA1", kit.Token(admin, "/demo/voice/calls/list"), http.StatusForbidden},
		{"another account's app may not list this account's calls", "GET", calls, kit.Token(strangerApp), http.StatusForbidden},
		{"no token is 401", "GET", calls, "", http.StatusUnauthorized},
		{"an expired token is 401", "GET", calls, kit.ExpiredToken(reader), http.StatusUnauthorized},
		{"a token of a deleted app is 401", "GET", calls, kit.DeletedAppToken("/demo/voice/*"), http.StatusUnauthorized},
		{"a token signed by another service's key is 401", "GET", calls, kit.ForeignKeyToken(admin), http.StatusUnauthorized},
		{"a token of another account is 403", "GET", calls, kit.OtherAccountToken("/demo/voice/*"), http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.bearer != "" {
				r = kit.Request(tc.method, tc.path, tc.bearer)
			}
			w := httptest.NewRecorder()
			api.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
		})
	}

	t.Run("a token stops working when it expires", func(t *testing.T) {
		tok := kit.Token(reader)
		kit.Advance(time.Hour + time.Second)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, kit.Request("GET", calls, tok))
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", w.Code)
		}
	})
}
