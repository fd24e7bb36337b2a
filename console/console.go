package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"github.com/oauthapps/oauthapps/adminhttp"
	"github.com/oauthapps/oauthapps/internal/crossorigin"
	"github.com/oauthapps/oauthapps/oauthapp"
)

//go:embed templates/*.html assets/*
var files embed.FS

// contentSecurityPolicy allows the console's own script, stylesheet and
// images only, forms posted to its own origin only, and no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxFormBytes bounds a form's body: room for a 4096-bit RSA key's PEM
// and a name and a description of the longest kind, many times over.
const maxFormBytes = 64 << 10

// Console serves the console's pages. It is an http.Handler for the paths
// under its prefix; it is safe for concurrent use and starts no
// goroutines.
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
// What it guarantees:
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
type Console struct {
	svc    *oauthapp.Service
	auth   adminhttp.Authenticator
	cfg    config
	mux    *http.ServeMux
	pages  map[string]*template.Template
	assets map[string]asset
}

// asset is an embedded file as served.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

// New returns the console of the service, which asks auth who is signed
// in on each request, exactly as adminhttp.New does.
func New(svc *oauthapp.Service, auth adminhttp.Authenticator, opts ...Option) (*Console, error) {
	if svc == nil {
		return nil, fmt.Errorf("%w: nil service", ErrInvalidOption)
	}
	if auth == nil {
		return nil, fmt.Errorf("%w: nil authenticator", ErrInvalidOption)
	}
	cfg := defaults()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Console{svc: svc, auth: auth, cfg: cfg, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	if err := c.parse(); err != nil {
		return nil, err
	}
	c.loadAssets()
	p := cfg.prefix
	for pattern, h := range map[string]http.Handler{
		"GET " + p + "/{$}":                           c.page(c.list),
		"GET " + p + "/apps/new":                      c.page(c.newForm),
		"POST " + p + "/apps":                         c.page(c.create),
		"GET " + p + "/apps/{sid}":                    c.page(c.show),
		"POST " + p + "/apps/{sid}/rotate":            c.page(c.rotate),
		"POST " + p + "/apps/{sid}/keys":              c.page(c.addKey),
		"POST " + p + "/apps/{sid}/keys/{kid}/remove": c.page(c.removeKey),
		"GET " + p + "/apps/{sid}/delete":             c.page(c.confirmDelete),
		"POST " + p + "/apps/{sid}/delete":            c.page(c.delete),
		"GET " + p + "/assets/{name}":                 http.HandlerFunc(c.serveAsset),
	} {
		c.mux.Handle(pattern, h)
	}
	return c, nil
}

// ServeHTTP serves the console's pages. Every answer, a refusal or a
// missing page included, carries the security headers of the package
// documentation.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if _, pattern := c.mux.Handler(r); pattern == "" {
		c.render(w, http.StatusNotFound, "message", &view{Title: "Page not found", Error: "There is no such page in the console."})
		return
	}
	c.mux.ServeHTTP(w, r)
}

// page wraps the handler of a page: a state change from another origin
// is refused before anything else; then the visitor must be signed in,
// and in a role that manages apps.
func (c *Console) page(h func(w http.ResponseWriter, r *http.Request, v *view)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := crossorigin.Check(r); err != nil {
			c.render(w, http.StatusForbidden, "message", &view{Title: "Request refused",
				Error: "This request was sent from another site, so it was refused. Nothing was changed."})
			return
		}
		actor, err := c.auth(r)
		if err != nil {
			c.render(w, http.StatusUnauthorized, "message", &view{Title: "Not signed in",
				Error: "You are not signed in. Sign in to the service, then open the console again."})
			return
		}
		v := &view{Actor: actor}
		if !actor.Role.CanManageApps() {
			v.Title = "OAuth apps"
			v.Error = forbidden(actor)
			c.render(w, http.StatusForbidden, "message", v)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				v.Title, v.Error = "Form not read", "The form could not be read (too long, or not a form). Nothing was changed."
				c.render(w, http.StatusBadRequest, "message", v)
				return
			}
		}
		h(w, r, v)
	})
}

// render writes a page, whole: a template that fails leaves nothing half
// written.
func (c *Console) render(w http.ResponseWriter, status int, name string, v *view) {
	v.Prefix = c.cfg.prefix
	var buf bytes.Buffer
	if err := c.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		c.cfg.logger.Error("console: rendering a page failed", "page", name, "error", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// redirect answers a change with a See Other to a page of the console
// (after a change that shows no secret, so that reloading the page that
// follows changes nothing again).
func (c *Console) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, c.cfg.prefix+path, http.StatusSeeOther)
}

// parse parses each page with the layout.
func (c *Console) parse() error {
	layout, err := template.New("").Funcs(funcs).ParseFS(files, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("console: templates: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return fmt.Errorf("console: templates: %w", err)
	}
	for _, file := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(files, file)
		if err != nil {
			return fmt.Errorf("console: templates: %w", err)
		}
		c.pages[name] = t
	}
	return nil
}

// loadAssets reads the embedded stylesheet and script, and writes the
// theme's stylesheet.
func (c *Console) loadAssets() {
	c.assets = map[string]asset{}
	add := func(name, ctype string, body []byte) {
		sum := sha256.Sum256(body)
		c.assets[name] = asset{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	for name, ctype := range map[string]string{"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"} {
		body, _ := files.ReadFile("assets/" + name) // embedded: cannot fail
		add(name, ctype, body)
	}
	var theme bytes.Buffer
	theme.WriteString(":root {\n")
	names := make([]string, 0, len(c.cfg.theme))
	for name := range c.cfg.theme {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&theme, "  %s: %s;\n", name, c.cfg.theme[name])
	}
	theme.WriteString("}\n")
	add("theme.css", "text/css; charset=utf-8", theme.Bytes())
}

// serveAsset serves an embedded file; a browser revalidates it with its
// ETag.
func (c *Console) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := c.assets[r.PathValue("name")]
	if !ok {
		c.render(w, http.StatusNotFound, "message", &view{Title: "Page not found", Error: "There is no such page in the console."})
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	http.ServeContent(w, r, "", noTime, bytes.NewReader(a.body))
}
