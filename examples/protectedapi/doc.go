// Command protectedapi shows how an existing net/http service puts its
// routes behind OAuth app tokens:
//
//  1. list each route's ServeMux pattern with the permission it needs, in a
//     scope.Catalog given to the service with oauthapp.WithCatalog;
//  2. wrap each route's handler in oauthhttp.Server.Protect (ProtectFunc
//     for a handler function), registered on the mux under the same
//     pattern;
//  3. read the caller from the request context with oauthhttp.IdentityFrom.
//
// Routes left unwrapped (here /healthz) stay public. The service must share
// its store and keys with the token server that issues the tokens; to run
// on its own, this program mounts the token endpoint as well and, once it
// listens, prints the credentials of one app to stdout as a JSON line (its
// log, on stderr, never carries a secret).
package main
