package oauthapptest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/oauthhttp"
	"github.com/oauthapps/oauthapps/scope"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const permList = "/demo/messaging/messages/list"

func TestKitClockDrivesTheService(t *testing.T) {
	kit := oauthapptest.New(t)
	app := kit.NewApp(permList)
	tok := kit.Token(app)
	res := oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID}
	_, err := kit.Service.Authorize(context.Background(), tok, res)
	require.NoError(t, err)
	kit.Advance(time.Hour)
	_, err = kit.Service.Authorize(context.Background(), tok, res)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken, "the token expires on the kit's clock")
}

func TestKitRotateKeepsTokenWorking(t *testing.T) {
	kit := oauthapptest.New(t)
	other := oauthapptest.NewActor(oauthapp.RoleDeveloper)
	app := kit.NewAppFor(other, permList)
	old := kit.Secret(app.SID)
	fresh := kit.Rotate(app.SID, 0)
	assert.NotEqual(t, old, fresh)
	assert.Equal(t, fresh, kit.Secret(app.SID))
	assert.NotEmpty(t, kit.Token(app), "the kit issues with the new secret")
}

func TestKitRequestCarriesTheBearerToken(t *testing.T) {
	kit := oauthapptest.New(t)
	r := kit.Request("GET", "/x", "abc")
	assert.Equal(t, "Bearer abc", r.Header.Get("Authorization"))
}

func TestKitRunsOnTheStoreGiven(t *testing.T) {
	st := store.NewMemory()
	kit := oauthapptest.New(t, oauthapptest.WithStore(st))
	app := kit.NewApp(permList)
	rec, err := st.GetApp(context.Background(), app.SID)
	require.NoError(t, err, "the app is in the store given to WithStore")
	assert.Equal(t, app.SID, rec.SID)
	assert.Same(t, st, kit.Store)
}

func TestKitSignsWithTheAlgorithmGiven(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256, token.HS256} {
		t.Run(string(alg), func(t *testing.T) {
			kit := oauthapptest.New(t, oauthapptest.WithAlgorithm(alg))
			assert.Equal(t, alg, kit.Keys.SigningKey().Algorithm())
			app := kit.NewApp(permList)
			_, err := kit.Service.Authorize(context.Background(), kit.Token(app), oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID})
			assert.NoError(t, err)
		})
	}
}

func TestKitSharesTheKeysAndClockGiven(t *testing.T) {
	first := oauthapptest.New(t)
	clock := oauthapptest.NewClock(oauthapptest.Epoch.Add(30 * time.Minute))
	second := oauthapptest.New(t, oauthapptest.WithKeys(first.Keys), oauthapptest.WithStore(first.Store), oauthapptest.WithClock(clock))
	assert.Same(t, first.Keys, second.Keys)
	assert.Equal(t, oauthapptest.Epoch.Add(30*time.Minute), second.Service.Metadata().Clock(), "the service reads the clock given")

	app := first.NewApp(permList)
	tok := first.Token(app)
	_, err := second.Service.Authorize(context.Background(), tok, oauthapp.Resource{Permission: permList, AccountSID: first.Owner.AccountSID})
	assert.NoError(t, err, "an instance on the same store and keys accepts the other's token")
}

func TestNewKeysSignsWithTheAlgorithmGiven(t *testing.T) {
	for _, alg := range []token.Algorithm{token.EdDSA, token.ES256, token.RS256, token.HS256} {
		t.Run(string(alg), func(t *testing.T) {
			keys := oauthapptest.NewKeys(t, alg)
			assert.Equal(t, alg, keys.SigningKey().Algorithm())
			kit := oauthapptest.New(t, oauthapptest.WithKeys(keys))
			app := kit.NewApp(permList)
			_, err := kit.Service.Authorize(context.Background(), kit.Token(app), oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID})
			assert.NoError(t, err, "a kit signs and verifies with them")
		})
	}
}

func TestKitResolvesRoutesThroughTheCatalogGiven(t *testing.T) {
	catalog, err := scope.NewCatalog([]scope.Route{{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: permList}})
	require.NoError(t, err)
	kit := oauthapptest.New(t, oauthapptest.WithCatalog(catalog))
	app := kit.NewApp(permList)
	assert.Same(t, catalog, kit.Service.Metadata().Catalog)
	srv, err := oauthhttp.New(kit.Service, oauthhttp.WithBaseURL("https://api.example.test"))
	require.NoError(t, err)
	var id oauthapp.Identity
	api := srv.ProtectFunc(func(w http.ResponseWriter, r *http.Request) { id, _ = oauthhttp.IdentityFrom(r.Context()) })
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, kit.Request("GET", "/v1/Accounts/"+kit.Owner.AccountSID+"/Messages", kit.Token(app)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, app.SID, id.AppSID)
}

func TestKitPassesTheServiceOptions(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.test"), oauthapp.WithTokenTTL(10*time.Minute)))
	assert.Equal(t, "https://auth.example.test", kit.Service.Metadata().Issuer)
	app := kit.NewApp(permList)
	assert.Equal(t, 10*time.Minute, app.TokenTTL)
}

func TestKitDeleteEndsTheAppsTokens(t *testing.T) {
	kit := oauthapptest.New(t)
	app := kit.NewApp(permList)
	tok := kit.Token(app)
	kit.Delete(app.SID)
	_, err := kit.Service.Authorize(context.Background(), tok, oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID})
	assert.ErrorIs(t, err, oauthapp.ErrAppDeleted)
}

func TestKitClosesTheServiceAtCleanup(t *testing.T) {
	closed := make(chan struct{})
	oauthapptest.Run(io.Discard, func(t *oauthapptest.T) {
		st := &watchedStore{Memory: store.NewMemory(), stopped: closed}
		oauthapptest.New(t, oauthapptest.WithStore(st), oauthapptest.WithServiceOptions(oauthapp.WithCache(time.Minute, 0)))
		select {
		case <-closed:
			t.Error("the service stopped watching before the test ended")
		default:
		}
	})
	select {
	case <-closed:
	default:
		t.Fatal("the service still watches the store after the test ended")
	}
}

// watchedStore is a memory store that says when its one watcher stops.
type watchedStore struct {
	*store.Memory
	stopped chan struct{}
}

func (w *watchedStore) Watch(onChange func(store.Change)) (stop func()) {
	inner := w.Memory.Watch(onChange)
	return func() { inner(); close(w.stopped) }
}

func TestKitNewServiceIsAnotherInstanceOfTheService(t *testing.T) {
	kit := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithIssuer("https://auth.example.test")))
	other := kit.NewService(oauthapp.WithRegions("us1", "eu1"))
	assert.Equal(t, "https://auth.example.test", other.Metadata().Issuer, "the kit's service options carry over")
	assert.Equal(t, []string{"us1", "eu1"}, other.Metadata().Regions, "and its own come after them")
	assert.Equal(t, kit.Service.Metadata().Clock(), other.Metadata().Clock(), "it reads the kit's clock")
	kit.Advance(time.Minute)
	assert.Equal(t, kit.Service.Metadata().Clock(), other.Metadata().Clock())

	app := kit.NewApp(permList)
	_, err := other.Authorize(context.Background(), kit.Token(app), oauthapp.Resource{Permission: permList, AccountSID: kit.Owner.AccountSID})
	assert.NoError(t, err, "it shares the store and keys")
}
