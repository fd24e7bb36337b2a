// Package openapitest keeps the management API's OpenAPI document true: it
// runs the API's own suite of cases through a validator built from the
// document the API serves, so every request and every answer of those
// cases is checked against it.
//
// It is a module of its own so that the validator, kin-openapi, never
// enters the core module's dependencies. The document declares OpenAPI
// 3.1.0 and uses its JSON Schema 2020-12 forms (type arrays with "null");
// kin-openapi validates 3.1 documents with its JSON Schema 2020-12
// validator since v0.136, which is why this module needs Go 1.25.
package openapitest
