// Package adminhttp is the management API of OAuth apps: JSON over HTTP in
// the shape of Twilio's OAuthApps resource, through which the people of a
// host service's accounts create, list, change, rotate and delete their
// apps and manage their client keys. It is a thin face on oauthapp.Service: every rule about roles (only
// owner, administrator and developer manage apps) and accounts (an app is
// managed only from its own account) stays in the service.
//
// New builds the API from a Service and the host's Authenticator, a
// function from a request to the oauthapp.Actor behind it; Register mounts
// it on a ServeMux under a prefix (WithPrefix; default "/v1/Account"):
//
//	POST   {prefix}/OAuthApps                     create; the client secret is shown this once (201)
//	GET    {prefix}/OAuthApps                     list the account's apps (PageSize, PageToken)
//	GET    {prefix}/OAuthApps/{Sid}               fetch
//	POST   {prefix}/OAuthApps/{Sid}               update name, description, policy, token TTL, default grace, resources
//	DELETE {prefix}/OAuthApps/{Sid}               delete (204)
//	POST   {prefix}/OAuthApps/{Sid}/Secrets       rotate, with an optional grace_period (201)
//	GET    {prefix}/OAuthApps/{Sid}/Secrets       the secrets' metadata, never a secret
//	POST   {prefix}/OAuthApps/{Sid}/Keys          add a client key (201)
//	GET    {prefix}/OAuthApps/{Sid}/Keys          the client keys: public keys and metadata
//	DELETE {prefix}/OAuthApps/{Sid}/Keys/{KeyId}  remove a client key (204)
//	GET    {prefix}/openapi.json                  the OpenAPI 3.1 document of all of it
//
// Client keys are public keys with which an app's client authenticates by
// private_key_jwt (RFC 7523 section 2.2): a body {"public_key": PEM} with
// an optional "id" (the kid; the key's JWK thumbprint by default) and
// "algorithm" (ES256, EdDSA, RS256 or PS256; never HS256). A create may
// give them at once as "client_keys", and "no_secret": true for an app
// that authenticates with its keys only and so answers no client_secret.
// "resources" lists the resource URIs (RFC 8707) an app's tokens may be
// issued for, each one the service serves (oauthapp.WithResources).
//
// # Conventions
//
//   - Bodies are application/json objects of at most WithMaxBodyBytes (64
//     KiB by default; longer is 413). Every POST says Content-Type:
//     application/json, even with an empty body (a rotation with the
//     default grace); anything else is 415. Members are snake_case, as Twilio
//     names them (friendly_name, policy {allow, deny}, access_token_ttl in
//     seconds, creator_sid, date_created); an unknown member is refused.
//   - Every answer links the OpenAPI document (Link: <...>;
//     rel="service-desc", RFC 8631).
//   - Errors are RFC 9457 application/problem+json documents whose type is
//     one of the Problem constants; "field" names the member, query
//     parameter or header at fault. A refused request changes nothing.
//     No answer and no log line holds a secret; the client secret appears
//     only in the 201 answer of a create or a rotation. A client key's
//     PEM is never echoed in a problem either.
//   - An app of another account is answered 404, exactly as a missing app;
//     a role that may not manage apps is answered 403. A client key the
//     app does not hold is 404 too.
//   - Each app answer carries an ETag from the app's store version (an
//     added key's answer, the app's new one). An update, rotation, delete,
//     key addition or key removal with If-Match that the app no longer
//     matches is answered 412 and changes nothing: of two writers that read
//     the same version, one wins and the other learns it. Update and
//     rotation check the version atomically in the store; a delete and a
//     key change check it against a read made just before.
//   - Lists are paged by an opaque cursor (next_page_url) in SID order:
//     apps created or deleted between pages never make another app appear
//     twice or be skipped.
//   - Idempotency-Key on a create or a rotation: a retry with the same key,
//     by the same user, on the same path with the same body and If-Match,
//     gets the first answer again (with Idempotent-Replayed: true, the same
//     secret included) and creates or rotates nothing more; the same key
//     for another request is 422, and a retry while the first is still
//     running is 409. Keys are scoped to the account and remembered only
//     for successful answers, for WithIdempotency's TTL (an hour by
//     default), in the memory of the instance that answered: a retry that
//     reaches another instance acts again. The record is not put in the
//     shared store because it holds the answer, and so the client secret,
//     which the store only ever keeps hashed.
//
// # Cross-site request forgery
//
// An Authenticator that reads a cookie (a session of the host's web
// console) authenticates whatever request the browser sends, including
// one a page of another site makes it send: a hidden form that rotates a
// secret with no grace would break the victim's client at once. The API
// refuses such requests itself, before the Authenticator runs: a POST or
// DELETE that a browser marks as coming from another origin
// (Sec-Fetch-Site, or, from older browsers, an Origin whose host is not
// the request's) is answered 403 with ProblemCrossOrigin and changes
// nothing, and a POST must be application/json, which no page of another
// site can send without the browser asking the API first (CORS, which
// the API never grants). Requests without those headers come from no
// browser (curl, a server) and carry no victim's cookie. A console
// served on another origin of the host's is named with
// WithTrustedOrigins. What stays the host's: cookies marked SameSite and
// HttpOnly, and no GET that changes anything on the host's own routes.
//
// # What it trusts
//
// The API trusts the host's Authenticator to say who is calling; an error
// from it is answered 401 and not shown. It trusts nothing in the request:
// the body, the query, If-Match and Idempotency-Key are parsed with the
// standard library and checked before anything changes. Audit events for
// every change come from the service's audit hook (oauthapp.WithAudit),
// with the actor the Authenticator returned.
package adminhttp
