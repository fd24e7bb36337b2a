package oauthapptest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

// Kit is a Service on the in-memory store with a fake clock, and an account
// with an Owner to manage apps in it.
type Kit struct {
	Service *oauthapp.Service
	Store   *store.Memory
	Clock   *Clock
	Keys    *token.KeySet
	// Owner is an Owner of the kit's account; Owner.AccountSID is the
	// account.
	Owner oauthapp.Actor

	mu   sync.Mutex
	apps map[string]appInfo // by app SID
}

// appInfo is what the kit remembers of an app it created.
type appInfo struct {
	secret string         // the current secret, for Token
	actor  oauthapp.Actor // who created it, for Rotate
}

// New returns a kit: an EdDSA-signing Service on a fresh memory store, with
// the clock at Epoch and a new account. opts are passed to oauthapp.New
// after the kit's own (so they may override the clock).
func New(opts ...oauthapp.Option) *Kit {
	key, err := token.GenerateKey(token.EdDSA)
	must(err, "generating a signing key")
	keys, err := token.NewKeySet(key)
	must(err, "building the key set")
	clock := NewClock(Epoch)
	st := store.NewMemory()
	svc, err := oauthapp.New(st, keys, append([]oauthapp.Option{oauthapp.WithClock(clock.Now)}, opts...)...)
	must(err, "building the service")
	return &Kit{
		Service: svc,
		Store:   st,
		Clock:   clock,
		Keys:    keys,
		Owner:   NewActor(oauthapp.RoleOwner),
		apps:    make(map[string]appInfo),
	}
}

// NewActor returns a user with the given role in a new account.
func NewActor(role oauthapp.Role) oauthapp.Actor {
	return oauthapp.Actor{
		UserSID:    oauthapp.NewSID(oauthapp.UserSIDPrefix),
		AccountSID: oauthapp.NewSID(oauthapp.AccountSIDPrefix),
		Role:       role,
	}
}

// Advance moves the kit's clock forward.
func (k *Kit) Advance(d time.Duration) { k.Clock.Advance(d) }

// NewApp creates an app in the kit's account whose policy allows the given
// permissions (wildcard grants such as "/demo/messaging/*" included).
func (k *Kit) NewApp(permissions ...string) oauthapp.App {
	return k.NewAppFor(k.Owner, permissions...)
}

// NewAppFor creates an app in the actor's account.
func (k *Kit) NewAppFor(actor oauthapp.Actor, permissions ...string) oauthapp.App {
	app, sec, err := k.Service.CreateApp(context.Background(), actor, oauthapp.NewApp{
		FriendlyName: "test app",
		Permissions:  oauthapp.Permissions{Allow: permissions},
	})
	must(err, "creating an app")
	k.mu.Lock()
	k.apps[app.SID] = appInfo{secret: sec.Reveal(), actor: actor}
	k.mu.Unlock()
	return app
}

// Secret returns the app's current client secret as the kit last saw it
// (from NewApp or Rotate).
func (k *Kit) Secret(appSID string) string { return k.app(appSID).secret }

func (k *Kit) app(appSID string) appInfo {
	k.mu.Lock()
	defer k.mu.Unlock()
	info, ok := k.apps[appSID]
	if !ok {
		panic(fmt.Sprintf("oauthapptest: app %s was not created with the kit", appSID))
	}
	return info
}

// Rotate rotates the app's secret with the given grace and remembers the
// new secret for Token.
func (k *Kit) Rotate(appSID string, grace time.Duration) string {
	info := k.app(appSID)
	_, sec, err := k.Service.RotateSecret(context.Background(), info.actor, appSID, oauthapp.Rotation{Grace: oauthapp.Grace(grace)})
	must(err, "rotating the secret")
	info.secret = sec.Reveal()
	k.mu.Lock()
	k.apps[appSID] = info
	k.mu.Unlock()
	return info.secret
}

// Token issues an access token for the app with the given permissions
// (none: everything its policy allows) and returns the raw JWT.
func (k *Kit) Token(app oauthapp.App, permissions ...string) string {
	tok, err := k.Service.IssueToken(context.Background(), oauthapp.TokenRequest{
		ClientID:     app.SID,
		ClientSecret: k.Secret(app.SID),
		Scope:        strings.Join(permissions, " "),
	})
	must(err, "issuing a token")
	return tok.AccessToken
}

// Request returns a server-side request (as httptest.NewRequest makes) that
// carries the bearer token.
func (k *Kit) Request(method, target, bearer string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Header.Set("Authorization", "Bearer "+bearer)
	return r
}

func must(err error, doing string) {
	if err != nil {
		panic(fmt.Sprintf("oauthapptest: %s: %v", doing, err))
	}
}
