// Package oauthapp is the service a Go API embeds to offer OAuth apps to its
// customers: machine-to-machine clients owned by an account, authenticated
// with the OAuth 2.0 client credentials grant (RFC 6749 section 4.4), holding
// short-lived JWT access tokens (RFC 9068) whose scope maps onto the API's
// own routes.
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
//     (oauthhttp.Server.Protect does it for the routes of a mux).
//
// The package Example runs the whole flow, ExampleService_Authorize_errorChecking
// shows which errors a caller tells apart, and package oauthapptest builds
// a Service, apps and tokens for tests in one line each.
//
// A Service ties the pure packages together: scope (permissions, policies,
// the route catalog), secret (client secrets and their two-slot rotation),
// token (signing and validating access tokens) and store (persistence). It
// implements the rules of the product:
//
//   - Only the Owner, Administrator and Developer roles of the app's own
//     account may manage an app; any other role, or another account, is
//     ErrForbidden, checked before the rest of the call's input, so a
//     refused actor never learns whether that input was valid.
//     Accounts and users are the host service's own ids (a UUID, an
//     integer, an "AC" SID: see ParseAccountSID), compared exactly; app
//     SIDs, the client ids, are "OQ" + 32 hex. An update or rotation may
//     be made conditional on the version the caller read (IfVersion), so
//     that of two writers who read the same version one wins and the
//     other gets ErrVersionMismatch.
//   - Tokens live one hour by default (configurable per service and per app,
//     one minute to thirty days); a new token never revokes earlier ones.
//     expires_in is always the truth: a token obtained with the previous
//     secret during its grace expires when the grace ends, if that is
//     sooner, since a token dies with its secret. In the last minute of its
//     grace (less than the shortest token) the previous secret gets no new
//     token; the token endpoint answers invalid_client, as once the grace
//     is over, and the current secret keeps working.
//   - Rotating a secret keeps the previous one working for a grace period,
//     24 hours by default; never more than two secrets verify, and rotating
//     again inside a grace drops the oldest at once. A grace of zero is the
//     compromise button: the previous secret and every token it minted stop
//     working at once.
//   - Deleting an app makes its secrets and every token it holds fail at the
//     next authorization.
//   - An app's tokens authorize its own account's resources only, never a
//     subaccount's or a parent's, and only in the app's region.
//
// Beyond secrets, an app may hold up to MaxClientKeys public keys, and its
// client then authenticates with a JWT it signs (private_key_jwt, RFC 7523
// section 2.2 and RFC 7521): AuthenticateAssertion says what such an
// assertion must hold. Each assertion is accepted once across every
// instance sharing the store (store.AssertionIDs), and removing the key,
// like deleting the app, stops the tokens it obtained. An app may also be
// granted resource URIs (RFC 8707) among the service's (WithResources): a
// token request naming one gets a token whose aud is that URI, and
// Authorize checks the audience of the API it protects
// (Resource.Audience).
//
// # What it trusts
//
// The Service trusts its Store to keep what it was given and its KeySet to
// hold the signing keys. It trusts nothing that arrives with a request:
// client credentials, tokens, scopes and SIDs are parsed and checked, and a
// failure leaves the store as it was. Authentication failures are one error
// to the caller (ErrInvalidClient) whatever the cause; the cause goes to the
// audit hook. Secrets are never logged, never put in an error and never
// stored except as hashes.
//
// # Freshness
//
// Authorization checks, on every request, that the token's app still exists,
// that the secret or client key which authenticated the token is still
// active, that the
// token was not revoked, and that the app's current policy still allows the
// permission. By default these are read from the store on every call, so a
// deletion or rotation takes effect on the very next request. WithCache lets
// a deployment whose store is remote trade that for a bounded staleness; see
// its documentation for the bound.
//
// # Observability
//
// Audit events (WithAudit) go to a log/slog logger through SlogAudit.
// WithObserver takes the hooks that metrics and traces need (Observer);
// module github.com/oauthapps/oauthapps/oauthotel fills them from
// OpenTelemetry. Neither hook ever receives a secret or a token.
package oauthapp
