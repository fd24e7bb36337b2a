package oauthapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHasherSwitchUpgradesHashOnSuccessfulUse(t *testing.T) {
	for _, entry := range []struct {
		name string
		use  func(svc *oauthapp.Service, sid, sec string) error
	}{
		{"IssueToken", func(svc *oauthapp.Service, sid, sec string) error {
			_, err := svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: sid, ClientSecret: sec})
			return err
		}},
		{"AuthenticateClient", func(svc *oauthapp.Service, sid, sec string) error {
			_, err := svc.AuthenticateClient(ctx, sid, sec, "")
			return err
		}},
	} {
		t.Run("a successful use through "+entry.name+" stores a hash of the new hasher in the same slot", func(t *testing.T) {
			sw := switchHasher(t, cheapArgon2id(t, 64))
			app := sw.k.NewApp(permList)
			sec := sw.k.Secret(app.SID)
			before := sw.stored(t, app.SID)
			require.True(t, strings.HasPrefix(before.Secrets.Current.Hash, "$sha256$"))
			sw.k.Advance(time.Hour)

			require.NoError(t, entry.use(sw.svc, app.SID, sec))

			after := sw.stored(t, app.SID)
			assert.True(t, strings.HasPrefix(after.Secrets.Current.Hash, cheapArgonPrefix), "a hash of the new hasher")
			assert.Equal(t, before.Version+1, after.Version, "a real update of the app")
			want := before
			want.Version = after.Version
			want.Secrets.Current.Hash = after.Secrets.Current.Hash
			want.Secrets.Current.LastUsed = sw.k.Clock.Now() // recorded by the use itself
			assert.Equal(t, want, after, "same id and times, nothing else changed, UpdatedAt included")
			require.NotEmpty(t, sw.kinds())
			assert.Equal(t, oauthapp.EventSecretRehashed, sw.kinds()[0], "before the token is issued")
			sw.mu.Lock()
			e := sw.events[0]
			sw.mu.Unlock()
			assert.Equal(t, oauthapp.Event{Kind: oauthapp.EventSecretRehashed, Time: sw.k.Clock.Now(), AccountSID: app.AccountSID,
				AppSID: app.SID, SecretID: before.Secrets.Current.ID}, e)

			assert.NoError(t, entry.use(sw.svc, app.SID, sec), "the secret works after the upgrade")
			assert.NoError(t, authorize(sw.k, sw.k.Token(app), permList), "and through a service with the old hasher")
		})
	}

	t.Run("a second use does not write again", func(t *testing.T) {
		for name, opts := range map[string][]oauthapp.Option{"without a cache": nil, "with a cache": {oauthapp.WithCache(time.Hour, 0)}} {
			t.Run(name, func(t *testing.T) {
				sw := switchHasher(t, cheapArgon2id(t, 64), opts...)
				app := sw.k.NewApp(permList)
				sec := sw.k.Secret(app.SID)
				require.NoError(t, sw.issue(app.SID, sec))
				upgraded := sw.stored(t, app.SID)
				writes := sw.st.updates.Load()
				for range 5 {
					sw.k.Advance(2 * time.Minute) // LastUsed is written, without a version bump
					require.NoError(t, sw.issue(app.SID, sec))
				}
				after := sw.stored(t, app.SID)
				assert.Equal(t, upgraded.Version, after.Version)
				assert.Equal(t, upgraded.Secrets.Current.Hash, after.Secrets.Current.Hash)
				assert.Equal(t, sw.k.Clock.Now(), after.Secrets.Current.LastUsed)
				assert.Equal(t, writes, sw.st.updates.Load(), "no UpdateApp at all")
				assert.Equal(t, 1, strings.Count(fmt.Sprint(sw.kinds()), string(oauthapp.EventSecretRehashed)))
			})
		}
	})

	t.Run("the previous secret in its grace is upgraded when it is the one used", func(t *testing.T) {
		sw := switchHasher(t, cheapArgon2id(t, 64))
		app := sw.k.NewApp(permList)
		old := sw.k.Secret(app.SID)
		_, rotated, err := sw.svc.RotateSecret(ctx, sw.k.Owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(time.Hour)})
		require.NoError(t, err)
		before := sw.stored(t, app.SID)
		require.True(t, strings.HasPrefix(before.Secrets.Current.Hash, cheapArgonPrefix), "a rotation after the switch hashes with the new hasher")
		require.True(t, strings.HasPrefix(before.Secrets.Previous.Hash, "$sha256$"))

		require.NoError(t, sw.issue(app.SID, old))

		after := sw.stored(t, app.SID)
		assert.True(t, strings.HasPrefix(after.Secrets.Previous.Hash, cheapArgonPrefix))
		assert.Equal(t, before.Version+1, after.Version)
		want := before.Secrets
		want.Previous.Hash = after.Secrets.Previous.Hash
		want.Previous.LastUsed = sw.k.Clock.Now()
		assert.Equal(t, want, after.Secrets, "the previous slot keeps its id, times and expiry; the current is untouched")
		assert.NoError(t, sw.issue(app.SID, old), "the previous secret still works")
		assert.NoError(t, sw.issue(app.SID, rotated.Reveal()), "and so does the current")
		assert.Equal(t, after.Version, sw.stored(t, app.SID).Version, "neither use writes again")
		sw.k.Advance(time.Hour)
		assert.ErrorIs(t, sw.issue(app.SID, old), oauthapp.ErrInvalidClient, "the upgrade does not extend the grace")
	})

	t.Run("other parameters of the same algorithm upgrade too, and so does switching back", func(t *testing.T) {
		sw := switchHasher(t, cheapArgon2id(t, 64))
		app := sw.k.NewApp(permList)
		sec := sw.k.Secret(app.SID)
		require.NoError(t, sw.issue(app.SID, sec))
		stronger := sw.k.NewService(oauthapp.WithHasher(cheapArgon2id(t, 128)))
		_, err := stronger.AuthenticateClient(ctx, app.SID, sec, "")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(sw.stored(t, app.SID).Secrets.Current.Hash, "$argon2id$v=19$m=128,t=1,p=1$"))
		_, err = sw.k.Service.AuthenticateClient(ctx, app.SID, sec, "") // the kit's service hashes with SHA256
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(sw.stored(t, app.SID).Secrets.Current.Hash, "$sha256$"))
	})
}

func TestHashUpgradeFailureDoesNotFailAuthentication(t *testing.T) {
	tests := []struct {
		name    string
		hook    func(sw *switched) func(context.Context, store.App) error
		bumps   int64 // version changes made by the hook
		logLine string
	}{
		{
			name: "a conflict with another writer",
			hook: func(sw *switched) func(context.Context, store.App) error {
				return func(ctx context.Context, app store.App) error {
					other, err := sw.k.Store.GetApp(ctx, app.SID)
					if err != nil {
						return err
					}
					other.FriendlyName = "renamed meanwhile"
					_, err = sw.k.Store.UpdateApp(ctx, other)
					return err
				}
			},
			bumps:   1,
			logLine: "app changed while upgrading a secret hash",
		},
		{
			name: "a store failure",
			hook: func(*switched) func(context.Context, store.App) error {
				return func(context.Context, store.App) error { return errors.New("store timed out") }
			},
			logLine: "storing an upgraded secret hash",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" leaves the old hash and the next use retries", func(t *testing.T) {
			sw := switchHasher(t, cheapArgon2id(t, 64))
			app := sw.k.NewApp(permList)
			sec := sw.k.Secret(app.SID)
			before := sw.stored(t, app.SID)
			var once atomic.Bool
			hook := tt.hook(sw)
			sw.st.setHook(func(ctx context.Context, a store.App) error {
				if once.CompareAndSwap(false, true) {
					return hook(ctx, a)
				}
				return nil
			})

			require.NoError(t, sw.issue(app.SID, sec), "the client is authenticated")
			failed := sw.stored(t, app.SID)
			assert.Equal(t, before.Secrets.Current.Hash, failed.Secrets.Current.Hash, "the old hash stays")
			assert.Equal(t, before.Version+tt.bumps, failed.Version)
			assert.Contains(t, sw.log(), tt.logLine)
			assert.NotContains(t, sw.kinds(), oauthapp.EventSecretRehashed)

			require.NoError(t, sw.issue(app.SID, sec))
			retried := sw.stored(t, app.SID)
			assert.True(t, strings.HasPrefix(retried.Secrets.Current.Hash, cheapArgonPrefix), "the next use upgrades")
			assert.Equal(t, failed.Version+1, retried.Version)
			assert.Equal(t, failed.FriendlyName, retried.FriendlyName, "the other writer's change is kept")
		})
	}
}

func TestConcurrentFirstUsesUpgradeOnce(t *testing.T) {
	sw := switchHasher(t, cheapArgon2id(t, 64))
	app := sw.k.NewApp(permList)
	sec := sw.k.Secret(app.SID)
	before := sw.stored(t, app.SID)
	var wg sync.WaitGroup
	var failures atomic.Int64
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if sw.issue(app.SID, sec) != nil {
				failures.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failures.Load(), "every request is authenticated")
	after := sw.stored(t, app.SID)
	assert.Equal(t, before.Version+1, after.Version, "one write wins; the others find it done or conflict")
	assert.True(t, strings.HasPrefix(after.Secrets.Current.Hash, cheapArgonPrefix))
}

func TestFailedAuthenticationNeverWritesAHash(t *testing.T) {
	sw := switchHasher(t, cheapArgon2id(t, 64), oauthapp.WithRegions("us1", "eu1"))
	app := sw.k.NewApp(permList)
	other := sw.k.NewApp(permList)
	rotated := sw.k.NewApp(permList)
	expired := sw.k.Secret(rotated.SID)
	sw.k.Rotate(rotated.SID, time.Minute)
	sw.k.Advance(time.Minute)
	generated, err := secret.Generate()
	require.NoError(t, err)

	cases := []struct{ name, id, secret, region string }{
		{"another app's secret", app.SID, sw.k.Secret(other.SID), ""},
		{"a secret nobody holds", app.SID, generated.Reveal(), ""},
		{"an expired previous secret", rotated.SID, expired, ""},
		{"the right secret in another region", app.SID, sw.k.Secret(app.SID), "eu1"},
		{"a malformed secret", app.SID, "hunter2", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := sw.stored(t, c.id)
			_, err := sw.svc.AuthenticateClient(ctx, c.id, c.secret, c.region)
			require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			_, err = sw.svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: c.id, ClientSecret: c.secret, Region: c.region})
			require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
			assert.Equal(t, before, sw.stored(t, c.id), "nothing written")
		})
	}
	assert.Zero(t, sw.st.updates.Load(), "no UpdateApp at all")
	assert.NotContains(t, sw.kinds(), oauthapp.EventSecretRehashed)
}

// TestHashUpgradesCanBeTurnedOff: during the rollout of a new hasher,
// instances with upgrades off verify old hashes and write none; turned on
// again, the next use upgrades.
func TestHashUpgradesCanBeTurnedOff(t *testing.T) {
	sw := switchHasher(t, cheapArgon2id(t, 64))
	app := sw.k.NewApp(permList)
	before := sw.stored(t, app.SID)
	off, err := oauthapp.New(sw.st, sw.k.Keys, oauthapp.WithClock(sw.k.Clock.Now), oauthapp.WithHasher(cheapArgon2id(t, 64)), oauthapp.WithHashUpgrades(false))
	require.NoError(t, err)
	for range 3 {
		_, err := off.IssueToken(ctx, oauthapp.TokenRequest{ClientID: app.SID, ClientSecret: sw.k.Secret(app.SID)})
		require.NoError(t, err)
	}
	assert.Equal(t, before.Version, sw.stored(t, app.SID).Version, "nothing written with upgrades off")
	assert.Zero(t, sw.st.updates.Load())

	require.NoError(t, sw.issue(app.SID, sw.k.Secret(app.SID)))
	assert.Equal(t, before.Version+1, sw.stored(t, app.SID).Version, "upgraded on the next use with upgrades on")
}

// TestUnknownClientCostsWhatAWrongSecretCostsOnceUpgraded shows, by
// counting hash comparisons by algorithm instead of timing them, the one
// exception AuthenticateClient documents and how a use ends it: after a
// switch of hashers a wrong secret for an app not used since costs the old
// algorithm while an unknown client costs the new one; after one
// successful use both cost one comparison of the new algorithm.
func TestUnknownClientCostsWhatAWrongSecretCostsOnceUpgraded(t *testing.T) {
	hasher := newCountingHasher(cheapArgon2id(t, 64))
	sw := switchHasher(t, hasher)
	app := sw.k.NewApp(permList)
	wrong, err := secret.Generate()
	require.NoError(t, err)
	cost := func(id string) map[string]int {
		t.Helper()
		hasher.take()
		_, err := sw.svc.AuthenticateClient(ctx, id, wrong.Reveal(), "")
		require.ErrorIs(t, err, oauthapp.ErrInvalidClient)
		return hasher.take()
	}
	unknown := map[string]int{"argon2id": 1}

	assert.Equal(t, unknown, cost(oauthapptest.NewSID("OQ")), "an unknown client costs the new algorithm (the decoy's)")
	assert.Equal(t, unknown, cost("not-a-client"), "and so does a malformed client id")
	assert.Equal(t, map[string]int{"sha256": 1}, cost(app.SID),
		"before its first use since the switch, a wrong secret for the app costs the old algorithm: the documented exception")

	hasher.take()
	require.NoError(t, sw.issue(app.SID, sw.k.Secret(app.SID)))
	assert.Equal(t, map[string]int{"sha256": 2}, hasher.take(), "the upgrade verifies the secret once more before hashing it")

	assert.Equal(t, unknown, cost(app.SID), "after one successful use, a wrong secret costs what an unknown client costs")
	hasher.take()
	require.NoError(t, sw.issue(app.SID, sw.k.Secret(app.SID)))
	assert.Equal(t, map[string]int{"argon2id": 1}, hasher.take(), "and a right one the one comparison of the new algorithm")
}

// TestHashUpgradeLeaksNoSecret runs upgrades that succeed, conflict and
// fail, and failed logins, after a switch of hashers, and asserts that no
// secret value appears in a log record, an audit event, an error string or
// the store.
func TestHashUpgradeLeaksNoSecret(t *testing.T) {
	sw := switchHasher(t, cheapArgon2id(t, 64))
	var secrets []string
	var said []string
	newApp := func() (oauthapp.App, string) {
		app := sw.k.NewApp(permList)
		secrets = append(secrets, sw.k.Secret(app.SID))
		return app, sw.k.Secret(app.SID)
	}
	try := func(id, sec string) {
		_, err := sw.svc.AuthenticateClient(ctx, id, sec, "")
		if err != nil {
			said = append(said, fmt.Sprintf("%v | %+v | %#v", err, err, err))
		}
		_, err = sw.svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: id, ClientSecret: sec})
		if err != nil {
			said = append(said, fmt.Sprintf("%v | %+v | %#v", err, err, err))
		}
	}

	ok, okSec := newApp()
	try(ok.SID, okSec)

	conflicted, conflictedSec := newApp()
	failing, failingSec := newApp()
	sw.st.setHook(func(ctx context.Context, a store.App) error {
		switch a.SID {
		case conflicted.SID:
			other, err := sw.k.Store.GetApp(ctx, a.SID)
			if err != nil {
				return err
			}
			other.Description = "changed meanwhile"
			_, err = sw.k.Store.UpdateApp(ctx, other)
			return err
		case failing.SID:
			// A driver's error may quote the statement, never the secret.
			return fmt.Errorf("store: update of %s timed out", a.SID)
		}
		return nil
	})
	try(conflicted.SID, conflictedSec)
	try(failing.SID, failingSec)
	sw.st.setHook(nil)
	for _, id := range []string{ok.SID, failing.SID, oauthapptest.NewSID("OQ")} {
		wrong, err := secret.Generate()
		require.NoError(t, err)
		secrets = append(secrets, wrong.Reveal())
		try(id, wrong.Reveal())
	}
	try(failing.SID, failingSec)

	all := strings.Split(sw.log(), "\n")
	sw.mu.Lock()
	for _, e := range sw.events {
		j, _ := json.Marshal(e)
		all = append(all, fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), string(j))
	}
	sw.mu.Unlock()
	all = append(all, said...)
	for _, id := range []string{ok.SID, conflicted.SID, failing.SID} {
		all = append(all, fmt.Sprintf("%+v", sw.stored(t, id)))
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{string(oauthapp.EventSecretRehashed), "app changed while upgrading", "timed out", string(oauthapp.EventAuthenticationFail), "invalid client"} {
		require.Contains(t, joined, want, "the capture must hold what it should, or its silence proves nothing")
	}
	for _, line := range all {
		for _, s := range secrets {
			if strings.Contains(line, s[len(secret.Prefix)+9:]) {
				t.Errorf("a secret leaked: %s", line)
			}
		}
	}
}
