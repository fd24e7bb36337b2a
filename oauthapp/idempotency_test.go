package oauthapp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
)

// createOnce is an Idempotent call that creates an app and answers its
// SID and secret, counting its runs.
func createOnce(svc *oauthapp.Service, actor oauthapp.Actor, runs *atomic.Int64) func(context.Context) ([]byte, bool) {
	return func(ctx context.Context) ([]byte, bool) {
		runs.Add(1)
		app, sec, err := svc.CreateApp(ctx, actor, oauthapp.NewApp{FriendlyName: "once", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		if err != nil {
			return []byte(err.Error()), false
		}
		return []byte(app.SID + " " + sec.Reveal()), true
	}
}

func newKEK(t *testing.T) []byte {
	kek := make([]byte, 32)
	_, err := rand.Read(kek)
	require.NoError(t, err)
	return kek
}

// TestIdempotentCallRunsOnceAndItsRetryGetsTheFirstAnswer: the same key
// and request answer the first answer, secret included, without running
// the call again; the same key with another request is refused and runs
// nothing.
func TestIdempotentCallRunsOnceAndItsRetryGetsTheFirstAnswer(t *testing.T) {
	k := oauthapptest.New(t)
	var runs atomic.Int64
	first, replayed, err := k.Service.Idempotent(ctx, k.Owner, "create-1", []byte("request"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.False(t, replayed)
	again, replayed, err := k.Service.Idempotent(ctx, k.Owner, "create-1", []byte("request"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.True(t, replayed)
	assert.Equal(t, first, again, "the retry answers the first answer")
	_, _, err = k.Service.Idempotent(ctx, k.Owner, "create-1", []byte("another request"), createOnce(k.Service, k.Owner, &runs))
	assert.ErrorIs(t, err, oauthapp.ErrIdempotencyKeyReused)
	assert.EqualValues(t, 1, runs.Load(), "the call ran once")
	apps, err := k.Service.ListApps(ctx, k.Owner, "", 10)
	require.NoError(t, err)
	assert.Len(t, apps, 1)

	t.Run("keys belong to an account", func(t *testing.T) {
		other := oauthapptest.NewActor(oauthapp.RoleOwner)
		_, replayed, err := k.Service.Idempotent(ctx, other, "create-1", []byte("request"), createOnce(k.Service, other, &runs))
		require.NoError(t, err)
		assert.False(t, replayed)
	})
}

// TestIdempotencyChecksTheRoleBeforeTheKey: a billing user who reuses an
// owner's key is refused for the role, and learns nothing of the key.
func TestIdempotencyChecksTheRoleBeforeTheKey(t *testing.T) {
	k := oauthapptest.New(t)
	var runs atomic.Int64
	_, _, err := k.Service.Idempotent(ctx, k.Owner, "owners-key", []byte("request"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	billing := k.Owner
	billing.UserSID, billing.Role = oauthapptest.NewActor(oauthapp.RoleOwner).UserSID, oauthapp.Role("billing")
	for _, req := range []string{"request", "another request"} {
		_, _, err := k.Service.Idempotent(ctx, billing, "owners-key", []byte(req), createOnce(k.Service, billing, &runs))
		assert.ErrorIs(t, err, oauthapp.ErrForbidden, "request %q", req)
	}
	assert.EqualValues(t, 1, runs.Load())
}

// TestIdempotentKeepsNoRefusedAnswer: an answer the call does not keep
// lets the key go, so that the corrected request may use it.
func TestIdempotentKeepsNoRefusedAnswer(t *testing.T) {
	k := oauthapptest.New(t)
	refused := func(context.Context) ([]byte, bool) { return []byte("400"), false }
	answer, replayed, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("bad"), refused)
	require.NoError(t, err)
	assert.Equal(t, "400", string(answer))
	assert.False(t, replayed)
	var runs atomic.Int64
	_, replayed, err = k.Service.Idempotent(ctx, k.Owner, "k", []byte("good"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.EqualValues(t, 1, runs.Load())
}

// TestIdempotentCallPanickingLetsItsKeyGo: a call that panics holds its
// key no longer.
func TestIdempotentCallPanickingLetsItsKeyGo(t *testing.T) {
	k := oauthapptest.New(t)
	func() {
		defer func() { assert.NotNil(t, recover()) }()
		_, _, _ = k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), func(context.Context) ([]byte, bool) { panic("boom") })
	}()
	var runs atomic.Int64
	_, _, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.EqualValues(t, 1, runs.Load())
}

// TestIdempotentConcurrentCallsWithOneKeyRunOnce: calls racing with one
// key run the call once; the others get its answer or
// ErrIdempotencyKeyInUse.
func TestIdempotentConcurrentCallsWithOneKeyRunOnce(t *testing.T) {
	k := oauthapptest.New(t)
	var runs atomic.Int64
	release := make(chan struct{})
	slow := func(c context.Context) ([]byte, bool) {
		<-release
		return createOnce(k.Service, k.Owner, &runs)(c)
	}
	const n = 20
	answers, errs := make([][]byte, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], _, errs[i] = k.Service.Idempotent(ctx, k.Owner, "race", []byte("r"), slow)
		}()
	}
	close(release)
	wg.Wait()
	var first []byte
	for i, err := range errs {
		if errors.Is(err, oauthapp.ErrIdempotencyKeyInUse) {
			continue
		}
		require.NoError(t, err)
		if first == nil {
			first = answers[i]
		}
		assert.Equal(t, first, answers[i])
	}
	assert.EqualValues(t, 1, runs.Load(), "one call ran")
}

// TestIdempotentAnswersAcrossInstancesWithTheKEK: two instances on one
// store with one key-encryption key: a retry on the other gets the first
// answer. Without a KEK it is refused there with ErrAnswerUnavailable, and
// the call runs no second time.
func TestIdempotentAnswersAcrossInstancesWithTheKEK(t *testing.T) {
	kek := newKEK(t)
	k := oauthapptest.New(t, oauthapptest.WithServiceOptions(oauthapp.WithKeyEncryptionKey(kek)))
	other := k.NewService()
	var runs atomic.Int64
	first, _, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	again, replayed, err := other.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(other, k.Owner, &runs))
	require.NoError(t, err)
	assert.True(t, replayed)
	assert.Equal(t, first, again)
	assert.EqualValues(t, 1, runs.Load())

	t.Run("an instance with another KEK cannot open the answer and runs nothing", func(t *testing.T) {
		foreign, err := oauthapp.New(k.Store, k.Keys, oauthapp.WithClock(k.Clock.Now), oauthapp.WithKeyEncryptionKey(newKEK(t)))
		require.NoError(t, err)
		_, _, err = foreign.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(foreign, k.Owner, &runs))
		assert.ErrorIs(t, err, oauthapp.ErrAnswerUnavailable)
		assert.EqualValues(t, 1, runs.Load())
	})
	t.Run("without a KEK a replay works on the instance that answered only", func(t *testing.T) {
		plain := oauthapptest.New(t)
		second := plain.NewService()
		var runs atomic.Int64
		first, _, err := plain.Service.Idempotent(ctx, plain.Owner, "k", []byte("r"), createOnce(plain.Service, plain.Owner, &runs))
		require.NoError(t, err)
		again, replayed, err := plain.Service.Idempotent(ctx, plain.Owner, "k", []byte("r"), createOnce(plain.Service, plain.Owner, &runs))
		require.NoError(t, err)
		assert.True(t, replayed)
		assert.Equal(t, first, again)
		_, _, err = second.Idempotent(ctx, plain.Owner, "k", []byte("r"), createOnce(second, plain.Owner, &runs))
		assert.ErrorIs(t, err, oauthapp.ErrAnswerUnavailable)
		assert.EqualValues(t, 1, runs.Load(), "the call ran once")
		apps, err := plain.Service.ListApps(ctx, plain.Owner, "", 10)
		require.NoError(t, err)
		assert.Len(t, apps, 1)
	})
}

// TestIdempotentAnswerIsStoredSealed: the stored answer holds no byte
// sequence of the secret it carries, with or without a KEK.
func TestIdempotentAnswerIsStoredSealed(t *testing.T) {
	for name, opts := range map[string][]oauthapp.Option{"with a KEK": {oauthapp.WithKeyEncryptionKey(newKEK(t))}, "without": nil} {
		t.Run(name, func(t *testing.T) {
			k := oauthapptest.New(t, oauthapptest.WithServiceOptions(opts...))
			var runs atomic.Int64
			answer, _, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
			require.NoError(t, err)
			sid, sec, _ := bytes.Cut(answer, []byte(" "))
			// A claim of the held key returns the stored record as it is.
			held, err := k.Store.ClaimIdempotencyKey(ctx, store.IdempotencyKey{AccountSID: k.Owner.AccountSID, Key: "k", Request: []byte("x"), Claim: "probe"}, k.Clock.Now())
			require.ErrorIs(t, err, store.ErrAlreadyExists)
			require.NotEmpty(t, held.Answer)
			assert.False(t, bytes.Contains(held.Answer, sec), "the secret is in the stored answer")
			assert.False(t, bytes.Contains(held.Answer, sid), "the answer is stored in plain text")
			assert.Len(t, held.Request, 32, "the request is stored as its SHA-256 hash")
		})
	}
}

// TestIdempotencyKeysArePurgedAfterADay: a key's answer is kept for
// IdempotencyKeyTTL; then Purge removes it and the key acts
// again.
func TestIdempotencyKeysArePurgedAfterADay(t *testing.T) {
	k := oauthapptest.New(t)
	var runs atomic.Int64
	_, _, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	k.Advance(oauthapp.IdempotencyKeyTTL - 1)
	purged, err := k.Service.Purge(ctx)
	require.NoError(t, err)
	assert.Zero(t, purged.IdempotencyKeys, "purged before a day")
	_, replayed, err := k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.True(t, replayed)
	k.Advance(1)
	purged, err = k.Service.Purge(ctx)
	require.NoError(t, err)
	assert.Equal(t, oauthapp.Purged{IdempotencyKeys: 1}, purged)
	_, replayed, err = k.Service.Idempotent(ctx, k.Owner, "k", []byte("r"), createOnce(k.Service, k.Owner, &runs))
	require.NoError(t, err)
	assert.False(t, replayed)
	assert.EqualValues(t, 2, runs.Load())
}

// TestIdempotencyKeyFormat: a key is 1 to 255 printable ASCII characters.
func TestIdempotencyKeyFormat(t *testing.T) {
	k := oauthapptest.New(t)
	var runs atomic.Int64
	for _, key := range []string{"", string(bytes.Repeat([]byte("k"), 256)), "tab\tkey", "é"} {
		_, _, err := k.Service.Idempotent(ctx, k.Owner, key, []byte("r"), createOnce(k.Service, k.Owner, &runs))
		assert.ErrorIs(t, err, oauthapp.ErrInvalidArgument, fmt.Sprintf("key %q", key))
	}
	assert.Zero(t, runs.Load())
}
