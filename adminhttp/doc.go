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
//     KiB by default; longer is 413). Members are snake_case, as Twilio
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
//     the same version, one wins and the other learns it. The store checks
//     the version in one step with the change, on every instance sharing
//     it (store.Apps.UpdateApp, DeleteAppVersion).
//   - Lists are paged by an opaque cursor (next_page_url) in SID order:
//     apps created or deleted between pages never make another app appear
//     twice or be skipped.
//   - Idempotency-Key on every POST (create, update, rotation, key
//     addition): a retry with the same key, by the same user, on the same
//     path with the same body and If-Match, gets the first answer again
//     (with Idempotent-Replayed: true, the same secret included) and
//     changes nothing more, on whichever instance it reaches: the record
//     is kept in the store every instance shares, for 24 hours
//     (oauthapp.Service.Idempotent; schedule PurgeIdempotencyKeys), with
//     the answer sealed under oauthapp.WithKeyEncryptionKey, so that the
//     store never holds a client secret in plain text. The role is checked
//     before the key (a role that may not manage apps is 403, whatever
//     key it sends); the same key for another request is 422; a retry
//     while the first request still runs, here or on another instance,
//     is 409 with Retry-After (it does not wait). Only successful answers
//     are kept. An instance without the key-encryption key the answer is
//     sealed under (none configured: each instance seals under a key of
//     its own) answers a retry 409 answer-unavailable and does nothing
//     again. Keys are scoped to the account.
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
