package console_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/oauthapps/oauthapps/console"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// A host mounts the console under /console, behind its own sign-in: the
// authenticator maps a request to the person signed in, as it does for
// adminhttp. Here every request is the kit's account Owner.
func Example() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		kit := oauthapptest.New(t)
		authenticate := func(r *http.Request) (oauthapp.Actor, error) { return kit.Owner, nil }
		c, err := console.New(kit.Service, authenticate)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/console/", c)

		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", "/console/", nil))
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Cache-Control"))
		fmt.Println(strings.Contains(rec.Body.String(), "The account has no apps yet."))
	})
	// Output:
	// 200 text/html; charset=utf-8 no-store
	// true
}
