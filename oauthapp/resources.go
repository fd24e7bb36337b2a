package oauthapp

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Limits on resource URIs (RFC 8707).
const (
	// MaxResourceLen is the longest resource URI, in bytes.
	MaxResourceLen = 512
	// MaxResources is how many resource URIs one app may be granted.
	MaxResources = 20
	// MaxServiceResources is how many resource URIs WithResources takes.
	MaxServiceResources = 100
)

// checkResource reports whether u is a resource URI RFC 8707 section 2
// allows: absolute, without a fragment. It quotes none of u: the caller
// knows which one it passed.
func checkResource(u string) error {
	if u == "" || len(u) > MaxResourceLen {
		return fmt.Errorf("a resource URI must be 1 to %d bytes", MaxResourceLen)
	}
	for i := 0; i < len(u); i++ {
		if u[i] <= ' ' || u[i] >= 0x7f {
			return fmt.Errorf("a resource URI holds printable ASCII without spaces")
		}
	}
	p, err := url.Parse(u)
	if err != nil || !p.IsAbs() {
		return fmt.Errorf("a resource URI must be an absolute URI")
	}
	if strings.ContainsRune(u, '#') {
		return fmt.Errorf("a resource URI must not have a fragment")
	}
	return nil
}

// normaliseResources returns uris sorted, each once; nil for none.
func normaliseResources(uris []string) []string {
	if len(uris) == 0 {
		return nil
	}
	out := slices.Clone(uris)
	slices.Sort(out)
	return slices.Compact(out)
}

// newResources checks an app's resource URIs against the service's and
// returns them in stored form.
func (s *Service) newResources(uris []string) ([]string, error) {
	if len(uris) > MaxResources {
		return nil, invalidArg("Resources", "%d resources, more than %d", len(uris), MaxResources)
	}
	for i, u := range uris {
		if err := checkResource(u); err != nil {
			return nil, invalidArg("Resources", "resource %d: %v", i+1, err)
		}
		if !slices.Contains(s.cfg.resources, u) {
			return nil, invalidArg("Resources", "resource %d is not one this service serves (WithResources)", i+1)
		}
	}
	return normaliseResources(uris), nil
}

// audienceFor returns the audience of a token the app asks for with the
// given resource parameter: the service's audience for "", else the
// resource itself when the app is granted it and the service still
// serves it. Anything else is ErrInvalidTarget.
func (s *Service) audienceFor(a *liveApp, resource string) (string, error) {
	if resource == "" {
		return s.cfg.audience, nil
	}
	if err := checkResource(resource); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidTarget, err)
	}
	if !slices.Contains(a.resources, resource) || !slices.Contains(s.cfg.resources, resource) {
		return "", fmt.Errorf("%w: the client may not have tokens for that resource", ErrInvalidTarget)
	}
	return resource, nil
}

// audience is the MintRequest.Audience of a token for aud: nil, the
// minter's own, for the service's audience.
func audience(aud, serviceAudience string) []string {
	if aud == serviceAudience {
		return nil
	}
	return []string{aud}
}
