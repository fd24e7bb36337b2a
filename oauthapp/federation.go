package oauthapp

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Limits on federated credentials.
const (
	// maxFederatedCredentials is how many federated credentials one app
	// may hold.
	maxFederatedCredentials = 20
	// maxCredentialNameLen bounds a credential's name, in characters.
	maxCredentialNameLen = 120
	// maxIssuerLen bounds an issuer URL, in bytes.
	maxIssuerLen = 512
	// maxClaimValueLen bounds a credential's subject and audience, in
	// bytes.
	maxClaimValueLen = 600
	// federatedSIDPrefix starts the id of a federated credential.
	federatedSIDPrefix = "FC"
	// federatedCredential is the prefix that tells, in a token's
	// secret_id claim, the id of the federated credential that obtained
	// it (as keyCredential does for a client key).
	federatedCredential = "fed:"
)

// FederatedCredential is an external identity an app trusts (workload
// identity federation): a JWT signed by Issuer, whose sub is Subject and
// whose aud holds Audience, authenticates the app's client at the token
// endpoint in place of a secret, as a client assertion
// (client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer)
// sent with the app's SID as client_id. A Kubernetes service account
// token, a GitHub Actions OIDC token, a SPIFFE JWT-SVID or another
// cloud's identity token all fit: the service fetches the issuer's keys
// by OpenID Connect discovery (see WithIssuerHTTPClient).
//
// AddFederatedCredential reads Name, Issuer, Subject, Audience and
// Description and sets ID and Created; App.FederatedCredentials lists
// them.
type FederatedCredential struct {
	// ID is the credential's id ("FC" + 32 hex), set by the service; a
	// token obtained with the credential names it, and stops authorizing
	// once the credential is removed.
	ID string
	// Name names the credential for people: 1 to 120 letters, digits,
	// '-', '_' or '.', starting with a letter or a digit; unique within
	// the app.
	Name string
	// Issuer is the issuer's URL, exactly as its tokens' iss writes it:
	// https, with a host, and without user information, query or
	// fragment, in its canonical form (a lowercase scheme, no escapes a
	// URL parser would rewrite), at most 512 bytes. Its OpenID Connect
	// discovery document is read at Issuer + "/.well-known/openid-configuration",
	// and must name Issuer as its issuer. An http URL is accepted only
	// for a loopback host, and only under WithUnsafeHTTPIssuers.
	Issuer string
	// Subject is the sub the external token must carry, compared
	// exactly: "system:serviceaccount:NAMESPACE:NAME" for a Kubernetes
	// service account, "repo:ORG/REPO:ref:refs/heads/main" for a GitHub
	// Actions workflow. 1 to 600 bytes of text without control
	// characters. Issuer and Subject together are unique within the app.
	Subject string
	// Audience is the value the external token's aud must hold (as its
	// one string, or in its array): the audience the workload asks its
	// issuer for. 1 to 600 bytes of text without control characters.
	Audience string
	// Description is optional free text, under the rules of
	// NewApp.Description.
	Description string
	// Created is when the credential was added, by the service's clock;
	// set by the service.
	Created time.Time
}

// AddFederatedCredential adds a federated credential to an app, with which
// a workload holding a token of that issuer for that subject authenticates
// as the app's client from now on, on every instance sharing the store.
// The credential is checked before anything is written (the issuer's URL
// included; nothing is fetched): a bad one is ErrInvalidArgument, as is a
// name, or an issuer and subject, the app already holds, and a credential
// beyond the 20 an app may have. It returns the app as saved; its
// credential is the last of App.FederatedCredentials.
//
// The actor is checked first, on the stored app: an actor who may not
// manage it gets ErrForbidden (or ErrNotFound) whatever c holds.
// ifVersion, when not zero, makes the addition conditional on the app's
// Version, as for AddClientKey.
func (s *Service) AddFederatedCredential(ctx context.Context, actor Actor, appSID string, c FederatedCredential, ifVersion int64) (App, error) {
	return s.change(ctx, actor, appSID, ifVersion, func(a *store.App, now time.Time) (Event, error) {
		rec, err := s.newFederated(c, now)
		if err != nil {
			return Event{}, err
		}
		if err := addFederated(a.FederatedCredentials, rec); err != nil {
			return Event{}, err
		}
		a.FederatedCredentials = append(slices.Clip(a.FederatedCredentials), rec)
		return Event{Kind: EventFederatedCredentialAdded, CredentialID: rec.ID}, nil
	})
}

// RemoveFederatedCredential removes a federated credential from an app by
// its ID. Tokens of its issuer stop authenticating the app at once, and
// every access token obtained with one stops authorizing (R7); on other
// instances sharing the store, within their cache's staleness bound
// (WithCache). An id the app does not hold is ErrInvalidArgument.
// ifVersion, when not zero, makes the removal conditional, as for
// AddClientKey.
func (s *Service) RemoveFederatedCredential(ctx context.Context, actor Actor, appSID, credentialID string, ifVersion int64) (App, error) {
	return s.change(ctx, actor, appSID, ifVersion, func(a *store.App, _ time.Time) (Event, error) {
		i := slices.IndexFunc(a.FederatedCredentials, func(c store.FederatedCredential) bool { return c.ID == credentialID })
		if i < 0 {
			return Event{}, invalidArg("credentialID", "the app has no federated credential with that id")
		}
		a.FederatedCredentials = slices.Delete(slices.Clone(a.FederatedCredentials), i, i+1)
		return Event{Kind: EventFederatedCredentialRemoved, CredentialID: credentialID}, nil
	})
}

// newFederated checks a credential to add and returns its stored form,
// with a new id.
func (s *Service) newFederated(c FederatedCredential, now time.Time) (store.FederatedCredential, error) {
	if err := checkCredentialName(c.Name); err != nil {
		return store.FederatedCredential{}, err
	}
	if err := checkIssuerURL(c.Issuer, s.cfg.issuers.allowHTTP); err != nil {
		return store.FederatedCredential{}, &ArgumentError{Argument: "Issuer", err: fmt.Errorf("%w: issuer: %w", ErrInvalidArgument, err)}
	}
	for _, f := range [...]struct{ arg, what, v string }{{"Subject", "subject", c.Subject}, {"Audience", "audience", c.Audience}} {
		if f.v == "" || len(f.v) > maxClaimValueLen {
			return store.FederatedCredential{}, invalidArg(f.arg, "%s must be 1 to %d bytes", f.what, maxClaimValueLen)
		}
		if err := checkField(f.arg, f.what, f.v, maxClaimValueLen); err != nil {
			return store.FederatedCredential{}, err
		}
	}
	if err := checkField("Description", "description", c.Description, MaxDescriptionLen); err != nil {
		return store.FederatedCredential{}, err
	}
	return store.FederatedCredential{
		ID: newSID(federatedSIDPrefix), Name: c.Name, Issuer: c.Issuer, Subject: c.Subject,
		Audience: c.Audience, Description: c.Description, Created: now,
	}, nil
}

// addFederated checks that rec may join an app's credentials have.
func addFederated(have []store.FederatedCredential, rec store.FederatedCredential) error {
	switch {
	case len(have) >= maxFederatedCredentials:
		return invalidArg("FederatedCredentials", "the app already has %d federated credentials, the most it may have", maxFederatedCredentials)
	case slices.ContainsFunc(have, func(o store.FederatedCredential) bool { return o.Name == rec.Name }):
		return invalidArg("Name", "the app already has a federated credential of that name")
	case slices.ContainsFunc(have, func(o store.FederatedCredential) bool { return o.Issuer == rec.Issuer && o.Subject == rec.Subject }):
		return invalidArg("Subject", "the app already has a federated credential for that issuer and subject")
	}
	return nil
}

// newFederatedCredentials checks the credentials of a new app.
func (s *Service) newFederatedCredentials(cs []FederatedCredential, now time.Time) ([]store.FederatedCredential, error) {
	var out []store.FederatedCredential
	for i, c := range cs {
		rec, err := s.newFederated(c, now)
		if err == nil {
			err = addFederated(out, rec)
		}
		if err != nil {
			// As for client keys: the message says which entry, and
			// errors.As still finds the entry's own member.
			return nil, &ArgumentError{Argument: "FederatedCredentials", err: fmt.Errorf("federated credential %d: %w", i+1, err)}
		}
		out = append(out, rec)
	}
	return out, nil
}

// checkCredentialName applies the rules of FederatedCredential.Name.
func checkCredentialName(name string) error {
	ok := name != "" && utf8.RuneCountInString(name) <= maxCredentialNameLen
	for i, r := range name {
		letter := r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
		if !letter && (i == 0 || !strings.ContainsRune("-_.", r)) {
			ok = false
		}
	}
	if !ok {
		return invalidArg("Name", "name must be 1 to %d ASCII letters, digits, '-', '_' or '.', starting with a letter or a digit", maxCredentialNameLen)
	}
	return nil
}

// federatedViews lists an app's federated credentials for callers.
func federatedViews(creds []store.FederatedCredential) []FederatedCredential {
	if len(creds) == 0 {
		return nil
	}
	out := make([]FederatedCredential, len(creds))
	for i, c := range creds {
		out[i] = FederatedCredential(c)
	}
	return out
}

// federated returns the app's credential for the issuer and subject, or
// nil.
func (a *liveApp) federated(issuer, subject string) *store.FederatedCredential {
	for i := range a.federatedCreds {
		if c := &a.federatedCreds[i]; c.Issuer == issuer && c.Subject == subject {
			return c
		}
	}
	return nil
}

// hasFederated reports whether the app still holds the credential id.
func (a *liveApp) hasFederated(id string) bool {
	return slices.ContainsFunc(a.federatedCreds, func(c store.FederatedCredential) bool { return c.ID == id })
}

// federatedFor returns the app a client assertion names by client id when
// the assertion is a federated token for it: its iss is not the client id
// and one of the app's credentials has that issuer. Otherwise it returns
// nil, and the assertion is read as the client's own (private_key_jwt).
func (s *Service) federatedFor(ctx context.Context, now time.Time, as Assertion) (*liveApp, token.Assertion, error) {
	if as.ClientID == "" || !isSID(appSIDPrefix, as.ClientID) {
		return nil, token.Assertion{}, nil
	}
	peek, err := token.PeekAssertion(as.JWT)
	if err != nil || peek.Issuer == as.ClientID {
		return nil, token.Assertion{}, nil
	}
	a, err := s.lookupApp(ctx, as.ClientID, now)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, token.Assertion{}, nil
	case err != nil:
		return nil, token.Assertion{}, err
	}
	if !slices.ContainsFunc(a.federatedCreds, func(c store.FederatedCredential) bool { return c.Issuer == peek.Issuer }) {
		return nil, token.Assertion{}, nil
	}
	return a, peek, nil
}

// federatedRefusal is why a federated token was refused: the audit
// event's reason, the caller always getting ErrInvalidClient.
type federatedRefusal string

// Reasons of a refused federated token.
const (
	fedNoCredential federatedRefusal = "federated token: no credential of the app has its issuer and subject"
	fedWrongRegion  federatedRefusal = "federated token: client of another region"
	fedRefused      federatedRefusal = "federated token refused"
	fedUnknownKey   federatedRefusal = "federated token: its issuer publishes no key of its kid and alg"
	fedIssuerDown   federatedRefusal = "federated token: the issuer's keys could not be fetched"
)

// refuseFederated is the one way a federated token is refused: the audit
// event says why (with detail, never the token), the observer hears
// ReasonBadAssertion, and the caller gets ErrInvalidClient.
func (s *Service) refuseFederated(ctx context.Context, appSID string, why federatedRefusal, detail string) error {
	cause := string(why)
	if detail != "" {
		cause += ": " + detail
	}
	return s.refuseClient(ctx, appSID, refuseWith(ReasonBadAssertion, cause))
}

// authenticateFederated checks a federated token for app a, whose
// credentials name its issuer (federatedFor): the credential of its iss
// and sub, then token.VerifyAssertion under the federated rules with the
// credential's audience, and the signature under the issuer's key of the
// token's kid. A non-nil ttl receives the lifetime of the token the
// client gets.
func (s *Service) authenticateFederated(ctx context.Context, now time.Time, as Assertion, a *liveApp, peek token.Assertion, ttl *time.Duration) (Client, *liveApp, error) {
	region, err := s.region(as.Region)
	if err != nil {
		return Client{}, nil, err
	}
	cred := a.federated(peek.Issuer, peek.Subject)
	switch {
	case cred == nil:
		return Client{}, nil, s.refuseFederated(ctx, a.sid, fedNoCredential, "")
	case a.region != region:
		return Client{}, nil, s.refuseFederated(ctx, a.sid, fedWrongRegion, a.region)
	}
	var why federatedRefusal
	rules := token.AssertionRules{Audiences: []string{cred.Audience}, Federated: true}
	_, err = token.VerifyAssertion(now, as.JWT, rules, func(c *token.Assertion) (*token.Key, error) {
		if c.Issuer != cred.Issuer || c.Subject != cred.Subject {
			why = fedNoCredential // unreachable: the same bytes were peeked at
			return nil, errFederatedRefused
		}
		k, err := s.issuers.key(ctx, cred.Issuer, c.KeyID, c.Algorithm, now)
		switch {
		case errors.Is(err, errNoSuchIssuerKey):
			why = fedUnknownKey
		case err != nil:
			why = fedIssuerDown
		}
		return k, err
	})
	switch {
	case why == fedUnknownKey:
		return Client{}, nil, s.refuseFederated(ctx, a.sid, why, "")
	case why != "":
		return Client{}, nil, s.refuseFederated(ctx, a.sid, why, err.Error())
	case err != nil:
		return Client{}, nil, s.refuseFederated(ctx, a.sid, fedRefused, err.Error())
	}
	if ttl != nil {
		*ttl = s.ttl(a.ttl)
	}
	return Client{appSID: a.sid, accountSID: a.account, region: a.region, credentialID: cred.ID}, a, nil
}

// errFederatedCredentialRemoved wraps into ErrInvalidToken: the federated
// credential that obtained the token was removed from its app.
var errFederatedCredentialRemoved = errors.New("oauthapp: federated credential removed")

// errFederatedRefused aborts token.VerifyAssertion from the key function,
// before the signature is verified.
var errFederatedRefused = errors.New("oauthapp: federated token refused")
