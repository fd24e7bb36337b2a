package oauthapp

// The options of how clients authenticate beyond secrets: client
// assertions (private_key_jwt), federated credentials and DPoP proofs.

import (
	"fmt"
	"net/http"
	"time"
)

// WithAssertionLifetime bounds how far ahead a client assertion's exp may
// lie (private_key_jwt, RFC 7523): a client that signs assertions valid
// for longer is refused, so a leaked assertion is worth little. Between
// MinAssertionLifetime and MaxAssertionLifetime. Default:
// DefaultAssertionLifetime (an hour).
func WithAssertionLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d < MinAssertionLifetime || d > MaxAssertionLifetime {
			return fmt.Errorf("%w: WithAssertionLifetime: %v outside %v..%v", ErrInvalidOption, d, MinAssertionLifetime, MaxAssertionLifetime)
		}
		c.assertionLife = d
		return nil
	}
}

// WithAssertionAudienceIssuerOnly makes a client assertion's aud have to
// be the issuer identifier (WithIssuer), as draft-ietf-oauth-rfc7523bis
// and FAPI 2.0 ask: then no assertion signed for any other URL of this
// server, the token endpoint's included, authenticates. Default: the
// issuer or the URL of the endpoint the assertion is sent to, either as
// a single string; an array is refused either way.
func WithAssertionAudienceIssuerOnly() Option {
	return func(c *config) error {
		c.assertionIssuerOnly = true
		return nil
	}
}

// WithIssuerHTTPClient sets the client that fetches the discovery
// documents and JWK Sets of federated issuers (FederatedCredential), for a
// host's proxies and trust roots. Its Timeout, when shorter than 10 s,
// bounds each fetch instead of 10 s; redirects are never followed. Default:
// a client that connects only to public addresses (never loopback,
// private, shared or link-local ones, checked on the address dialed, after
// name resolution) and uses no proxy; a host's own client connects where
// it allows. Documents are limited to 64 KiB (discovery) and 256 KiB (JWK
// Set).
func WithIssuerHTTPClient(c *http.Client) Option {
	return func(cfg *config) error {
		if c == nil {
			return fmt.Errorf("%w: nil issuer HTTP client", ErrInvalidOption)
		}
		cfg.issuers.client = c
		return nil
	}
}

// WithUnsafeHTTPIssuers lets federated credentials name an http issuer on
// a loopback host (localhost, 127.0.0.0/8, ::1), and lets the default
// client (WithIssuerHTTPClient) connect to loopback addresses: for tests
// with a stand-in issuer on httptest.NewServer. Never in production: an
// http issuer's keys can be changed by anyone on the path. Default: https
// issuers only.
func WithUnsafeHTTPIssuers() Option {
	return func(cfg *config) error {
		cfg.issuers.allowHTTP = true
		return nil
	}
}

// WithDPoPProofAge sets how long after its iat a DPoP proof is accepted
// (RFC 9449 section 11.1), between MinDPoPProofAge and MaxDPoPProofAge.
// It is also how long its jti is remembered to refuse a replay, and so
// how long a proof copied off one API request may be replayed at another
// instance. Default: DefaultDPoPProofAge (a minute).
func WithDPoPProofAge(d time.Duration) Option {
	return func(c *config) error {
		if d < MinDPoPProofAge || d > MaxDPoPProofAge {
			return fmt.Errorf("%w: WithDPoPProofAge: %v outside %v..%v", ErrInvalidOption, d, MinDPoPProofAge, MaxDPoPProofAge)
		}
		c.dpop.proofAge = d
		return nil
	}
}

// WithDPoPReplayCache sets how many DPoP proofs an instance remembers, at
// most, to refuse their replay at its API (AuthorizeDPoP): proofs are
// forgotten once their window (WithDPoPProofAge) has passed, and while
// the cache is full of fresh ones a new proof is refused, never one
// forgotten early. Each costs about 40 bytes. At least 1024. Default:
// DefaultDPoPReplayEntries.
func WithDPoPReplayCache(entries int) Option {
	return func(c *config) error {
		if entries < 1024 {
			return fmt.Errorf("%w: WithDPoPReplayCache: %d entries, fewer than 1024", ErrInvalidOption, entries)
		}
		c.dpop.replayEntries = entries
		return nil
	}
}

// WithDPoPNonces makes every DPoP proof carry a nonce of the server's
// (RFC 9449 sections 8 and 9), at the token endpoint and at the API: a
// proof without a current one is ErrUseDPoPNonce, and Metadata's
// DPoPNonce gives the nonce to send. A nonce is accepted for lifetime after it was made
// (MinDPoPNonceLifetime to MaxDPoPNonceLifetime), by every instance
// given the same key (at least 32 random bytes; the key-encryption key
// will do: the nonce key is derived from it, never used as it is), with
// no store access. It takes the freshness of a proof from the server's
// clock rather than the client's, and a lifetime shorter than the proof
// window (WithDPoPProofAge) narrows the time a copied proof may be
// replayed at another instance to that lifetime. Default: no nonces.
func WithDPoPNonces(key []byte, lifetime time.Duration) Option {
	return func(c *config) error {
		switch {
		case len(key) < 32:
			return fmt.Errorf("%w: WithDPoPNonces: a key of %d bytes, fewer than 32", ErrInvalidOption, len(key))
		case lifetime < MinDPoPNonceLifetime || lifetime > MaxDPoPNonceLifetime:
			return fmt.Errorf("%w: WithDPoPNonces: lifetime %v outside %v..%v", ErrInvalidOption, lifetime, MinDPoPNonceLifetime, MaxDPoPNonceLifetime)
		}
		c.dpop.nonceKey, c.dpop.nonceLife = append([]byte(nil), key...), lifetime
		return nil
	}
}
