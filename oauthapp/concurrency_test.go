package oauthapp_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentLifecycleKeepsInvariants runs issuers, authorizers,
// rotators and deleters on the same apps at once, then checks that no
// token of a deleted app authorized after the deletion returned, and that
// never more than two secrets of an app verify.
func TestConcurrentLifecycleKeepsInvariants(t *testing.T) {
	k := oauthapptest.New(t)
	const apps, workers, rounds = 4, 4, 60
	type tracked struct {
		app     oauthapp.App
		deleted atomic.Bool
		mu      sync.Mutex
		secrets []string // every secret the app ever had
		tokens  []string
	}
	all := make([]*tracked, apps)
	for i := range all {
		app := k.NewApp(permList)
		all[i] = &tracked{app: app, secrets: []string{k.Secret(app.SID)}}
	}
	var violations atomic.Int64
	var wg sync.WaitGroup
	for i, tr := range all {
		// Issuers and authorizers.
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					tr.mu.Lock()
					sec := tr.secrets[len(tr.secrets)-1]
					tr.mu.Unlock()
					tok, err := k.Service.IssueToken(ctx, oauthapp.TokenRequest{ClientID: tr.app.SID, ClientSecret: sec})
					if err == nil {
						tr.mu.Lock()
						tr.tokens = append(tr.tokens, tok.AccessToken)
						tr.mu.Unlock()
					}
					tr.mu.Lock()
					toks := append([]string(nil), tr.tokens...)
					tr.mu.Unlock()
					for _, tk := range toks {
						wasDeleted := tr.deleted.Load()
						_, err := k.Service.Authorize(ctx, tk, oauthapp.Resource{Permission: permList, AccountSID: k.Owner.AccountSID})
						if wasDeleted && err == nil {
							violations.Add(1)
						}
					}
				}
			}()
		}
		// A rotator, with a grace long enough that rotations overlap.
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds / 4 {
				_, sec, err := k.Service.RotateSecret(ctx, k.Owner, tr.app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(time.Hour)})
				if err != nil {
					return // deleted
				}
				tr.mu.Lock()
				tr.secrets = append(tr.secrets, sec.Reveal())
				tr.mu.Unlock()
			}
		}()
		// Half of the apps are deleted part-way.
		if i%2 == 0 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(i+1) * time.Millisecond)
				assert.NoError(t, k.Service.DeleteApp(ctx, k.Owner, tr.app.SID, 0))
				tr.deleted.Store(true)
			}()
		}
	}
	wg.Wait()
	assert.Zero(t, violations.Load(), "a token of a deleted app authorized after the deletion returned")
	for _, tr := range all {
		verified := 0
		for _, sec := range tr.secrets {
			if _, err := k.Service.AuthenticateClient(ctx, tr.app.SID, sec, ""); err == nil {
				verified++
			}
		}
		assert.LessOrEqual(t, verified, 2, "never more than two secrets verify")
		if tr.deleted.Load() {
			assert.Zero(t, verified)
			for _, tk := range tr.tokens {
				_, err := k.Service.Authorize(ctx, tk, oauthapp.Resource{Permission: permList})
				assert.ErrorIs(t, err, oauthapp.ErrAppDeleted)
			}
		} else {
			assert.Equal(t, 2, verified, "after overlapping rotations the current and one previous secret verify")
		}
	}
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	k := oauthapptest.New(t)
	app := k.NewApp(permList)
	const n = 32
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, _, err = k.Service.RotateSecret(ctx, k.Owner, app.SID, oauthapp.Rotation{})
			} else {
				d := "description"
				_, err = k.Service.UpdateApp(ctx, k.Owner, app.SID, oauthapp.AppUpdate{Description: &d})
			}
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	got, err := k.Service.GetApp(ctx, k.Owner, app.SID)
	require.NoError(t, err)
	assert.EqualValues(t, 1+n, got.Version, "every change landed once")
	assert.Len(t, got.Secrets, 2)
}
