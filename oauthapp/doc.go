// Package oauthapp is the service a Go API embeds to offer OAuth apps to its
// customers: machine-to-machine clients owned by an account, authenticated
// with the OAuth 2.0 client credentials grant (RFC 6749 section 4.4) by a
// client secret or a signed assertion (private_key_jwt, RFC 7523), holding
// short-lived JWT access tokens (RFC 9068) whose scope maps onto the API's
// own routes. It ties together the pure packages scope, secret and token
// and a store.Store, and holds the product's rules; each method's
// documentation states the rules it applies.
//
// # Where to start
//
// New makes a Service from a store.Store (store.NewMemory, or
// store/postgres for several instances) and a token.KeySet
// (token.GenerateKey, then token.NewKeySet); WithIssuer and WithCatalog
// are the options nearly every service sets. Then:
//
//   - CreateApp, UpdateApp, RotateSecret and DeleteApp manage apps on
//     behalf of an Actor, the person your service authenticated;
//   - IssueToken does a token endpoint's work (package oauthhttp serves
//     one, with the other OAuth endpoints);
//   - Authorize checks a bearer token for a Resource on each API request
//     (oauthhttp.Server.Protect does it for the routes of a mux), and
//     AuthorizeDPoP a DPoP-bound token with its proof (RFC 9449);
//   - AddFederatedCredential lets a workload authenticate with a token
//     its platform already gives it (workload identity federation; see
//     FederatedCredential and ExampleService_AddFederatedCredential).
//   - Purge, scheduled hourly, drops the records that no longer matter.
//
// The package Example runs the whole flow, ExampleService_Authorize_errorChecking
// shows which errors a caller tells apart, and package oauthapptest builds
// a Service, apps and tokens for tests in one line each.
//
// # What it trusts
//
// The Service trusts its Store to keep what it was given and its KeySet to
// hold the signing keys. It trusts nothing that arrives with a request:
// credentials, tokens, scopes and ids are parsed and checked, and a failure
// leaves the store as it was. Every authorization reads the app, its
// secrets and the revoked set from the store, so a deletion or rotation
// counts on the very next request, unless WithCache trades that for a
// bounded staleness. The keys of a federated credential's issuer are
// fetched over https by OpenID Connect discovery with the host's client
// (WithIssuerHTTPClient), and trusted only for that issuer's tokens.
// Authentication failures are one error to the caller
// (ErrInvalidClient); the cause goes to the audit hook (WithAudit). Secrets
// are never logged, never put in an error and stored only as hashes.
package oauthapp
