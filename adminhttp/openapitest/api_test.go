package openapitest

import (
	"testing"

	"github.com/oauthapps/oauthapps/adminhttp/openapitest/internal/scenario"
)

// TestAPI runs the management API's suite bare: every route, each role,
// another account, pagination, If-Match, Idempotency-Key, problem details.
// TestEveryRequestAndAnswerOfTheSuiteMatchesTheDocument runs the same
// suite through a validator of the document.
func TestAPI(t *testing.T) { scenario.Run(t, nil) }
