package oauthapptest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Kit is a Service with a fake clock, on the in-memory store unless
// WithStore gave another, and an account with an Owner to manage apps in
// it. It belongs to the test that made it: its methods fail that test
// through t.Fatalf when they cannot do what they are asked, so, as with
// t.Fatalf itself, call them from the test's goroutine. Its fields and its
// Service are safe for concurrent use.
type Kit struct {
	// Service is the service under test, on Store and Keys, with Clock as
	// its clock unless WithServiceOptions replaced it.
	Service *oauthapp.Service
	// Store is the Service's store: a fresh store.Memory, or the one given
	// to WithStore.
	Store store.Store
	// Clock is the fake clock, at Epoch when New returns unless WithClock
	// gave another; Advance moves it.
	Clock *Clock
	// Keys is the Service's key set: one new key of the kit's algorithm
	// (WithAlgorithm), which signs and verifies, or the set given to
	// WithKeys.
	Keys *token.KeySet
	// Owner is an Owner of the kit's account; Owner.AccountSID is the
	// account.
	Owner oauthapp.Actor

	t       TB
	cfg     config
	svcOpts []oauthapp.Option // what built Service, for NewService

	mu   sync.Mutex
	apps map[string]appInfo // by app SID
}

// appInfo is what the kit remembers of an app it created.
type appInfo struct {
	secret string         // the current secret, for Token
	actor  oauthapp.Actor // who created it, for Rotate
}

// New returns a kit for the test t: a Service on a fresh memory store (or
// WithStore's), signing with a new EdDSA key (or WithAlgorithm's, or
// WithKeys'), its clock at Epoch, and a new account. A setup failure (a
// bad option, a key that cannot be made) fails t with t.Fatalf. The
// Service is closed when the test ends (t.Cleanup); the store is not.
func New(t TB, opts ...Option) *Kit {
	t.Helper()
	return newKit(t, configure(t, "New", opts), nil)
}

// configure applies opts, failing t on a bad one.
func configure(t TB, caller string, opts []Option) config {
	t.Helper()
	cfg := defaults()
	for _, opt := range opts {
		if opt == nil {
			t.Fatalf("oauthapptest: %s: %v: nil option", caller, ErrInvalidOption)
			continue
		}
		if err := opt(&cfg); err != nil {
			t.Fatalf("oauthapptest: %s: %v", caller, err)
		}
	}
	if cfg.keys != nil && cfg.algGiven {
		t.Fatalf("oauthapptest: %s: %v: WithAlgorithm and WithKeys both given", caller, ErrInvalidOption)
	}
	return cfg
}

// newKit builds the kit of cfg; first are service options that go before
// the caller's (NewServer's issuer).
func newKit(t TB, cfg config, first []oauthapp.Option) *Kit {
	t.Helper()
	if cfg.store == nil {
		cfg.store = store.NewMemory()
	}
	if cfg.clock == nil {
		cfg.clock = NewClock(Epoch)
	}
	if cfg.keys == nil {
		cfg.keys = NewKeys(t, cfg.alg)
	}
	svcOpts := append([]oauthapp.Option{oauthapp.WithClock(cfg.clock.Now)}, first...)
	if cfg.catalog != nil {
		svcOpts = append(svcOpts, cfg.catalog)
	}
	svcOpts = append(svcOpts, cfg.service...)
	svc, err := oauthapp.New(cfg.store, cfg.keys, svcOpts...)
	if err != nil {
		t.Fatalf("oauthapptest: building the service: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return &Kit{
		Service: svc,
		svcOpts: svcOpts,
		Store:   cfg.store,
		Clock:   cfg.clock,
		Keys:    cfg.keys,
		Owner:   NewActor(oauthapp.RoleOwner),
		t:       t,
		cfg:     cfg,
		apps:    make(map[string]appInfo),
	}
}

// NewService returns another instance of the kit's service, as a second
// process of one deployment would run it: on the kit's store and keys,
// with the options that built Service (its clock among them) followed by
// opts, which may override them. It is closed when the test ends. A bad
// option fails the test; a test of oauthapp.New's own errors calls it
// directly with Store and Keys.
func (k *Kit) NewService(opts ...oauthapp.Option) *oauthapp.Service {
	k.t.Helper()
	svc, err := oauthapp.New(k.Store, k.Keys, append(slices.Clone(k.svcOpts), opts...)...)
	if err != nil {
		k.t.Fatalf("oauthapptest: building another service: %v", err)
	}
	k.t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// NewActor returns a user with the given role in a new account, with ids
// from NewSID("US") and NewSID("AC").
func NewActor(role oauthapp.Role) oauthapp.Actor {
	return oauthapp.Actor{UserSID: NewSID("US"), AccountSID: NewSID("AC"), Role: role}
}

// NewSID returns a fresh random SID in the style of Twilio's: the
// two-letter prefix and 32 lowercase hex digits. With "AC" and "US" it
// makes account and user ids (a host's may have any shape
// oauthapp.ParseAccountSID accepts), with "OQ" a well-formed client id
// that no app has.
func NewSID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}

// Advance moves the kit's clock forward.
func (k *Kit) Advance(d time.Duration) { k.Clock.Advance(d) }

// NewApp creates an app in the kit's account whose policy allows the given
// permissions (wildcard grants such as "/demo/messaging/*" included).
func (k *Kit) NewApp(permissions ...string) oauthapp.App {
	k.t.Helper()
	return k.NewAppFor(k.Owner, permissions...)
}

// NewAppFor creates an app in the actor's account.
func (k *Kit) NewAppFor(actor oauthapp.Actor, permissions ...string) oauthapp.App {
	k.t.Helper()
	app, sec, err := k.Service.CreateApp(context.Background(), actor, oauthapp.NewApp{
		FriendlyName: "test app",
		Permissions:  oauthapp.Permissions{Allow: permissions},
	})
	if err != nil {
		k.t.Fatalf("oauthapptest: creating an app allowed %q: %v", permissions, err)
	}
	k.mu.Lock()
	k.apps[app.SID] = appInfo{secret: sec.Reveal(), actor: actor}
	k.mu.Unlock()
	return app
}

// Secret returns the app's current client secret as the kit last saw it
// (from NewApp or Rotate). An app the kit did not create fails the test.
func (k *Kit) Secret(appSID string) string {
	k.t.Helper()
	return k.app(appSID).secret
}

func (k *Kit) app(appSID string) appInfo {
	k.t.Helper()
	k.mu.Lock()
	info, ok := k.apps[appSID]
	k.mu.Unlock()
	if !ok {
		k.t.Fatalf("oauthapptest: app %.40q was not created with the kit", appSID)
	}
	return info
}

// Rotate rotates the app's secret with the given grace and remembers the
// new secret for Token.
func (k *Kit) Rotate(appSID string, grace time.Duration) string {
	k.t.Helper()
	info := k.app(appSID)
	_, sec, err := k.Service.RotateSecret(context.Background(), info.actor, appSID, oauthapp.Rotation{Grace: oauthapp.Grace(grace)})
	if err != nil {
		k.t.Fatalf("oauthapptest: rotating the secret of %s: %v", appSID, err)
	}
	info.secret = sec.Reveal()
	k.mu.Lock()
	k.apps[appSID] = info
	k.mu.Unlock()
	return info.secret
}

// Delete deletes the app, as the user who created it would when its
// credentials leak: its secrets and tokens stop working.
func (k *Kit) Delete(appSID string) {
	k.t.Helper()
	info := k.app(appSID)
	if err := k.Service.DeleteApp(context.Background(), info.actor, appSID, 0); err != nil {
		k.t.Fatalf("oauthapptest: deleting %s: %v", appSID, err)
	}
}

// Token issues an access token for the app with the given permissions
// (none: everything its policy allows) and returns the raw JWT.
func (k *Kit) Token(app oauthapp.App, permissions ...string) string {
	k.t.Helper()
	return k.issue(app, permissions).AccessToken
}

func (k *Kit) issue(app oauthapp.App, permissions []string) oauthapp.Token {
	k.t.Helper()
	tok, err := k.Service.IssueToken(context.Background(), oauthapp.TokenRequest{
		ClientID:     app.SID,
		ClientSecret: k.Secret(app.SID),
		Scope:        strings.Join(permissions, " "),
		Region:       app.Region,
	})
	if err != nil {
		k.t.Fatalf("oauthapptest: issuing a token to %s: %v", app.SID, err)
	}
	return tok
}

// Request returns a server-side request (as httptest.NewRequest makes) that
// carries the bearer token.
func (k *Kit) Request(method, target, bearer string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Authorization", "Bearer "+bearer)
	return r
}
