package console

import (
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// DefaultPrefix is the path the console is mounted under unless
// WithPrefix says otherwise.
const DefaultPrefix = "/console"

// Option configures a Console. New checks every option: an invalid value
// is an error from New (wrapping ErrInvalidOption), never a panic later.
type Option func(*config) error

type config struct {
	prefix string
	logger *slog.Logger
	theme  map[string]string
}

func defaults() config {
	return config{prefix: DefaultPrefix, logger: slog.New(slog.DiscardHandler)}
}

// WithPrefix sets the path the console is mounted under: one that starts
// with "/", does not end with one, and holds no wildcard, space or
// percent sign. The host routes prefix+"/" to the console. Default:
// DefaultPrefix ("/console").
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix == "" || prefix[0] != '/' || strings.HasSuffix(prefix, "/") || strings.ContainsAny(prefix, "{} %?#\"'<>\\\t\r\n") {
			return fmt.Errorf("%w: WithPrefix: want a path like /console, without a trailing slash or wildcards", ErrInvalidOption)
		}
		c.prefix = prefix
		return nil
	}
}

// WithLogger sets where the console logs failures of the server (the
// pages that say something failed on the server): the error, never a
// form's values or a secret. Default: a logger that discards everything.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return fmt.Errorf("%w: WithLogger: nil logger", ErrInvalidOption)
		}
		c.logger = logger
		return nil
	}
}

// themeProperties are the CSS custom properties of the console's
// stylesheet that WithTheme may set: the page's background and text,
// muted text, the surface of panels, borders, the accent of links and
// buttons and the text on it, the colour of a danger button and the text
// on it, the focus ring, the corner radius and the font family.
var themeProperties = []string{
	"--console-bg", "--console-fg", "--console-muted", "--console-surface", "--console-border",
	"--console-accent", "--console-accent-fg", "--console-danger", "--console-danger-fg",
	"--console-focus", "--console-radius", "--console-font",
}

// themeValue is what a theme's value may hold: colours (#hex, rgb(...),
// named), lengths and font lists; no quote, semicolon, brace or
// backslash, so that it cannot end its declaration.
var themeValue = regexp.MustCompile(`^[A-Za-z0-9#%(),./ -]{1,200}$`)

// WithTheme sets CSS custom properties of the console's stylesheet, by
// name, to match the host's look: --console-bg, --console-fg,
// --console-muted, --console-surface, --console-border, --console-accent,
// --console-accent-fg, --console-danger, --console-danger-fg,
// --console-focus, --console-radius and --console-font. A value is up to
// 200 characters of letters, digits, spaces and # % ( ) , . / -, such as
// "#0b57d0", "rgb(11 87 208)" or "system-ui, sans-serif". The console
// serves them as a stylesheet of its own, after its defaults, so the
// Content-Security-Policy needs no inline style. Choose colours whose
// contrast stays at least 4.5:1. Default: the console's own colours,
// light or dark as the browser prefers.
func WithTheme(properties map[string]string) Option {
	return func(c *config) error {
		theme := make(map[string]string, len(properties))
		for name, value := range properties {
			if !slices.Contains(themeProperties, name) {
				return fmt.Errorf("%w: WithTheme: %q is not one of the console's properties %v", ErrInvalidOption, name, themeProperties)
			}
			if !themeValue.MatchString(value) {
				return fmt.Errorf("%w: WithTheme: the value of %s must be 1 to 200 letters, digits, spaces and #%%(),./-", ErrInvalidOption, name)
			}
			theme[name] = value
		}
		c.theme = theme
		return nil
	}
}
