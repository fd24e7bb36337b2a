// Package console is the web console of OAuth apps: server-rendered pages
// on which the people of a host service's accounts list, create, rotate
// and delete their apps and manage their client keys in a browser, as the
// FAQ's customers "rotate client secret from within the Console". It is
// the management API's (package adminhttp) sibling for people: the same
// calls on oauthapp.Service, the same rules (only the owner, administrator
// and developer roles manage apps, and only their own account's), and the
// host's same adminhttp.Authenticator to say who is signed in.
//
// # Where to start
//
// New builds the Console from the Service and the host's authenticator;
// mount it on the host's mux under its prefix (WithPrefix; default
// "/console"), behind the host's own sign-in:
//
//	c, err := console.New(svc, authenticate)
//	mux.Handle("/console/", c)
//
// Its pages:
//
//	GET  {prefix}/                              the account's apps, a page at a time
//	GET  {prefix}/apps/new                      the form of a new app
//	POST {prefix}/apps                          create: the client secret is shown on the answer, once
//	GET  {prefix}/apps/{sid}                    an app: secrets' expiry, client keys, rotate, delete
//	POST {prefix}/apps/{sid}/rotate             rotate with a chosen grace: the new secret, once
//	POST {prefix}/apps/{sid}/keys               add a client key (a PEM public key)
//	POST {prefix}/apps/{sid}/keys/{kid}/remove  remove a client key
//	GET  {prefix}/apps/{sid}/delete             the confirmation that names the app
//	POST {prefix}/apps/{sid}/delete             delete
//
// The pages are html/template, with their stylesheet and script embedded
// in the binary: nothing is fetched from elsewhere and nothing is built.
// They work without JavaScript; the script only adds a copy button to a
// new secret and asks for confirmation before a rotation or a key removal
// (a delete has a page of its own that names the app and asks). Labels
// name every control, everything is reachable by keyboard, and the
// colours are CSS custom properties (--console-bg, --console-fg,
// --console-accent, ...) that WithTheme sets.
//
// # Security
//
//   - Every state change is a POST refused when a browser sends it from
//     another origin (the rule of Go's http.CrossOriginProtection: the
//     Sec-Fetch-Site header, else Origin against Host); a refused request
//     changes nothing.
//   - Every answer carries a Content-Security-Policy that allows the
//     console's own script and stylesheet only (no inline script or
//     style), forms posted to the console's own origin, and no framing
//     (frame-ancestors 'none'), with nosniff and Referrer-Policy:
//     no-referrer. Every page is Cache-Control: no-store; the stylesheets
//     and the script, which hold no secret, are revalidated by ETag.
//   - A client secret appears only in the answer to the POST that made it,
//     never in a URL (so never in the history or a Referer), a redirect or
//     a log line; the console logs only failures of the server, with the
//     error, which the service keeps free of secrets.
//   - Each form that changes an app carries the version of the app the
//     page showed: when the app has changed since (someone else rotated or
//     changed it), the change is refused with a message and the app as it
//     is now, and nothing changes. The store checks the version in one
//     step with the change, as for adminhttp's If-Match.
//   - Every refusal (a role that may not manage apps, a bad value, a stale
//     page, an app of another account, which reads as a missing one) is a
//     page that says so in words.
//
// # What it trusts
//
// The console trusts the host's authenticator to say who is signed in; an
// error from it is a page that says the visitor is not signed in. It
// trusts nothing in the request: forms are read with the standard
// library's ParseForm, within a size limit, and every value is checked by
// the service before anything changes. It starts no goroutines.
package console
