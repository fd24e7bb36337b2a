package adminhttp_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// newService is a service of the test kit: on a memory store, signing with
// a new EdDSA key.
func newService(t *testing.T) *oauthapp.Service { return oauthapptest.New(t).Service }

func owner(*http.Request) (oauthapp.Actor, error) {
	return oauthapp.Actor{UserSID: "u1", AccountSID: "acme", Role: oauthapp.RoleOwner}, nil
}

func TestBadOptionsAreErrorsFromNew(t *testing.T) {
	svc := newService(t)
	for name, opt := range map[string]adminhttp.Option{
		"prefix without a leading slash": adminhttp.WithPrefix("v1/Account"),
		"prefix with a trailing slash":   adminhttp.WithPrefix("/v1/"),
		"prefix with a wildcard":         adminhttp.WithPrefix("/v1/{x}"),
		"relative base URL":              adminhttp.WithBaseURL("api.example.com"),
		"base URL with a query":          adminhttp.WithBaseURL("https://api.example.com?x=1"),
		"ftp base URL":                   adminhttp.WithBaseURL("ftp://api.example.com"),
		"body limit too small":           adminhttp.WithMaxBodyBytes(100),
		"body limit too large":           adminhttp.WithMaxBodyBytes(2 << 20),
		"nil logger":                     adminhttp.WithLogger(nil),
		"origin with a path":             adminhttp.WithTrustedOrigins("https://console.example.com/"),
		"origin without a scheme":        adminhttp.WithTrustedOrigins("console.example.com"),
		"origin with a query":            adminhttp.WithTrustedOrigins("https://console.example.com?x"),
		"null origin":                    adminhttp.WithTrustedOrigins("null"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := adminhttp.New(svc, owner, opt)
			if !errors.Is(err, adminhttp.ErrInvalidOption) {
				t.Fatalf("New: %v, want ErrInvalidOption", err)
			}
		})
	}
	if _, err := adminhttp.New(nil, owner); !errors.Is(err, adminhttp.ErrInvalidOption) {
		t.Errorf("nil service: %v", err)
	}
	if _, err := adminhttp.New(svc, nil); !errors.Is(err, adminhttp.ErrInvalidOption) {
		t.Errorf("nil authenticator: %v", err)
	}
}

// TestPrefixBaseURLAndBodyLimitApply: the routes move with WithPrefix, the
// URLs of answers start with WithBaseURL, and WithMaxBodyBytes is the 413
// limit.
func TestPrefixBaseURLAndBodyLimitApply(t *testing.T) {
	for _, prefix := range []string{"", "/admin/v2"} {
		api, err := adminhttp.New(newService(t), owner, adminhttp.WithPrefix(prefix),
			adminhttp.WithBaseURL("https://api.example.com/"), adminhttp.WithMaxBodyBytes(1024),
			adminhttp.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		api.Register(mux)
		if api.CollectionPath() != prefix+"/OAuthApps" || api.OpenAPIPath() != prefix+"/openapi.json" {
			t.Fatalf("paths %s %s", api.CollectionPath(), api.OpenAPIPath())
		}
		send := func(body string) *httptest.ResponseRecorder {
			req := httptest.NewRequest("POST", api.CollectionPath(), strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			return rec
		}
		rec := send(`{"friendly_name":"x","policy":{"allow":["/demo/messaging/messages/list"]}}`)
		if rec.Code != 201 || !strings.HasPrefix(rec.Header().Get("Location"), "https://api.example.com"+prefix+"/OAuthApps/OQ") {
			t.Errorf("prefix %q: %d Location %q", prefix, rec.Code, rec.Header().Get("Location"))
		}
		if rec := send(`{"friendly_name":"` + strings.Repeat("x", 1024) + `"}`); rec.Code != 413 {
			t.Errorf("prefix %q: a body over 1024 bytes: %d", prefix, rec.Code)
		}
		doc := httptest.NewRecorder()
		mux.ServeHTTP(doc, httptest.NewRequest("GET", api.OpenAPIPath(), nil))
		if !strings.Contains(doc.Body.String(), `"url": "https://api.example.com`+prefix+`"`) {
			t.Errorf("prefix %q: the document's server is not the API's URL", prefix)
		}
	}
}

// TestOtherMethodsAre405Problems: a method a path does not take is a 405
// problem naming the methods it does take.
func TestOtherMethodsAre405Problems(t *testing.T) {
	api, err := adminhttp.New(newService(t), owner)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	api.Register(mux)
	for path, allow := range map[string]string{
		api.CollectionPath():                  "GET, HEAD, POST",
		api.CollectionPath() + "/OQx":         "DELETE, GET, HEAD, POST",
		api.CollectionPath() + "/OQx/Secrets": "GET, HEAD, POST",

		api.CollectionPath() + "/OQx/FederatedCredentials":     "GET, HEAD, POST",
		api.CollectionPath() + "/OQx/FederatedCredentials/FCx": "DELETE, GET, HEAD",
	} {
		for _, method := range []string{"PUT", "PATCH"} {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
			if rec.Code != 405 || rec.Header().Get("Allow") != allow || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s %s: %d Allow %q %q", method, path, rec.Code, rec.Header().Get("Allow"), rec.Header().Get("Content-Type"))
			}
		}
	}
}
