// Package adminhttp is the management API of OAuth apps: JSON over HTTP in
// the shape of Twilio's OAuthApps resource, through which the people of a
// host service's accounts create, list, change, rotate and delete their
// apps and manage their client keys and federated credentials, with RFC
// 9457 problem details, ETag/If-Match, Idempotency-Key, cursor pagination
// and an OpenAPI 3.1 document. It is a thin face on oauthapp.Service: every rule about roles
// (only owner, administrator and developer manage apps) and accounts (an
// app is managed only from its own account) stays in the service.
//
// # Where to start
//
// New builds the API from a Service and the host's Authenticator, a
// function from a request to the oauthapp.Actor behind it; Register mounts
// it on a ServeMux. API lists the routes and the conventions they share.
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
