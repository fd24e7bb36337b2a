package oauthapptest_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// Example is a user's handler test: a handler that authorizes its own
// route, checked with a token that may list messages, one that may not
// (403), and no valid token at all (401, RFC 6750 section 3.1).
func Example() {
	kit := oauthapptest.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/Accounts/{AccountSid}/Messages", func(w http.ResponseWriter, r *http.Request) {
		scheme, bearer, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			bearer = ""
		}
		_, err := kit.Service.Authorize(r.Context(), bearer, oauthapp.Resource{
			Permission: "/demo/messaging/messages/list", AccountSID: r.PathValue("AccountSid"),
		})
		switch {
		case errors.Is(err, oauthapp.ErrInsufficientScope), errors.Is(err, oauthapp.ErrWrongAccount):
			http.Error(w, "forbidden", http.StatusForbidden) // a good token, not for this
			return
		case err != nil:
			http.Error(w, "unauthorized", http.StatusUnauthorized) // no valid token
			return
		}
		fmt.Fprint(w, "[]")
	})
	lister := kit.NewApp("/demo/messaging/messages/list")
	reader := kit.NewApp("/demo/messaging/messages/read")
	for _, bearer := range []string{kit.Token(lister), kit.Token(reader), "not a token"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, kit.Request("GET", "/v1/Accounts/"+lister.AccountSID+"/Messages", bearer))
		fmt.Println(rec.Code)
	}
	// Output:
	// 200
	// 403
	// 401
}
