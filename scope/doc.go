// Package scope decides what a permission is (Permission), what an OAuth
// app may be granted (Policy: allow and deny lists, deny wins, as JSON or
// as an OAuth scope string of RFC 6749 section 3.3), and which permission
// each API route needs (Catalog, in net/http.ServeMux pattern syntax). It
// is pure: no I/O, no clock, no state beyond the values it builds, and
// only the standard library.
//
// # Where to start
//
// NewCatalog maps your API's ServeMux patterns to permissions, and
// oauthapp.WithCatalog hands the catalog to the service; NewPolicy (or
// ParsePolicyJSON) is what an app may be granted, and ParsePermission and
// ParseScope read what a client asks for. ExampleCatalog_Resolve and
// ExamplePolicy_Narrow show them at work.
//
// # What it trusts
//
// Every string is untrusted: parsers check it whole and return an error
// rather than panic, and error messages quote at most a short prefix of
// the input. The package trusts its caller on two points: that the path
// given to Catalog.Resolve is the one the router dispatches on, and that a
// scope passed to Covers came from a token whose signature was checked
// (Covers says what a scope grants, not whether it is genuine). A scope
// string carries no deny entries; Policy.FullGrant and Policy.Grant say
// how a token's scope is read against a policy.
package scope
