// Package scope decides what a permission is, what an OAuth app may be
// granted, and which permission each API route needs. It is pure: no I/O,
// no clock, no state beyond the values it builds, and only the standard
// library.
//
// # Permissions
//
// A permission names one action on one kind of resource:
//
//	/{namespace}/{product}/{resource}/{action}
//	/demo/messaging/messages/read
//	/demo/voice/calls.recordings/list
//
// Segments are made of lowercase letters, digits and '-'; a sub-resource
// joins names with '.', and no dot-joined part may be empty. A permission
// is at most MaxPermissionLen bytes. A grant may instead end in "/*" after
// one to three segments and then covers every permission under that
// prefix: "/demo/messaging/*" covers "/demo/messaging/messages/read". A
// '*' anywhere else, or in a permission that is being requested, is an
// error. ParsePermission and ParseGrant return a *PermissionError that
// wraps the reason (ErrEmptySegment, ErrBadCharacter,
// ErrMisplacedWildcard, ...) and gives its byte offset.
//
// # Policies
//
// A Policy is an allow list and a deny list of grants, at most
// MaxPolicyEntries in all; deny wins over allow. Policy.Allows answers one
// permission without allocating; Policy.Narrow answers a token request
// (RFC 6749 section 4.4 with the scope parameter of section 3.3): every
// requested permission must be allowed, or the request fails naming the
// first that is not; an empty request gets the whole allow list. A policy
// travels as JSON, {"allow":[...],"deny":[...]}, and its allow list as an
// OAuth scope string (space-separated, RFC 6749 section 3.3). Covers
// checks a granted scope string, such as a token's scope claim, against a
// permission.
//
// # Route catalog
//
// A Catalog maps API routes, written as net/http.ServeMux patterns
// ("GET /v1/Accounts/{AccountSid}/Messages/{Sid}"), to the permission each
// needs, so a route registered on a mux and its permission share one
// string. Catalog.Resolve matches a method and path with ServeMux's rules
// and precedence and returns the permission and the path parameters;
// Catalog.Lookup is a map lookup for a request a ServeMux already routed
// (http.Request.Pattern). Conflicting patterns fail in NewCatalog, as
// they make ServeMux panic at registration. Patterns with a host are not
// supported.
//
// # Trust
//
// Every string is untrusted: parsers check it whole and return an error
// rather than panic, and error messages quote at most a short prefix of
// the input. The package trusts its caller on two points. First, that the
// path given to Resolve is the one the router dispatches on. Second, that a
// scope passed to Covers came from a token whose signature was checked:
// Covers says what a scope grants, not whether the scope is genuine. A
// scope string carries no deny entries; see Policy.FullGrant for what that
// means for a token's full grant, and Policy.Grant for reading a token's
// scope against a policy that has changed since.
//
// # Where to start
//
// NewCatalog maps your API's ServeMux patterns to permissions, and
// oauthapp.WithCatalog hands the catalog to the service; NewPolicy (or
// ParsePolicyJSON) is what an app may be granted, and ParsePermission and
// ParseScope read what a client asks for. ExampleCatalog_Resolve and
// ExamplePolicy_Narrow show them at work.
package scope
