package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// DPoP (RFC 9449): the window of a proof and the bounds of its options.
const (
	// DefaultDPoPProofAge is how long after its iat a DPoP proof is
	// accepted unless WithDPoPProofAge says otherwise: a minute. A proof
	// is accepted once per instance (once across every instance at the
	// token endpoint) within that window, so it is also how long a proof
	// copied off one API request can be replayed at another instance.
	DefaultDPoPProofAge = time.Minute
	// MinDPoPProofAge and MaxDPoPProofAge bound WithDPoPProofAge.
	MinDPoPProofAge = 5 * time.Second
	MaxDPoPProofAge = 5 * time.Minute
	// DPoPProofLeeway is how far ahead of the service's clock a proof's
	// iat may lie: the client's clock may run a little fast.
	DPoPProofLeeway = 5 * time.Second
	// DefaultDPoPReplayEntries is how many proofs an instance remembers
	// at most to refuse a replay at its API (WithDPoPReplayCache): with
	// the default window, about 14,000 DPoP requests a second, in about
	// 40 MB at most.
	DefaultDPoPReplayEntries = 1 << 20
	// MinDPoPNonceLifetime and MaxDPoPNonceLifetime bound
	// WithDPoPNonces' lifetime.
	MinDPoPNonceLifetime = 5 * time.Second
	MaxDPoPNonceLifetime = MaxDPoPProofAge
	// maxProofIDLen bounds the jti of a proof kept for replay detection.
	maxProofIDLen = 256
	// proofRecordPrefix begins the name under which the store keeps the
	// jti of a token endpoint proof (store.AssertionIDs), followed by the
	// thumbprint of its key: no client id begins so.
	proofRecordPrefix = "dpop:"
)

// TokenTypeDPoP and TokenTypeBearer are the token_type of a DPoP-bound
// and of a bearer access token (RFC 9449 section 5, RFC 6750).
const (
	TokenTypeDPoP   = "DPoP"
	TokenTypeBearer = "Bearer"
)

// DPoPProof is a DPoP proof (RFC 9449 section 4) as the HTTP layer took it
// from an API request.
type DPoPProof struct {
	// JWT is the value of the request's one DPoP header.
	JWT string
	// Method is the request's method, which the proof's htm must be.
	Method string
	// URL is the request's URL as clients reach the API, which the
	// proof's htu must be, query and fragment aside: built from the
	// configured base URL and the request's path, never from its Host
	// header, which the client writes.
	URL string
}

// dpopConfig holds the DPoP options.
type dpopConfig struct {
	proofAge      time.Duration // WithDPoPProofAge
	replayEntries int           // WithDPoPReplayCache
	nonceKey      []byte        // WithDPoPNonces; nil: no nonces
	nonceLife     time.Duration
}

// dpopState is what a Service keeps for DPoP: the proofs its API has
// accepted lately, and its nonces.
type dpopState struct {
	cfg    dpopConfig
	seen   *proofCache
	nonces *nonces // nil without WithDPoPNonces
}

func newDPoP(cfg dpopConfig) *dpopState {
	d := &dpopState{cfg: cfg, seen: newProofCache(cfg.replayEntries)}
	if cfg.nonceKey != nil {
		d.nonces = newNonces(cfg.nonceKey, cfg.nonceLife)
	}
	return d
}

// rules are the rules of a proof of the request method at u, sent with
// the access token accessToken ("" at the token endpoint).
func (d *dpopState) rules(method, u, accessToken string) token.ProofRules {
	return token.ProofRules{Method: method, URL: u, MaxAge: d.cfg.proofAge, Leeway: DPoPProofLeeway, AccessToken: accessToken}
}

// until is when a proof's record may go: once its iat window has passed.
func (d *dpopState) until(p token.Proof) time.Time { return p.IssuedAt.Add(d.cfg.proofAge) }

// nonceSource is Metadata.DPoPNonce: a nonce of the clock's second, or
// nil when nonces are off.
func (d *dpopState) nonceSource(clock func() time.Time) func() string {
	if d.nonces == nil {
		return nil
	}
	return func() string { return d.nonces.issue(clock()) }
}

// AuthorizeDPoP is Authorize for a request whose Authorization header has
// the DPoP scheme (RFC 9449 section 7): accessToken must be bound to a
// DPoP key (cnf.jkt) and proof must be a valid proof of that key for this
// request, made for this token, never seen before by this instance within
// its window (WithDPoPProofAge), and carrying a current nonce under
// WithDPoPNonces. Then every check of Authorize applies.
//
// Errors: those of Authorize; ErrInvalidDPoPProof
// (ReasonInvalidDPoPProof) for a proof that is malformed, of an algorithm
// outside token.ProofAlgorithms, for another method, URL or token, stale
// or replayed; ErrUseDPoPNonce (ReasonUseDPoPNonce) for a proof without a
// current nonce; ErrInvalidToken (ReasonInvalidToken) for a token bound to
// another key or to none, the audit event's Detail saying which.
//
// A replay is refused in memory, per instance: a proof copied off one
// request may be replayed once at each other instance while its window
// lasts, a minute by default, less with short-lived nonces. A call costs
// one signature verification more than Authorize, the proof's: the token
// itself is found in the verified-token cache (WithTokenCache) as
// Authorize finds it, its binding with it. It costs no store access.
func (s *Service) AuthorizeDPoP(ctx context.Context, accessToken string, proof DPoPProof, res Resource) (Identity, error) {
	if s.cfg.observer.Authorization != nil {
		return s.observeAuthorize(ctx, accessToken, &proof, res)
	}
	return s.authorize(ctx, accessToken, &proof, res)
}

// The refusals of a DPoP request, besides those of proofRefusals. A
// token presented against its binding is an invalid token, its Detail
// saying how.
var (
	refusedNoProof       = refuseWith(ReasonInvalidDPoPProof, "the app requires DPoP-bound tokens and the request has no DPoP proof")
	refusedNoEndpoint    = refuseWith(ReasonInvalidDPoPProof, "the token request names no endpoint URL to check htu against")
	refusedLongProofID   = refuseWith(ReasonInvalidDPoPProof, "proof jti longer than "+strconv.Itoa(maxProofIDLen)+" bytes")
	refusedProofReplayed = refuseWith(ReasonInvalidDPoPProof, "proof replayed: its jti was used before")
	refusedProofsFull    = refuseWith(ReasonInvalidDPoPProof, "too many recent proofs to remember another (WithDPoPReplayCache)")
	refusedProof         = refuseWith(ReasonInvalidDPoPProof, "proof refused")
	refusedNoNonce       = refuse(ReasonUseDPoPNonce, nil)
	refusedBoundAsBearer = refuseWith(ReasonInvalidToken, "a DPoP-bound token presented as a bearer token")
	refusedUnbound       = refuseWith(ReasonInvalidToken, "a bearer token presented with the DPoP scheme")
	refusedBearerOfApp   = refuseWith(ReasonInvalidToken, "the app requires DPoP-bound tokens and this one is a bearer token")
	refusedOtherKey      = refuseWith(ReasonInvalidToken, "the DPoP proof's key is not the one the token is bound to (cnf.jkt)")
)

// proofRefusals are the refusals of the proofs token.VerifyProof
// refuses, by its error.
var proofRefusals = []tokenRefusal{
	{token.ErrTooLarge, refuseWith(ReasonInvalidDPoPProof, "proof too large")},
	{token.ErrMalformed, refuseWith(ReasonInvalidDPoPProof, "malformed proof")},
	{token.ErrType, refuseWith(ReasonInvalidDPoPProof, "proof typ is not dpop+jwt")},
	{token.ErrAlgorithm, refuseWith(ReasonInvalidDPoPProof, "proof algorithm is not an asymmetric one of its key's type")},
	{token.ErrInvalidKey, refuseWith(ReasonInvalidDPoPProof, "proof jwk is not a public key of a supported type")},
	{token.ErrMissingClaim, refuseWith(ReasonInvalidDPoPProof, "proof lacks jti, htm, htu or iat")},
	{token.ErrProofMethod, refuseWith(ReasonInvalidDPoPProof, "proof htm is not the request's method")},
	{token.ErrProofURL, refuseWith(ReasonInvalidDPoPProof, "proof htu is not the request's URL")},
	{token.ErrExpired, refuseWith(ReasonInvalidDPoPProof, "proof iat too old")},
	{token.ErrNotYetValid, refuseWith(ReasonInvalidDPoPProof, "proof iat in the future")},
	{token.ErrProofTokenHash, refuseWith(ReasonInvalidDPoPProof, "proof ath is not the access token's hash")},
	{token.ErrSignature, refuseWith(ReasonInvalidDPoPProof, "proof signature does not verify")},
}

// proofRefusal is the refusal of an error of token.VerifyProof.
func proofRefusal(err error) *refusal {
	return refusalFor(err, proofRefusals, refusedProof)
}

// tokenBinding checks the DPoP proof of a token request at now, for the
// app a of the authenticated client, and returns the thumbprint the
// token is bound to: "" for a request without a proof from an app that
// does not require one. A good proof's jti is recorded in the store,
// across every instance sharing it, until its window ends.
func (s *Service) tokenBinding(ctx context.Context, now time.Time, req TokenRequest, a *liveApp) (string, error) {
	switch {
	case req.DPoP == "" && a.dpopBound:
		return "", refusedNoProof
	case req.DPoP == "":
		return "", nil
	case req.Endpoint == "":
		return "", refusedNoEndpoint
	}
	p, err := token.VerifyProof(now, req.DPoP, s.dpop.rules(http.MethodPost, req.Endpoint, ""))
	if err != nil {
		return "", proofRefusal(err)
	}
	if err := s.checkNonce(p, now); err != nil {
		return "", err
	}
	if len(p.ID) > maxProofIDLen {
		return "", refusedLongProofID
	}
	err = s.store.UseAssertionID(ctx, proofRecordPrefix+p.Thumbprint, p.ID, s.dpop.until(p), now)
	if errors.Is(err, store.ErrAlreadyExists) {
		return "", refusedProofReplayed
	}
	if err != nil {
		return "", fmt.Errorf("oauthapp: recording a DPoP proof id: %w", err)
	}
	return p.Thumbprint, nil
}

// checkNonce refuses a proof without a current nonce, under
// WithDPoPNonces.
func (s *Service) checkNonce(p token.Proof, now time.Time) error {
	if s.dpop.nonces != nil && !s.dpop.nonces.valid(p.Nonce, now) {
		return refusedNoNonce
	}
	return nil
}

// checkBinding checks how the token of id, of the app a, was presented:
// with proof (the DPoP scheme) or without (nil: the Bearer scheme). It
// returns the checked proof, whose jti useProof records once every other
// check has passed.
func (s *Service) checkBinding(id Identity, a *liveApp, accessToken string, proof *DPoPProof) (*token.Proof, error) {
	switch {
	case proof == nil && id.DPoPThumbprint != "":
		return nil, refusedBoundAsBearer
	case proof == nil && bearerOfBoundApp(id, a):
		return nil, refusedBearerOfApp
	case proof == nil:
		return nil, nil
	case id.DPoPThumbprint == "":
		return nil, refusedUnbound
	}
	now := s.now()
	p, err := token.VerifyProof(now, proof.JWT, s.dpop.rules(proof.Method, proof.URL, accessToken))
	if err != nil {
		return nil, proofRefusal(err)
	}
	if p.Thumbprint != id.DPoPThumbprint {
		return nil, refusedOtherKey
	}
	if err := s.checkNonce(p, now); err != nil {
		return nil, err
	}
	return &p, nil
}

// bearerOfBoundApp reports whether the token of id is a bearer token of
// an app that requires DPoP-bound ones: no longer good for anything.
func bearerOfBoundApp(id Identity, a *liveApp) bool {
	return a.dpopBound && id.DPoPThumbprint == ""
}

// useProof records the jti of an API request's proof in this instance's
// memory, refusing one already there.
func (s *Service) useProof(p *token.Proof) error {
	switch s.dpop.seen.use(p.Thumbprint, p.ID, s.dpop.until(*p), s.now()) {
	case proofReplayed:
		return refusedProofReplayed
	case proofCacheFull:
		return refusedProofsFull
	}
	return nil
}
