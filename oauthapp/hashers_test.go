package oauthapp_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cheapArgon2id keeps the tests fast; the parameters travel in the hash.
func cheapArgon2id(t testing.TB, kib uint32) secret.Argon2id {
	t.Helper()
	a, err := secret.NewArgon2id(secret.WithArgon2Memory(kib), secret.WithArgon2Time(1))
	require.NoError(t, err)
	return a
}

const cheapArgonPrefix = "$argon2id$v=19$m=64,t=1,p=1$"

// countingHasher hashes with the hasher it wraps and counts the hash
// comparisons made through it by the algorithm of the stored hash, the
// part of a comparison's cost that differs between algorithms. It passes
// NeedsRehash on.
type countingHasher struct {
	secret.Hasher
	mu       sync.Mutex
	compares map[string]int
}

func newCountingHasher(h secret.Hasher) *countingHasher {
	return &countingHasher{Hasher: h, compares: make(map[string]int)}
}

func (h *countingHasher) Compare(encoded string, s secret.Secret) bool {
	h.mu.Lock()
	h.compares[algorithmOf(encoded)]++
	h.mu.Unlock()
	return h.Hasher.Compare(encoded, s)
}

func (h *countingHasher) NeedsRehash(encoded string) bool {
	return h.Hasher.(secret.Rehasher).NeedsRehash(encoded)
}

// take returns the counts so far and starts again from none.
func (h *countingHasher) take() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	got := h.compares
	h.compares = make(map[string]int)
	return got
}

func algorithmOf(encoded string) string {
	fields := strings.SplitN(encoded, "$", 3)
	if len(fields) < 3 {
		return "unreadable"
	}
	return fields[1]
}

// compareOnly is a Hasher of a user's own that has no NeedsRehash.
type compareOnly struct{ h secret.Hasher }

func (c compareOnly) Hash(s secret.Secret) (string, error)         { return c.h.Hash(s) }
func (c compareOnly) Compare(encoded string, s secret.Secret) bool { return c.h.Compare(encoded, s) }

// ownAlgorithm is the mistake secret.Rehasher warns about: it embeds
// SHA256 to add an algorithm of its own but keeps SHA256's NeedsRehash,
// which rejects the hashes it makes.
type ownAlgorithm struct{ secret.SHA256 }

func (o ownAlgorithm) Hash(s secret.Secret) (string, error) {
	h, err := o.SHA256.Hash(s)
	return "$mine$" + strings.TrimPrefix(h, "$sha256$"), err
}

func (o ownAlgorithm) Compare(encoded string, s secret.Secret) bool {
	if rest, ok := strings.CutPrefix(encoded, "$mine$"); ok {
		encoded = "$sha256$" + rest
	}
	return o.SHA256.Compare(encoded, s)
}

// hookedStore is the memory store with a hook run before each UpdateApp:
// the hook may change the store first (a concurrent writer) or return an
// error to hand back instead (a store failure). It counts the UpdateApp
// calls that reach the memory store.
type hookedStore struct {
	*store.Memory
	mu      sync.Mutex
	before  func(ctx context.Context, app store.App) error
	updates atomic.Int64
}

func (h *hookedStore) setHook(f func(ctx context.Context, app store.App) error) {
	h.mu.Lock()
	h.before = f
	h.mu.Unlock()
}

func (h *hookedStore) UpdateApp(ctx context.Context, app store.App) (store.App, error) {
	h.mu.Lock()
	before := h.before
	h.mu.Unlock()
	if before != nil {
		if err := before(ctx, app); err != nil {
			return store.App{}, err
		}
	}
	h.updates.Add(1)
	return h.Memory.UpdateApp(ctx, app)
}

// switched is a deployment after a change of hasher: apps made by the kit
// (SHA256), served by a second service on the same store and clock that
// hashes with the new hasher.
type switched struct {
	k      *oauthapptest.Kit
	st     *hookedStore
	svc    *oauthapp.Service
	events []oauthapp.Event
	logs   syncbuf.Buffer
	mu     sync.Mutex
}

func switchHasher(t *testing.T, h secret.Hasher, opts ...oauthapp.Option) *switched {
	t.Helper()
	mem := store.NewMemory()
	sw := &switched{k: oauthapptest.New(t, oauthapptest.WithStore(mem))}
	sw.st = &hookedStore{Memory: mem}
	logger := slog.New(slog.NewJSONHandler(&sw.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]oauthapp.Option{oauthapp.WithClock(sw.k.Clock.Now), oauthapp.WithHasher(h), oauthapp.WithLogger(logger),
		oauthapp.WithAudit(func(_ context.Context, e oauthapp.Event) {
			sw.mu.Lock()
			sw.events = append(sw.events, e)
			sw.mu.Unlock()
		})}, opts...)
	svc, err := oauthapp.New(sw.st, sw.k.Keys, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	sw.svc = svc
	return sw
}

func (sw *switched) log() string { return sw.logs.String() }

func (sw *switched) kinds() []oauthapp.EventKind {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	var kinds []oauthapp.EventKind
	for _, e := range sw.events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

func (sw *switched) stored(t *testing.T, sid string) store.App {
	t.Helper()
	rec, err := sw.k.Store.GetApp(ctx, sid)
	require.NoError(t, err)
	return rec
}

func (sw *switched) issue(sid, sec string) error {
	_, err := sw.svc.IssueToken(ctx, oauthapp.TokenRequest{ClientID: sid, ClientSecret: sec})
	return err
}

func TestHashersThatCannotSayNeverRewrite(t *testing.T) {
	t.Run("a hasher without NeedsRehash", func(t *testing.T) {
		sw := switchHasher(t, compareOnly{cheapArgon2id(t, 64)})
		app := sw.k.NewApp(permList)
		before := sw.stored(t, app.SID)
		require.NoError(t, sw.issue(app.SID, sw.k.Secret(app.SID)))
		assert.Equal(t, before.Version, sw.stored(t, app.SID).Version)
		assert.Zero(t, sw.st.updates.Load())
	})
	t.Run("a hasher whose NeedsRehash rejects its own hashes", func(t *testing.T) {
		sw := switchHasher(t, ownAlgorithm{})
		assert.Contains(t, sw.log(), "NeedsRehash rejects its own hashes", "New says so")
		// An app hashed by yet another hasher, which ownAlgorithm's
		// inherited NeedsRehash would ask to replace on every use.
		argon := sw.k.NewService(oauthapp.WithHasher(cheapArgon2id(t, 64)))
		app, sec, err := argon.CreateApp(ctx, sw.k.Owner, oauthapp.NewApp{FriendlyName: "argon", Permissions: oauthapp.Permissions{Allow: []string{permList}}})
		require.NoError(t, err)
		for range 3 {
			require.NoError(t, sw.issue(app.SID, sec.Reveal()))
		}
		assert.Equal(t, app.Version, sw.stored(t, app.SID).Version)
		assert.Zero(t, sw.st.updates.Load())
	})
}
