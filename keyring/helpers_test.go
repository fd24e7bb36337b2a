package keyring_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/oauthapp/oauthapptest"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

var ctx = context.Background()

// t0 is when every fake clock starts.
var t0 = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// newClock is a fake clock at t0 that tests move by hand.
func newClock() *oauthapptest.Clock { return oauthapptest.NewClock(t0) }

func newKEK(t testing.TB) []byte {
	t.Helper()
	kek := make([]byte, keyring.KEKSize)
	_, err := rand.Read(kek)
	require.NoError(t, err)
	return kek
}

// testOptions are the options of a ring on a fake clock: keys sign for 10
// days, are published an hour ahead, and are removed an hour and five
// minutes after they retire.
func testOptions(c *oauthapptest.Clock, kek []byte, logs *syncbuf.Buffer) []keyring.Option {
	opts := []keyring.Option{
		keyring.WithClock(c.Now),
		keyring.WithRotation(10*24*time.Hour, time.Hour),
		keyring.WithMaxTokenTTL(time.Hour),
	}
	if kek != nil {
		opts = append(opts, keyring.WithKeyEncryptionKey(kek))
	}
	if logs != nil {
		opts = append(opts, keyring.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	}
	return opts
}

// newRing opens a ring and closes it when the test ends.
func newRing(t testing.TB, st store.SigningKeys, opts ...keyring.Option) *keyring.Ring {
	t.Helper()
	r, err := keyring.New(ctx, st, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// stored returns the store's keys.
func stored(t testing.TB, st store.SigningKeys) []store.SigningKey {
	t.Helper()
	recs, err := st.ListSigningKeys(ctx)
	require.NoError(t, err)
	return recs
}

// kids returns the kids of a key set, signing key first.
func kids(ks *token.KeySet) []string {
	var out []string
	for _, k := range ks.Keys() {
		out = append(out, k.ID())
	}
	return out
}

// mintWith mints a token with the key set at now.
func mintWith(t testing.TB, ks *token.KeySet, now time.Time) string {
	t.Helper()
	m, err := token.NewMinter(ks, "https://issuer.example", "api")
	require.NoError(t, err)
	raw, _, err := m.Mint(now, token.MintRequest{
		ClientID: "OQ0123456789abcdef0123456789abcdef", Scope: "/a/b/c/read",
		AccountSID: "AC0123456789abcdef0123456789abcdef", Region: "us1", SecretID: "sk1",
	})
	require.NoError(t, err)
	return raw
}

// validWith validates a token with the key set at now.
func validWith(ks *token.KeySet, raw string, now time.Time) error {
	v, err := token.NewValidator(ks, "https://issuer.example", "api")
	if err != nil {
		return err
	}
	_, err = v.Validate(now, raw)
	return err
}

// testSigner stands in for a KMS: an Ed25519 key behind crypto.Signer,
// counting its calls.
type testSigner struct {
	priv  ed25519.PrivateKey
	calls atomic.Int64
}

func newTestSigner(t testing.TB) *testSigner {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	return &testSigner{priv: priv}
}

func (s *testSigner) Public() crypto.PublicKey { return s.priv.Public() }

func (s *testSigner) Sign(r io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	s.calls.Add(1)
	return s.priv.Sign(r, msg, opts)
}
