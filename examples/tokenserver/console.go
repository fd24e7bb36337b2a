package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"

	"github.com/oauthapps/oauthapps/console"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// signInPath is where a one-time sign-in link of the console leads.
const signInPath = "/console-signin"

// sessionCookie names the cookie of a console session.
const sessionCookie = "tokenserver_console"

// consoleUsers is the console (package console) and the demo's sign-in to
// it: a one-time link per person, which sets a session cookie. A real
// host signs its users in its own way and maps the session to an Actor
// just as authenticate does.
type consoleUsers struct {
	base string

	mu       sync.Mutex
	links    map[[sha256.Size]byte]oauthapp.Actor // unused sign-in links, by the token's hash
	sessions map[[sha256.Size]byte]oauthapp.Actor // by the cookie's hash
}

var errNoConsoleSession = errors.New("tokenserver: not signed in to the console")

// registerConsole registers the console on mux under console.DefaultPrefix, and
// its sign-in links at signInPath, with URLs under base.
func registerConsole(mux *http.ServeMux, svc *oauthapp.Service, base string, logger *slog.Logger) (*consoleUsers, error) {
	u := &consoleUsers{base: base, links: map[[sha256.Size]byte]oauthapp.Actor{}, sessions: map[[sha256.Size]byte]oauthapp.Actor{}}
	c, err := console.New(svc, u.authenticate, console.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	mux.Handle(console.DefaultPrefix+"/", c)
	mux.HandleFunc("GET "+signInPath, u.signIn)
	return u, nil
}

// link returns a URL that signs the person in to the console, once.
func (u *consoleUsers) link(actor oauthapp.Actor) string {
	tok := randomToken()
	u.mu.Lock()
	u.links[sha256.Sum256([]byte(tok))] = actor
	u.mu.Unlock()
	return u.base + signInPath + "?" + url.Values{"token": {tok}}.Encode()
}

// signIn spends a sign-in link: it starts a session and sends the
// browser on to the console.
func (u *consoleUsers) signIn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	key := sha256.Sum256([]byte(r.URL.Query().Get("token")))
	session := randomToken()
	u.mu.Lock()
	actor, ok := u.links[key]
	delete(u.links, key)
	if ok {
		u.sessions[sha256.Sum256([]byte(session))] = actor
	}
	u.mu.Unlock()
	if !ok {
		http.Error(w, "This sign-in link is not valid: each link signs in once.", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: session, Path: console.DefaultPrefix,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, console.DefaultPrefix+"/", http.StatusSeeOther)
}

// authenticate maps the session cookie to its person.
func (u *consoleUsers) authenticate(r *http.Request) (oauthapp.Actor, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return oauthapp.Actor{}, errNoConsoleSession
	}
	u.mu.Lock()
	actor, ok := u.sessions[sha256.Sum256([]byte(c.Value))]
	u.mu.Unlock()
	if !ok {
		return oauthapp.Actor{}, errNoConsoleSession
	}
	return actor, nil
}

// randomToken is 192 random bits in hex.
func randomToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
