package oauthapp_test

import (
	"context"
	"crypto/rand"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/dpopclient"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

const (
	dpopTokenURL = "https://auth.example.com/oauth2/token"
	dpopAPIURL   = "https://api.example.com/v1/Messages"
)

func newDPoPKey(t *testing.T) *dpopclient.Key {
	t.Helper()
	k, err := dpopclient.NewKey(nil)
	require.NoError(t, err)
	return k
}

// tokenProof is a proof of key for a token request at now.
func tokenProof(t *testing.T, key *dpopclient.Key, now time.Time, nonce string) string {
	t.Helper()
	p, err := key.Proof("POST", dpopTokenURL, "", nonce, now)
	require.NoError(t, err)
	return p
}

// apiProof is a proof of key for GET dpopAPIURL with tok at now.
func apiProof(t *testing.T, key *dpopclient.Key, tok string, now time.Time, nonce string) oauthapp.DPoPProof {
	t.Helper()
	p, err := key.Proof("GET", dpopAPIURL, tok, nonce, now)
	require.NoError(t, err)
	return oauthapp.DPoPProof{JWT: p, Method: "GET", URL: dpopAPIURL}
}

// issueDPoP asks svc for a token of the kit's app with proof.
func issueDPoP(svc *oauthapp.Service, k *oauthapptest.Kit, app oauthapp.App, proof string) (oauthapp.Token, error) {
	return svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: k.Secret(app.SID), Endpoint: dpopTokenURL, DPoP: proof})
}

var listing = oauthapp.Resource{Permission: permList}

func TestDPoPTokenIsBoundToTheProofsKey(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	key := newDPoPKey(t)
	tok, err := issueDPoP(k.Service, k, app, tokenProof(t, key, k.Clock.Now(), ""))
	require.NoError(t, err)
	assert.Equal(t, oauthapp.TokenTypeDPoP, tok.TokenType)

	id, err := k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
	require.NoError(t, err)
	assert.Equal(t, key.Thumbprint(), id.DPoPThumbprint)
	assert.Equal(t, app.SID, id.AppSID)

	bearer, err := issue(k, app, "")
	require.NoError(t, err)
	assert.Equal(t, oauthapp.TokenTypeBearer, bearer.TokenType, "without a proof the app gets a bearer token")
}

// TestDPoPResourceChecksEachFailAlone refuses one request at a time for
// one reason, with a proof that is right in every other way: the error
// has the reason, and the audit event's Detail names the check.
func TestDPoPResourceChecksEachFailAlone(t *testing.T) {
	audit := &events{}
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(audit.hook)))
	app := k.NewApp(permList)
	key := newDPoPKey(t)
	bound, err := issueDPoP(k.Service, k, app, tokenProof(t, key, k.Clock.Now(), ""))
	require.NoError(t, err)
	bearer, err := issue(k, app, "")
	require.NoError(t, err)
	now := k.Clock.Now()
	for _, tc := range []struct {
		name   string
		call   func() error
		wants  []error
		reason oauthapp.Reason
		detail string // what the audit event's Detail says
	}{
		{"a bound token presented as Bearer (no downgrade)", func() error {
			_, err := k.Service.Authorize(ctx, bound.AccessToken, listing)
			return err
		}, []error{oauthapp.ErrInvalidToken}, oauthapp.ReasonInvalidToken, "a DPoP-bound token presented as a bearer token"},
		{"a bearer token presented with the DPoP scheme", func() error {
			_, err := k.Service.AuthorizeDPoP(ctx, bearer.AccessToken, apiProof(t, key, bearer.AccessToken, now, ""), listing)
			return err
		}, []error{oauthapp.ErrInvalidToken}, oauthapp.ReasonInvalidToken, "a bearer token presented with the DPoP scheme"},
		{"a proof by a key other than cnf.jkt's", func() error {
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, apiProof(t, newDPoPKey(t), bound.AccessToken, now, ""), listing)
			return err
		}, []error{oauthapp.ErrInvalidToken}, oauthapp.ReasonInvalidToken, "not the one the token is bound to (cnf.jkt)"},
		{"ath of another token", func() error {
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, apiProof(t, key, bearer.AccessToken, now, ""), listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof ath is not the access token's hash"},
		{"htm of another method", func() error {
			p := apiProof(t, key, bound.AccessToken, now, "")
			p.Method = "DELETE"
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, p, listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof htm is not the request's method"},
		{"htu of another URL", func() error {
			p := apiProof(t, key, bound.AccessToken, now, "")
			p.URL = "https://api.example.com/v1/Calls"
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, p, listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof htu is not the request's URL"},
		{"iat older than the window", func() error {
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, apiProof(t, key, bound.AccessToken, now.Add(-oauthapp.DefaultDPoPProofAge-time.Second), ""), listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof iat too old"},
		{"iat in the future", func() error {
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, apiProof(t, key, bound.AccessToken, now.Add(oauthapp.DPoPProofLeeway+time.Second), ""), listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof iat in the future"},
		{"a proof used before", func() error {
			p := apiProof(t, key, bound.AccessToken, now, "")
			if _, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, p, listing); err != nil {
				t.Fatalf("first use: %v", err)
			}
			_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, p, listing)
			return err
		}, []error{oauthapp.ErrInvalidDPoPProof}, oauthapp.ReasonInvalidDPoPProof, "proof replayed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			audit.take()
			err := tc.call()
			for _, want := range tc.wants {
				assert.ErrorIs(t, err, want)
			}
			assert.Equal(t, tc.reason, oauthapp.ReasonOf(err))
			evs := audit.take()
			require.NotEmpty(t, evs)
			last := evs[len(evs)-1]
			assert.Equal(t, oauthapp.EventAuthorizationDenied, last.Kind)
			assert.Equal(t, tc.reason, last.Reason, "the audit event")
			assert.Contains(t, last.Detail, tc.detail)
		})
	}
	t.Run("and a fresh proof passes", func(t *testing.T) {
		_, err := k.Service.AuthorizeDPoP(ctx, bound.AccessToken, apiProof(t, key, bound.AccessToken, now, ""), listing)
		assert.NoError(t, err)
	})
}

// TestTokenCacheKeepsADPoPTokenBound: a bound token found in the
// verified-token cache is still bound: its proof is checked against
// cnf.jkt, and as Bearer it is refused.
func TestTokenCacheKeepsADPoPTokenBound(t *testing.T) {
	k, rec := observed(t)
	app := k.NewApp(permList)
	key := newDPoPKey(t)
	tok, err := issueDPoP(k.Service, k, app, tokenProof(t, key, k.Clock.Now(), ""))
	require.NoError(t, err)
	_, err = k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
	require.NoError(t, err, "the first call verifies the token and keeps it")

	for _, tc := range []struct {
		name string
		call func() (oauthapp.Identity, error)
		want oauthapp.Reason
	}{
		{"with a fresh proof of its key", func() (oauthapp.Identity, error) {
			return k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
		}, ""},
		{"with a proof of another key", func() (oauthapp.Identity, error) {
			return k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, newDPoPKey(t), tok.AccessToken, k.Clock.Now(), ""), listing)
		}, oauthapp.ReasonInvalidToken},
		{"as Bearer", func() (oauthapp.Identity, error) {
			return k.Service.Authorize(ctx, tok.AccessToken, listing)
		}, oauthapp.ReasonInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec.reset()
			id, err := tc.call()
			assert.Equal(t, tc.want, oauthapp.ReasonOf(err))
			if err == nil {
				assert.Equal(t, key.Thumbprint(), id.DPoPThumbprint)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			assert.Equal(t, []bool{true}, rec.cache[oauthapp.CacheTokens], "served from the token cache")
		})
	}
}

func TestAppThatRequiresDPoPGetsOnlyBoundTokens(t *testing.T) {
	audit := &events{}
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithAudit(audit.hook)))
	app := k.NewApp(permList)
	earlier, err := issue(k, app, "")
	require.NoError(t, err)
	on := true
	_, err = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{DPoPBoundAccessTokens: &on})
	require.NoError(t, err)

	_, err = issue(k, app, "")
	assert.ErrorIs(t, err, oauthapp.ErrInvalidDPoPProof, "a token request without a proof")
	assert.Equal(t, oauthapp.ReasonInvalidDPoPProof, oauthapp.ReasonOf(err))
	audit.take()
	_, err = k.Service.Authorize(ctx, earlier.AccessToken, listing)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidToken, "a bearer token issued before the setting")
	evs := audit.take()
	require.NotEmpty(t, evs)
	assert.Contains(t, evs[len(evs)-1].Detail, "the app requires DPoP-bound tokens and this one is a bearer token")
	client, err := k.Service.AuthenticateClient(ctx, app.SID, k.Secret(app.SID), "")
	require.NoError(t, err)
	_, active, err := k.Service.Introspect(ctx, client, earlier.AccessToken)
	require.NoError(t, err)
	assert.False(t, active, "introspection of that token")

	tok, err := issueDPoP(k.Service, k, app, tokenProof(t, newDPoPKey(t), k.Clock.Now(), ""))
	require.NoError(t, err)
	assert.Equal(t, oauthapp.TokenTypeDPoP, tok.TokenType)

	created, _, err := k.Service.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "bound", Permissions: oauthapp.Permissions{Allow: []string{permList}}, DPoPBoundAccessTokens: true})
	require.NoError(t, err)
	assert.True(t, created.DPoPBoundAccessTokens)
}

func TestTokenEndpointProofIsUsedOnceAcrossInstances(t *testing.T) {
	k := oauthapptest.New(t)
	other := k.NewService() // a second process on the same store
	app := k.NewApp(permList)
	proof := tokenProof(t, newDPoPKey(t), k.Clock.Now(), "")
	_, err := issueDPoP(k.Service, k, app, proof)
	require.NoError(t, err)
	_, err = issueDPoP(other, k, app, proof)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidDPoPProof)
	_, err = issueDPoP(k.Service, k, app, proof)
	assert.ErrorIs(t, err, oauthapp.ErrInvalidDPoPProof)
}

func TestDPoPNonceOfOneInstanceIsAcceptedByAnother(t *testing.T) {
	nonceKey := make([]byte, 32)
	_, _ = rand.Read(nonceKey)
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithDPoPNonces(nonceKey, 20*time.Second)))
	b := k.NewService() // the same options: the same nonce key
	app := k.NewApp(permList)
	key := newDPoPKey(t)

	_, err := issueDPoP(k.Service, k, app, tokenProof(t, key, k.Clock.Now(), ""))
	assert.ErrorIs(t, err, oauthapp.ErrUseDPoPNonce, "a proof without a nonce")
	assert.Equal(t, oauthapp.ReasonUseDPoPNonce, oauthapp.ReasonOf(err))
	nonce := k.Service.Metadata().DPoPNonce()
	require.NotEmpty(t, nonce)
	tok, err := issueDPoP(b, k, app, tokenProof(t, key, k.Clock.Now(), nonce))
	require.NoError(t, err, "b accepts a's nonce at the token endpoint")
	_, err = b.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), nonce), listing)
	require.NoError(t, err, "and at the API")

	k.Advance(21 * time.Second)
	_, err = b.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), nonce), listing)
	assert.ErrorIs(t, err, oauthapp.ErrUseDPoPNonce, "a nonce past its lifetime")

	otherKey := make([]byte, 32)
	_, _ = rand.Read(otherKey)
	stranger := k.NewService(oauthapp.WithDPoPNonces(otherKey, 20*time.Second))
	_, err = b.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), stranger.Metadata().DPoPNonce()), listing)
	assert.ErrorIs(t, err, oauthapp.ErrUseDPoPNonce, "a nonce made under another key")
	_, err = b.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), b.Metadata().DPoPNonce()), listing)
	assert.NoError(t, err)

	assert.Nil(t, oauthapptest.New(t).Service.Metadata().DPoPNonce, "no nonce source without WithDPoPNonces")
}

// TestWarmDPoPCallReadsAndWritesNoStore counts every store call the
// service makes, the writes of used proof ids included, through
// Observer.StoreCall, and the reads the store itself serves.
func TestWarmDPoPCallReadsAndWritesNoStore(t *testing.T) {
	k := oauthapptest.New(t)
	st := storetest.NewReadCounter(store.NewMemory())
	var calls, uses atomic.Int64
	svc, err := oauthapp.New(st, k.Keys, oauthapp.WithClock(k.Clock.Now), oauthapp.WithCache(time.Minute, 0),
		oauthapp.WithObserver(oauthapp.Observer{StoreCall: func(_ context.Context, method string) func(error) {
			calls.Add(1)
			if method == "UseAssertionID" {
				uses.Add(1)
			}
			return nil
		}}))
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	app, sec, err := svc.CreateApp(ctx, k.Owner, oauthapp.NewApp{FriendlyName: "x", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
	require.NoError(t, err)
	key := newDPoPKey(t)
	tok, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sec.Reveal(), Endpoint: dpopTokenURL, DPoP: tokenProof(t, key, k.Clock.Now(), "")})
	require.NoError(t, err)
	require.Equal(t, int64(1), uses.Load(), "the token endpoint's proof id is written through the observed store")
	_, err = svc.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing) // warm up
	require.NoError(t, err)

	reads, all, used := st.Reads(), calls.Load(), uses.Load()
	for range 20 {
		_, err := svc.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
		require.NoError(t, err)
	}
	assert.Equal(t, reads, st.Reads(), "store reads per DPoP call")
	assert.Equal(t, all, calls.Load(), "store calls per DPoP call")
	assert.Equal(t, used, uses.Load(), "used-id writes per DPoP call")
}

func TestFullReplayCacheRefusesNewProofsUntilOldOnesExpire(t *testing.T) {
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithDPoPReplayCache(1024)))
	app := k.NewApp(permList)
	key := newDPoPKey(t)
	tok, err := issueDPoP(k.Service, k, app, tokenProof(t, key, k.Clock.Now(), ""))
	require.NoError(t, err)
	refused := -1
	for i := range 4096 {
		_, err := k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
		if err != nil {
			require.ErrorIs(t, err, oauthapp.ErrInvalidDPoPProof)
			refused = i
			break
		}
	}
	require.Positive(t, refused, "a full cache refuses a new proof rather than forget a fresh one")
	assert.LessOrEqual(t, refused, 1024)
	k.Advance(oauthapp.DefaultDPoPProofAge + 2*time.Second)
	_, err = k.Service.AuthorizeDPoP(ctx, tok.AccessToken, apiProof(t, key, tok.AccessToken, k.Clock.Now(), ""), listing)
	assert.NoError(t, err, "once the window of the remembered proofs has passed")
}
