package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
)

// view is what a page shows. Each page uses the fields it needs.
type view struct {
	// Title is the page's heading and the document's title.
	Title string
	// Prefix is the console's path, which every link starts with.
	Prefix string
	// Actor is who is signed in; zero on a page for a visitor who is not.
	Actor oauthapp.Actor
	// Notice says what the last change did; Error why a request was
	// refused, and Field, when set, which form field it is about.
	Notice, Error, Field string

	// The list of apps: a page of them, whether it is the first, and the
	// URL of the next page ("" on the last).
	Apps  []oauthapp.App
	First bool
	Next  string

	// App is the app a page is about.
	App *oauthapp.App
	// Secret is a client secret just made, on the answer to the POST that
	// made it and nowhere else.
	Secret string

	// Form is the create form's values, shown again when it is refused;
	// Permissions are its choices.
	Form        appForm
	Permissions []permissionChoice
	// Graces are the choices of a rotation's grace.
	Graces []graceChoice
	// Key is the add-key form's values, shown again when it is refused;
	// Algorithms are its choices.
	Key        keyForm
	Algorithms []string
}

// appForm is the create form.
type appForm struct {
	Name, Description, TTL string
	// Permissions is the free-text list of a console whose service has
	// no route catalog, one permission a line.
	Permissions string
}

// permissionChoice is one permission of the route catalog on the create
// form, with the routes it opens.
type permissionChoice struct {
	ID, Name, Routes string
	Checked          bool
}

// graceChoice is one choice of a rotation's grace.
type graceChoice struct {
	Seconds  int64
	Label    string
	Selected bool
}

// keyForm is the add-key form.
type keyForm struct {
	PEM, ID, Algorithm string
}

// noTime is the modification time of the embedded files: none.
var noTime time.Time

var funcs = template.FuncMap{
	"date":     date,
	"duration": duration,
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}

// date writes a time for people, in UTC to the minute; "never" for the
// zero time (a secret that does not expire, a key never used).
func date(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// duration writes a duration for people: "1 hour", "2 days 3 hours",
// "at once" for zero.
func duration(d time.Duration) string {
	if d <= 0 {
		return "at once"
	}
	var parts []string
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if n := d / u.d; n > 0 {
			s := fmt.Sprintf("%d %s", n, u.name)
			if n > 1 {
				s += "s"
			}
			parts = append(parts, s)
			d -= n * u.d
		}
	}
	return strings.Join(parts, " ")
}

// forbidden is the message for a role that may not manage apps.
func forbidden(a oauthapp.Actor) string {
	return fmt.Sprintf("Your role in this account (%s) cannot manage OAuth apps. Only its owners, administrators and developers can; ask one of them.", a.Role)
}
