package oauthapp

import (
	"sync/atomic"
	"time"

	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

// lastUsedResolution is how often, at most, the service writes a secret's
// LastUsed to the store: a busy client does not turn every token request
// into a store write.
const lastUsedResolution = time.Minute

// liveApp is the compiled, immutable form of a stored app that the hot
// paths use: parsed credentials and a compiled policy. Only the touch
// bookkeeping changes, atomically.
type liveApp struct {
	sid       string
	account   string
	region    string
	version   int64
	createdAt time.Time
	ttl       time.Duration
	creds     secret.Credentials
	policy    *scope.Policy
	keys      []liveKey // client keys (clientkeys.go)
	resources []string  // resource URIs, sorted
	dpopBound bool      // tokens must be DPoP-bound (dpop.go)
	// federatedCreds are the app's federated credentials (federation.go).
	federatedCreds []store.FederatedCredential

	readAt  atomic.Int64 // unix nanoseconds of the last store read
	touched [2]touchMark // last LastUsed written, per slot
	// keyTouched is touched's counterpart for the client keys.
	keyTouched []touchMark
	// upgrading is claimed by the request that upgrades a secret hash
	// of this version of the app (see Service.upgrade).
	upgrading atomic.Bool
	// fullScope caches the scope of the policy's full grant, made on the
	// first token request that names no scope.
	fullScope atomic.Pointer[string]
}

// fullGrant returns the scope a token request that names no permission
// gets (scope.Policy.FullGrant under the service's catalog), worked out
// once per compiled app: with deny carve-outs it reads the whole catalog.
func (a *liveApp) fullGrant(c *scope.Catalog) string {
	if p := a.fullScope.Load(); p != nil {
		return *p
	}
	g := scope.FormatScope(a.policy.FullGrant(c))
	a.fullScope.Store(&g)
	return g
}

type touchMark struct {
	id string
	at atomic.Int64
}

// credsOf reads an app's stored secret slots. Two empty slots are an
// app that authenticates with client keys only: credentials that verify
// nothing.
func credsOf(stored store.Secrets) (secret.Credentials, error) {
	if stored == (store.Secrets{}) {
		return secret.Credentials{}, nil
	}
	return secret.FromRecords(secret.Record(stored.Current), secret.Record(stored.Previous))
}

// storedSecrets is the stored form of creds' slots.
func storedSecrets(creds secret.Credentials) store.Secrets {
	cur, prev := creds.Records()
	return store.Secrets{Current: store.Secret(cur), Previous: store.Secret(prev)}
}

func compileApp(rec store.App) (*liveApp, error) {
	cur, prev := rec.Secrets.Current, rec.Secrets.Previous
	creds, err := credsOf(rec.Secrets)
	if err != nil {
		return nil, err
	}
	policy, err := scope.NewPolicy(rec.Policy.Allow, rec.Policy.Deny)
	if err != nil {
		return nil, err
	}
	keys, err := compileKeys(rec.Keys)
	if err != nil {
		return nil, err
	}
	a := &liveApp{
		sid:       rec.SID,
		account:   rec.AccountSID,
		region:    rec.Region,
		version:   rec.Version,
		createdAt: rec.CreatedAt,
		ttl:       rec.TokenTTL,
		creds:     creds,
		policy:    policy,
		keys:      keys,
		resources: rec.Resources,
		dpopBound: rec.DPoPBoundAccessTokens,

		federatedCreds: rec.FederatedCredentials,
	}
	a.keyTouched = make([]touchMark, len(rec.Keys))
	for i, k := range rec.Keys {
		a.keyTouched[i].id = k.ID
		a.keyTouched[i].at.Store(unixNano(k.LastUsed))
	}
	a.touched[0].id, a.touched[1].id = cur.ID, prev.ID
	a.touched[0].at.Store(unixNano(cur.LastUsed))
	a.touched[1].at.Store(unixNano(prev.LastUsed))
	return a, nil
}

// shouldTouch reports whether LastUsed of the secret is older than the
// resolution, and if so claims the write (one caller wins).
func (a *liveApp) shouldTouch(secretID string, now time.Time) bool {
	return claimTouch(a.touched[:], secretID, now)
}

// claimTouch reports whether the LastUsed of credential id among marks is
// older than the resolution, and if so claims the write.
func claimTouch(marks []touchMark, id string, now time.Time) bool {
	for i := range marks {
		m := &marks[i]
		if m.id != id {
			continue
		}
		last := m.at.Load()
		if now.UnixNano()-last < int64(lastUsedResolution) {
			return false
		}
		return m.at.CompareAndSwap(last, now.UnixNano())
	}
	return false
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
