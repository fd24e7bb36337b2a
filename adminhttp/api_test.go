package adminhttp_test

import (
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp/internal/scenario"
)

// TestAPI runs the API's suite: every route, each role, another account,
// pagination, If-Match, Idempotency-Key, problem details. The OpenAPI
// module runs the same suite through a validator of the document.
func TestAPI(t *testing.T) { scenario.Run(t, nil) }
