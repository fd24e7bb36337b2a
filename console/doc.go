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
// Console lists its pages and what it guarantees; its tests drive it in a
// real browser (module console/browsertest).
//
// # What it trusts
//
// The console trusts the host's authenticator to say who is signed in; an
// error from it is a page that says the visitor is not signed in. It
// trusts nothing in the request: forms are read with the standard
// library's ParseForm, within a size limit, and every value is checked by
// the service before anything changes. It starts no goroutines.
package console
