package oauthapp

import (
	"encoding/base64"
	"slices"
	"time"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/token"
)

// Metadata is how a Service was configured, for code that works beside
// it: an HTTP face that publishes the issuer, the keys and the catalog's
// permissions, a console that lists them, a rate limiter that follows the
// service's clock. New computes it once; it never changes.
type Metadata struct {
	// Issuer is the iss claim of the service's tokens (WithIssuer).
	Issuer string
	// Audience is the aud claim of a token issued without a resource
	// (WithAudience): the value a resource server checks for by default.
	Audience string
	// Resources are the resource URIs (RFC 8707) the service also issues
	// tokens for (WithResources), sorted; nil for none.
	Resources []string
	// Regions are the regions the service serves (WithRegions); the
	// first is the default.
	Regions []string
	// Catalog is the route catalog (WithCatalog), or nil.
	Catalog *scope.Catalog
	// Keys is the key set the service signs and verifies with, for
	// publishing its JWKS document.
	Keys *token.KeySet
	// MaxTokenSize is the length in bytes of the longest token the
	// service can mint, and so the longest it accepts: enough for the
	// widest scope a policy, a request or a full grant from the catalog
	// can give.
	MaxTokenSize int
	// Clock is the service's clock (WithClock; time.Now by default).
	// Code that works beside the service, such as a rate limiter in
	// front of its token endpoint, reads the time here so that it
	// follows a test's fake clock too.
	Clock func() time.Time
	// DPoPNonce returns a nonce for a DPoP-Nonce header (RFC 9449
	// sections 8 and 9), which every instance given the same key by
	// WithDPoPNonces accepts for the nonce lifetime from now, with no
	// store read; it is nil when nonces are off (the default). Package
	// oauthhttp sends one with every answer to a DPoP request; a host
	// that writes its own endpoints does the same.
	DPoPNonce func() string
}

// Metadata returns how the service was configured. The slices are the
// caller's own copies.
func (s *Service) Metadata() Metadata {
	m := s.meta
	m.Resources = slices.Clone(m.Resources)
	m.Regions = slices.Clone(m.Regions)
	return m
}

// newMetadata is the Metadata of a service of cfg on keys, whose DPoP
// nonces come from nonce.
func newMetadata(cfg *config, keys *token.KeySet, maxToken int, nonce func() string) Metadata {
	return Metadata{
		Issuer:       cfg.issuer,
		Audience:     cfg.audience,
		Resources:    slices.Clone(cfg.resources),
		Regions:      slices.Clone(cfg.regions),
		Catalog:      cfg.catalog,
		Keys:         keys,
		MaxTokenSize: maxToken,
		Clock:        cfg.clock,
		DPoPNonce:    nonce,
	}
}

// maxTokenSize is the longest token the service can mint, so the longest
// it must accept: the widest scope (a policy or a request of
// MaxPolicyEntries permissions, each MaxPermissionLen long, which need no
// JSON escaping, plus every catalog permission a full grant may list),
// the issuer and the audience, base64url-encoded, on top of
// token.DefaultMaxSize for the header, the other claims and the
// signature.
func maxTokenSize(cfg *config) int {
	// The issuer and audience at their longest JSON escaping (\u00XX).
	aud := len(cfg.audience)
	for _, r := range cfg.resources {
		aud = max(aud, len(r))
	}
	widest := scope.MaxPolicyEntries*(scope.MaxPermissionLen+1) + 6*(len(cfg.issuer)+aud)
	if cfg.catalog != nil {
		// A full grant may replace wildcards with catalog permissions.
		for _, p := range cfg.catalog.Permissions() {
			widest += len(p) + 1
		}
	}
	return token.DefaultMaxSize + base64.RawURLEncoding.EncodedLen(widest)
}

// maxValidatorSize is the most token.WithMaxSize accepts, and so the
// longest token a service may mint.
const maxValidatorSize = 1 << 20
