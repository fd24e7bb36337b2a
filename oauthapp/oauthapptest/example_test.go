package oauthapptest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// Example is a user's handler test: a handler that authorizes its own
// route, checked with a token that may list messages and one that may not.
func Example() {
	kit := oauthapptest.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/Accounts/{AccountSid}/Messages", func(w http.ResponseWriter, r *http.Request) {
		bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		_, err := kit.Service.Authorize(r.Context(), bearer, oauthapp.Resource{
			Permission: "/demo/messaging/messages/list", AccountSID: r.PathValue("AccountSid"),
		})
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, "[]")
	})
	lister := kit.NewApp("/demo/messaging/messages/list")
	reader := kit.NewApp("/demo/messaging/messages/read")
	for _, app := range []oauthapp.App{lister, reader} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, kit.Request("GET", "/v1/Accounts/"+app.AccountSID+"/Messages", kit.Token(app)))
		fmt.Println(rec.Code)
	}
	// Output:
	// 200
	// 403
}
