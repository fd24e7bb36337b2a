package keyring_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/internal/syncbuf"
	"github.com/oauthapps/oauthapps/keyring"
	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/token"
)

func TestWrongKEKFailsAtStartAndChangesNothing(t *testing.T) {
	st, c := store.NewMemory(), newClock()
	// Closed, so that only the instances under test could write.
	require.NoError(t, newRing(t, st, testOptions(c, newKEK(t), nil)...).Close())
	before := stored(t, st)

	_, err := keyring.New(ctx, st, testOptions(c, newKEK(t), nil)...)
	require.ErrorIs(t, err, keyring.ErrForeignKEK)
	assert.Contains(t, err.Error(), before[0].KID, "the error names the key")
	assert.Equal(t, before, stored(t, st), "nothing in the store changed")

	t.Run("also when it would be time to rotate", func(t *testing.T) {
		c.Set(t0.Add(20 * 24 * time.Hour))
		_, err := keyring.New(ctx, st, testOptions(c, newKEK(t), nil)...)
		require.ErrorIs(t, err, keyring.ErrForeignKEK)
		assert.Equal(t, before, stored(t, st))
	})
	t.Run("also with no key-encryption key but a signer", func(t *testing.T) {
		_, err := keyring.New(ctx, st, keyring.WithClock(c.Now), keyring.WithSigner(newTestSigner(t)))
		require.ErrorIs(t, err, keyring.ErrForeignKEK)
		assert.Equal(t, before, stored(t, st))
	})
}

func TestTwoKEKsOnOneEmptyStoreMakeOneRing(t *testing.T) {
	// Both start on an empty store at once: the second to create the
	// first key loses the race and must fail, not start a ring of its own.
	st, c := store.NewMemory(), newClock()
	racer := &racingStore{Memory: st}
	first := newKEK(t)
	racer.before = func() {
		racer.before = nil
		newRing(t, st, testOptions(c, first, nil)...)
	}
	_, err := keyring.New(ctx, racer, testOptions(c, newKEK(t), nil)...)
	require.ErrorIs(t, err, keyring.ErrForeignKEK)
	assert.Len(t, stored(t, st), 1)
}

func TestUnopenableKeyIsRefusedOthersWork(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	a := newRing(t, st, testOptions(c, kek, nil)...)
	next, err := a.Rotate(ctx)
	require.NoError(t, err)
	recs := stored(t, st)
	require.Len(t, recs, 2)

	cases := map[string]func(r store.SigningKey, other store.SigningKey) store.SigningKey{
		"a flipped bit in the sealed key": func(r, _ store.SigningKey) store.SigningKey {
			r.PrivateKey = bytes.Clone(r.PrivateKey)
			r.PrivateKey[len(r.PrivateKey)-1] ^= 1
			return r
		},
		"another record's sealed key": func(r, other store.SigningKey) store.SigningKey {
			r.PrivateKey = other.PrivateKey
			return r
		},
		"a truncated sealed key": func(r, _ store.SigningKey) store.SigningKey {
			r.PrivateKey = r.PrivateKey[:10]
			return r
		},
	}
	for name, damage := range cases {
		t.Run(name+" refuses that key by kid and keeps the other", func(t *testing.T) {
			st2 := store.NewMemory()
			for _, r := range recs {
				if r.KID == next {
					r = damage(r, recs[0])
				}
				_, err := st2.CreateSigningKey(ctx, r)
				require.NoError(t, err)
			}
			logs := &syncbuf.Buffer{}
			b := newRing(t, st2, testOptions(c, kek, logs)...)
			refused := b.Refused()
			require.Len(t, refused, 1)
			var ke *keyring.KeyError
			require.ErrorAs(t, refused[0], &ke)
			assert.Equal(t, next, ke.KID)
			assert.ErrorIs(t, refused[0], keyring.ErrUnopenable)
			assert.Contains(t, refused[0].Error(), next)
			assert.Contains(t, logs.String(), next, "the refusal is logged with the kid")

			assert.Equal(t, []string{recs[0].KID}, kids(b.KeySet()), "the other key signs and verifies")
			raw := mintWith(t, b.KeySet(), t0)
			assert.NoError(t, validWith(a.KeySet(), raw, t0))
		})
	}
	t.Run("when the refused key is due to sign, the older one keeps signing", func(t *testing.T) {
		st2 := store.NewMemory()
		for _, r := range recs {
			if r.KID == next {
				r = cases["a flipped bit in the sealed key"](r, recs[0])
			}
			_, err := st2.CreateSigningKey(ctx, r)
			require.NoError(t, err)
		}
		c2 := newClock()
		b := newRing(t, st2, testOptions(c2, kek, nil)...)
		c2.Set(recs[1].SignFrom)
		require.NoError(t, b.Sync(ctx))
		assert.Equal(t, recs[0].KID, b.KeySet().SigningKey().ID())
	})
}

func TestKEKRotation(t *testing.T) {
	st, c := store.NewMemory(), newClock()
	oldKEK, newKEK := newKEK(t), newKEK(t)
	a := newRing(t, st, testOptions(c, oldKEK, nil)...)
	raw := mintWith(t, a.KeySet(), t0)
	before := stored(t, st)[0]

	// Every instance gets the new KEK first and the old one second.
	b := newRing(t, st, append(testOptions(c, newKEK, nil), keyring.WithKeyEncryptionKey(oldKEK))...)
	after := stored(t, st)[0]
	assert.Equal(t, before.KID, after.KID)
	assert.NotEqual(t, before.PrivateKey, after.PrivateKey, "re-sealed under the new KEK")
	assert.Equal(t, before.Version+1, after.Version)
	assert.NoError(t, validWith(b.KeySet(), raw, t0))

	// Then the old one can go.
	onlyNew := newRing(t, st, testOptions(c, newKEK, nil)...)
	assert.Empty(t, onlyNew.Refused())
	assert.Equal(t, before.KID, onlyNew.KeySet().SigningKey().ID())
	_, err := keyring.New(ctx, st, testOptions(c, oldKEK, nil)...)
	assert.ErrorIs(t, err, keyring.ErrForeignKEK, "an instance with only the old KEK is refused")
}

func TestNoKEKStoresNoPrivateKey(t *testing.T) {
	st := store.NewMemory()
	_, err := keyring.New(ctx, st)
	require.ErrorIs(t, err, keyring.ErrNoKEK)
	assert.Empty(t, stored(t, st))
}

func TestBadOptions(t *testing.T) {
	for name, opt := range map[string]keyring.Option{
		"short KEK":             keyring.WithKeyEncryptionKey(make([]byte, 16)),
		"HS256":                 keyring.WithAlgorithm(token.HS256),
		"lead not below period": keyring.WithRotation(time.Hour, time.Hour),
		"negative lead":         keyring.WithRotation(time.Hour, -time.Second),
		"TTL above the maximum": keyring.WithMaxTokenTTL(token.MaxTTL + time.Second),
		"negative leeway":       keyring.WithLeeway(-time.Second),
		"resync below 10ms":     keyring.WithResync(time.Millisecond),
		"nil clock":             keyring.WithClock(nil),
		"nil logger":            keyring.WithLogger(nil),
		"nil signer":            keyring.WithSigner(nil),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := keyring.New(ctx, store.NewMemory(), keyring.WithKeyEncryptionKey(newKEK(t)), opt)
			assert.ErrorIs(t, err, keyring.ErrInvalidOption)
		})
	}
	t.Run("DecodeKEK quotes none of its input", func(t *testing.T) {
		for _, in := range []string{"not base64 at all!!", base64.StdEncoding.EncodeToString([]byte("sixteen bytes..."))} {
			_, err := keyring.DecodeKEK(in)
			require.ErrorIs(t, err, keyring.ErrInvalidOption)
			assert.NotContains(t, err.Error(), in)
		}
		kek := newKEK(t)
		got, err := keyring.DecodeKEK(base64.StdEncoding.EncodeToString(kek) + "\n")
		require.NoError(t, err)
		assert.Equal(t, kek, got)
	})
}

// TestNoKeyMaterialInLogsOrErrors runs every path that logs or fails,
// and looks for any private key or sealed key, in any encoding, in what
// came out.
func TestNoKeyMaterialInLogsOrErrors(t *testing.T) {
	st, c, kek := store.NewMemory(), newClock(), newKEK(t)
	logs := &syncbuf.Buffer{}
	var errs []error
	a := newRing(t, st, testOptions(c, kek, logs)...)
	_, err := a.Rotate(ctx)
	require.NoError(t, err)
	c.Set(t0.Add(30 * 24 * time.Hour))
	require.NoError(t, a.Sync(ctx))
	// Damage one key, open with a wrong KEK, re-seal under a new one.
	recs := stored(t, st)
	damaged := recs[len(recs)-1]
	damaged.PrivateKey = bytes.Clone(damaged.PrivateKey)
	damaged.PrivateKey[30] ^= 0xff
	_, err = st.UpdateSigningKey(ctx, damaged)
	require.NoError(t, err)
	require.NoError(t, a.Sync(ctx))
	errs = append(errs, a.Refused()...)
	_, err = keyring.New(ctx, st, testOptions(c, newKEK(t), logs)...)
	errs = append(errs, err)
	newRing(t, st, append(testOptions(c, newKEK(t), logs), keyring.WithKeyEncryptionKey(kek))...)
	require.NotEmpty(t, errs)

	var out strings.Builder
	out.WriteString(logs.String())
	for _, e := range errs {
		out.WriteString(e.Error())
	}
	text := out.String()
	for _, r := range append(recs, stored(t, st)...) {
		forms := map[string][]byte{"sealed": r.PrivateKey}
		for name, b := range forms {
			if len(b) == 0 {
				continue
			}
			for enc, s := range map[string]string{
				"raw": string(b[len(b)-16:]), "hex": hex.EncodeToString(b[len(b)-16:]),
				"base64": base64.StdEncoding.EncodeToString(b[len(b)-15:]), "base64url": base64.RawURLEncoding.EncodeToString(b[len(b)-15:]),
			} {
				assert.NotContains(t, text, s, "%s key of %s as %s", name, r.KID, enc)
			}
		}
	}
	assert.NotContains(t, text, "PRIVATE KEY")
	for _, k := range a.KeySet().Keys() {
		if !k.CanSign() {
			continue
		}
		pemBytes, err := k.MarshalPrivateKeyPEM()
		require.NoError(t, err)
		body := strings.Split(string(pemBytes), "\n")[1]
		assert.NotContains(t, text, body[len(body)-24:], "the private key of %s", k.ID())
	}
	assert.NotContains(t, text, base64.StdEncoding.EncodeToString(kek)[:20], "the KEK itself")
	assert.NotContains(t, text, hex.EncodeToString(kek)[:20], "the KEK itself")
}

func TestReSealedUnderANewKEKAnInstanceOnTheOldKeepsItsKeys(t *testing.T) {
	st, c := store.NewMemory(), newClock()
	oldKEK, newKEK := newKEK(t), newKEK(t)
	logs := &syncbuf.Buffer{}
	behind := newRing(t, st, testOptions(c, oldKEK, logs)...)
	kid := behind.KeySet().SigningKey().ID()
	newRing(t, st, append(testOptions(c, newKEK, nil), keyring.WithKeyEncryptionKey(oldKEK))...)
	require.NoError(t, behind.Sync(ctx))
	assert.Equal(t, kid, behind.KeySet().SigningKey().ID(), "still signs with the key it opened")
	assert.Empty(t, behind.Refused())
	assert.Contains(t, logs.String(), "re-sealed under a key-encryption key this instance does not hold")
	_, err := keyring.New(ctx, st, testOptions(c, oldKEK, nil)...)
	assert.ErrorIs(t, err, keyring.ErrForeignKEK, "but could not start again")
}
