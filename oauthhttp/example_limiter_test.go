package oauthhttp_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
)

// Limit failed client authentications: after ten failures in a minute a
// client id is answered 429 with Retry-After at the address they came
// from, before its secret is checked, until its failures age out. The limiter reads the same clock as
// the service; behind a proxy, WithTrustedProxies names the real client.
func ExampleNewMemoryLimiter() {
	oauthapptest.Run(os.Stdout, func(t *oauthapptest.T) {
		kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.com")))
		app := kit.NewApp("/demo/messaging/messages/list")
		limiter, err := oauthhttp.NewMemoryLimiter(
			oauthhttp.WithClientFailures(10),
			oauthhttp.WithFailureWindow(time.Minute),
			oauthhttp.WithLimiterClock(kit.Service.Metadata().Clock),
		)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := oauthhttp.New(kit.Service, oauthhttp.WithLimiter(limiter))
		if err != nil {
			t.Fatal(err)
		}
		ask := func(secret string) *httptest.ResponseRecorder {
			r := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader("grant_type=client_credentials"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth(url.QueryEscape(app.SID), url.QueryEscape(secret))
			w := httptest.NewRecorder()
			srv.Token().ServeHTTP(w, r)
			return w
		}
		wrong := "oqcs_aaaaaaaa_" + strings.Repeat("a", 63)
		for range 10 {
			ask(wrong)
		}
		w := ask(kit.Secret(app.SID))
		fmt.Println(w.Code, w.Header().Get("Retry-After"))
		fmt.Println(w.Body)

		kit.Advance(time.Minute)
		fmt.Println(ask(kit.Secret(app.SID)).Code == http.StatusOK)
	})
	// Output:
	// 429 6
	// {"error":"temporarily_unavailable","error_description":"too many failed client authentications; retry after the delay in Retry-After"}
	// true
}
