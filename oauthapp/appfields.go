package oauthapp

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
)

// ServiceDefault, as AppUpdate.TokenTTL or AppUpdate.DefaultGrace,
// returns the app to the service's default (WithTokenTTL,
// WithDefaultGrace): the app's own value is dropped, and the app follows
// the service's setting from then on.
const ServiceDefault time.Duration = -1

// appFields are the fields of an app that CreateApp and UpdateApp both
// set, checked by the one function checkFields. A nil field is left as it
// is: on a create, at its zero value, which is the service's default for
// the token lifetime and the grace.
type appFields struct {
	name, description *string
	permissions       *Permissions
	// tokenTTL and grace are durations of the app's own, or
	// ServiceDefault.
	tokenTTL, grace *time.Duration
	resources       *[]string
	// dpopBound is whether the app's tokens must be DPoP-bound.
	dpopBound *bool
}

// fields are the fields of a new app.
func (n *NewApp) fields() appFields {
	f := appFields{name: &n.FriendlyName, description: &n.Description, permissions: &n.Permissions, grace: n.DefaultGrace, resources: &n.Resources, dpopBound: &n.DPoPBoundAccessTokens}
	if n.TokenTTL != 0 {
		f.tokenTTL = &n.TokenTTL
	}
	return f
}

// fields are the fields an update changes.
func (u *AppUpdate) fields() appFields {
	return appFields{name: u.FriendlyName, description: u.Description, permissions: u.Permissions, tokenTTL: u.TokenTTL, grace: u.DefaultGrace, resources: u.Resources, dpopBound: u.DPoPBoundAccessTokens}
}

// checkedFields are appFields that checkFields has accepted, in the form
// the store keeps.
type checkedFields struct {
	appFields
	storedPolicy    store.Policy
	storedResources []string
}

// checkFields checks the fields an app is created or updated with, by the
// same rules for both: a name of 1 to MaxFriendlyNameLen characters and a
// description of at most MaxDescriptionLen, neither with control
// characters; a policy that allows something; a token lifetime and a
// grace within their bounds, or ServiceDefault; resources the service
// serves. An invalid field is an *ArgumentError naming it.
func (s *Service) checkFields(f appFields) (checkedFields, error) {
	c := checkedFields{appFields: f}
	if f.name != nil {
		if err := checkField("FriendlyName", "friendly name", *f.name, MaxFriendlyNameLen); err != nil {
			return c, err
		}
		if *f.name == "" {
			return c, invalidArg("FriendlyName", "friendly name is required")
		}
	}
	if f.description != nil {
		if err := checkField("Description", "description", *f.description, MaxDescriptionLen); err != nil {
			return c, err
		}
	}
	if f.permissions != nil {
		p, err := newPolicy(*f.permissions)
		if err != nil {
			return c, err
		}
		if len(p.Allow) == 0 {
			return c, invalidArg("Permissions", "policy allows nothing")
		}
		c.storedPolicy = p
	}
	if f.tokenTTL != nil && *f.tokenTTL != ServiceDefault {
		if err := checkTTL(*f.tokenTTL); err != nil {
			return c, invalidArg("TokenTTL", "%v", err)
		}
	}
	if f.grace != nil && *f.grace != ServiceDefault {
		if err := checkGrace(*f.grace); err != nil {
			return c, invalidArg("DefaultGrace", "%v", err)
		}
	}
	if f.resources != nil {
		r, err := s.newResources(*f.resources)
		if err != nil {
			return c, err
		}
		c.storedResources = r
	}
	return c, nil
}

// apply writes the fields to a.
func (c checkedFields) apply(a *store.App) {
	if c.name != nil {
		a.FriendlyName = *c.name
	}
	if c.description != nil {
		a.Description = *c.description
	}
	if c.permissions != nil {
		a.Policy = c.storedPolicy
	}
	if c.tokenTTL != nil {
		a.TokenTTL = *c.tokenTTL
		if a.TokenTTL == ServiceDefault {
			a.TokenTTL = 0 // stored as "none of its own"
		}
	}
	if c.grace != nil {
		a.DefaultGrace = nil
		if *c.grace != ServiceDefault {
			a.DefaultGrace = Grace(*c.grace)
		}
	}
	if c.resources != nil {
		a.Resources = c.storedResources
	}
	if c.dpopBound != nil {
		a.DPoPBoundAccessTokens = *c.dpopBound
	}
}

// newPolicy checks and normalises permissions into their stored form.
func newPolicy(p Permissions) (store.Policy, error) {
	policy, err := scope.NewPolicy(p.Allow, p.Deny)
	if err != nil {
		return store.Policy{}, &ArgumentError{Argument: "Permissions", err: fmt.Errorf("%w: %w", ErrInvalidArgument, err)}
	}
	return store.Policy{Allow: policy.Allow(), Deny: policy.Deny()}, nil
}

func checkField(arg, what, v string, max int) error {
	if !utf8.ValidString(v) {
		return invalidArg(arg, "%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalidArg(arg, "%s has %d characters, more than %d", what, n, max)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return invalidArg(arg, "%s contains a control character", what)
		}
	}
	return nil
}

func checkTTL(ttl time.Duration) error {
	if ttl < MinTokenTTL || ttl > MaxTokenTTL {
		return fmt.Errorf("token TTL %v outside %v..%v", ttl, MinTokenTTL, MaxTokenTTL)
	}
	return nil
}

func checkGrace(grace time.Duration) error {
	if grace < 0 || grace > MaxGrace {
		return fmt.Errorf("grace %v outside 0..%v", grace, MaxGrace)
	}
	return nil
}
