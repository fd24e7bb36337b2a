package adminhttp

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strconv"
)

//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the API's OpenAPI 3.1 document, as served at
// OpenAPIPath: its one server is the API's prefix, under the base URL
// when WithBaseURL gave one.
func (a *API) OpenAPI() []byte {
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		panic("adminhttp: the embedded OpenAPI document is not JSON: " + err.Error())
	}
	server := a.url(a.cfg.prefix)
	if server == "" {
		server = "/"
	}
	doc["servers"] = []any{map[string]any{"url": server}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("adminhttp: encoding the OpenAPI document: " + err.Error())
	}
	return append(b, '\n')
}

func (a *API) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(a.openapi)))
	_, _ = w.Write(a.openapi)
}
