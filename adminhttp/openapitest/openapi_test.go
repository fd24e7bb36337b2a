package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/adminhttp/openapitest/internal/scenario"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
)

// validator checks requests and answers against the document.
type validator struct {
	doc    *openapi3.T
	router routers.Router

	mu       sync.Mutex
	problems []string
	seen     map[string]map[int]bool // operationId -> statuses answered
	checked  int
}

// newValidator loads the document the API serves, from the API itself.
func newValidator(t *testing.T, api http.Handler) *validator {
	t.Helper()
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", adminhttp.DefaultPrefix+"/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("loading the document: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("the document is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not a valid OpenAPI 3.1 document: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return &validator{doc: doc, router: router, seen: make(map[string]map[int]bool)}
}

func (v *validator) fail(format string, args ...any) {
	v.mu.Lock()
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
	v.mu.Unlock()
}

// wrap validates every request to next and its answer: an answer must be
// documented for its operation and status and match its schema; a request
// the document refuses must be refused by the API (4xx) too.
func (v *validator) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		what := r.Method + " " + r.URL.RequestURI()

		route, params, err := v.router.FindRoute(r)
		if err != nil {
			v.fail("%s: no operation in the document: %v", what, err)
			next.ServeHTTP(w, r)
			return
		}
		in := &openapi3filter.RequestValidationInput{
			Request:    r.Clone(r.Context()),
			PathParams: params,
			Route:      route,
			Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
		}
		in.Request.Body = io.NopCloser(bytes.NewReader(body))
		reqErr := openapi3filter.ValidateRequest(r.Context(), in)

		rec := httptest.NewRecorder()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(rec, r)

		out := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 rec.Code,
			Header:                 rec.Header(),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		out.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
			v.fail("%s -> %d: the answer breaks the document: %v\n%s", what, rec.Code, err, rec.Body.Bytes())
		}
		if reqErr != nil && (rec.Code < 400 || rec.Code > 499) {
			v.fail("%s: the document refuses the request (%v) but the API answered %d", what, reqErr, rec.Code)
		}
		v.mu.Lock()
		v.checked++
		op := route.Operation.OperationID
		if v.seen[op] == nil {
			v.seen[op] = make(map[int]bool)
		}
		v.seen[op][rec.Code] = true
		v.mu.Unlock()

		for k, vals := range rec.Header() {
			w.Header()[k] = vals
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// TestEveryRequestAndAnswerOfTheSuiteMatchesTheDocument runs the API's
// whole suite through the validator.
func TestEveryRequestAndAnswerOfTheSuiteMatchesTheDocument(t *testing.T) {
	var v *validator
	scenario.Run(t, func(api http.Handler) http.Handler {
		if v == nil {
			v = newValidator(t, api)
		}
		return v.wrap(api)
	})
	if v == nil {
		t.Fatal("the suite built no API")
	}
	for _, p := range v.problems {
		t.Error(p)
	}
	if v.checked < 100 {
		t.Errorf("only %d requests were validated", v.checked)
	}
	// Every operation was exercised, with its success and at least one
	// problem answer.
	for path, item := range v.doc.Paths.Map() {
		for method, op := range item.Operations() {
			statuses := v.seen[op.OperationID]
			if len(statuses) == 0 {
				t.Errorf("%s %s (%s) was never called", method, path, op.OperationID)
				continue
			}
			var codes []int
			for c := range statuses {
				codes = append(codes, c)
			}
			sort.Ints(codes)
			if op.OperationID != "openAPIDocument" && !slices.ContainsFunc(codes, func(c int) bool { return c >= 400 }) {
				t.Errorf("%s was never refused: statuses %v", op.OperationID, codes)
			}
			t.Logf("%-22s %s", op.OperationID, strings.Trim(fmt.Sprint(codes), "[]"))
		}
	}
}

// TestTheValidatorCatchesADocumentThatDrifted: the check above can fail: a
// document whose app schema says access_token_ttl is a string is caught on
// the first create.
func TestTheValidatorCatchesADocumentThatDrifted(t *testing.T) {
	kit := oauthapptest.New(t)
	api, err := adminhttp.New(kit.Service, func(*http.Request) (oauthapp.Actor, error) { return kit.Owner, nil })
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	app := doc["components"].(map[string]any)["schemas"].(map[string]any)["OAuthApp"].(map[string]any)
	app["properties"].(map[string]any)["access_token_ttl"] = map[string]any{"type": "string"}
	drifted, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	serving := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == api.OpenAPIPath() {
			_, _ = w.Write(drifted)
			return
		}
		api.ServeHTTP(w, r)
	})
	v := newValidator(t, serving)
	h := v.wrap(serving)
	req := httptest.NewRequest("POST", api.CollectionPath(), strings.NewReader(`{"friendly_name":"x","policy":{"allow":["/demo/messaging/messages/list"]}}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	if len(v.problems) != 1 || !strings.Contains(v.problems[0], "access_token_ttl") {
		t.Errorf("problems %q, want one about access_token_ttl", v.problems)
	}
}
