package secret_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func newCredentials(t testing.TB) (secret.Credentials, secret.Secret) {
	t.Helper()
	c, s, err := secret.NewCredentials(t0, nil)
	require.NoError(t, err)
	return c, s
}

func rotate(t testing.TB, c secret.Credentials, now time.Time, grace time.Duration) (secret.Credentials, secret.Secret) {
	t.Helper()
	c, s, err := c.Rotate(now, grace, nil)
	require.NoError(t, err)
	return c, s
}

func verifies(c secret.Credentials, now time.Time, s secret.Secret) bool {
	id, err := c.Verify(now, s)
	if err != nil {
		return false
	}
	return id == s.ID()
}

// TestRotationRules checks rules R8 and R9: which secrets verify when.
func TestRotationRules(t *testing.T) {
	type check struct {
		at   time.Duration // after the last rotation
		slot int           // index into the secrets, oldest first
		ok   bool
	}
	tests := []struct {
		name      string
		rotations []time.Duration // graces, each rotation one hour after the one before
		checks    []check
	}{
		{
			name:   "first secret verifies and keeps verifying",
			checks: []check{{0, 0, true}, {100 * 365 * 24 * time.Hour, 0, true}},
		},
		{
			name:      "old secret works one nanosecond before its grace ends",
			rotations: []time.Duration{time.Hour},
			checks:    []check{{0, 0, true}, {time.Hour - 1, 0, true}, {time.Hour - 1, 1, true}},
		},
		{
			name:      "old secret fails exactly when its grace ends, new one goes on",
			rotations: []time.Duration{time.Hour},
			checks:    []check{{time.Hour, 0, false}, {time.Hour + 1, 0, false}, {time.Hour, 1, true}},
		},
		{
			name:      "default grace is one day",
			rotations: []time.Duration{secret.DefaultGrace},
			checks:    []check{{24*time.Hour - 1, 0, true}, {24 * time.Hour, 0, false}},
		},
		{
			name:      "maximum grace is thirty days",
			rotations: []time.Duration{secret.MaxGrace},
			checks:    []check{{30*24*time.Hour - 1, 0, true}, {30 * 24 * time.Hour, 0, false}},
		},
		{
			name:      "second rotation inside the grace kills the oldest at once",
			rotations: []time.Duration{secret.DefaultGrace, secret.DefaultGrace},
			checks:    []check{{0, 0, false}, {0, 1, true}, {0, 2, true}, {24*time.Hour - 1, 1, true}, {24 * time.Hour, 1, false}},
		},
		{
			name:      "grace 0 stops the old secret at once",
			rotations: []time.Duration{0},
			checks:    []check{{0, 0, false}, {0, 1, true}},
		},
		{
			name:      "grace 0 inside an earlier grace leaves only the new secret",
			rotations: []time.Duration{secret.DefaultGrace, 0},
			checks:    []check{{0, 0, false}, {0, 1, false}, {0, 2, true}},
		},
		{
			name:      "never more than two verify after many rotations inside the grace",
			rotations: []time.Duration{secret.MaxGrace, secret.MaxGrace, secret.MaxGrace, secret.MaxGrace, secret.MaxGrace},
			checks:    []check{{0, 0, false}, {0, 1, false}, {0, 2, false}, {0, 3, false}, {0, 4, true}, {0, 5, true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newCredentials(t)
			secrets := []secret.Secret{s}
			now := t0
			for _, grace := range tt.rotations {
				now = now.Add(time.Hour)
				c, s = rotate(t, c, now, grace)
				secrets = append(secrets, s)
			}
			for _, ck := range tt.checks {
				at := now.Add(ck.at)
				got := verifies(c, at, secrets[ck.slot])
				assert.Equal(t, ck.ok, got, "secret %d at +%v", ck.slot, ck.at)
				assert.Equal(t, ck.ok, c.Active(at, secrets[ck.slot].ID()), "Active agrees with Verify for secret %d at +%v", ck.slot, ck.at)
			}
			alive := 0
			for _, s := range secrets {
				if verifies(c, now, s) {
					alive++
				}
			}
			assert.LessOrEqual(t, alive, 2, "never more than two secrets verify")
		})
	}
}

func TestRotateRejects(t *testing.T) {
	c, s := newCredentials(t)
	tests := []struct {
		name  string
		c     secret.Credentials
		grace time.Duration
		h     secret.Hasher
		want  error
	}{
		{"negative grace", c, -time.Nanosecond, nil, secret.ErrInvalidGrace},
		{"grace over thirty days", c, secret.MaxGrace + time.Nanosecond, nil, secret.ErrInvalidGrace},
		{"credentials without a secret", secret.Credentials{}, time.Hour, nil, secret.ErrNoSecret},
		{"hasher that fails", c, time.Hour, failingHasher{}, errHasher},
		{"hasher whose hash does not describe itself", c, time.Hour, bareHasher{}, secret.ErrInvalidRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fresh, err := tt.c.Rotate(t0, tt.grace, tt.h)
			require.ErrorIs(t, err, tt.want)
			assert.True(t, fresh.IsZero(), "no secret comes back")
			assert.Equal(t, tt.c, got, "the credentials come back unchanged")
		})
	}
	assert.True(t, verifies(c, t0, s), "the receiver still verifies its secret")
}

var errHasher = errors.New("hasher broke")

type failingHasher struct{ secret.SHA256 }

func (failingHasher) Hash(secret.Secret) (string, error) { return "", errHasher }

type bareHasher struct{ secret.SHA256 }

func (bareHasher) Hash(s secret.Secret) (string, error) { return "plain", nil }

func TestRotateLeavesTheReceiverAlone(t *testing.T) {
	c, first := newCredentials(t)
	before := c
	next, second := rotate(t, c, t0, 0)
	assert.Equal(t, before, c)
	assert.True(t, verifies(c, t0, first), "the old value still holds the first secret")
	assert.False(t, verifies(c, t0, second))
	assert.True(t, verifies(next, t0, second))
	assert.NotEqual(t, first.ID(), second.ID())
}

func TestVerifyFailsTheSameWayForEveryReason(t *testing.T) {
	c, first := newCredentials(t)
	c, second := rotate(t, c, t0, time.Hour)
	expired := t0.Add(time.Hour)
	tests := []struct {
		name      string
		c         secret.Credentials
		now       time.Time
		presented secret.Secret
	}{
		{"unknown secret", c, t0, generate(t)},
		{"current id with a wrong secret", c, t0, forge(t, second.ID())},
		{"previous id with a wrong secret", c, t0, forge(t, first.ID())},
		{"expired previous secret", c, expired, first},
		{"zero secret", c, t0, secret.Secret{}},
		{"zero credentials", secret.Credentials{}, t0, second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := tt.c.Verify(tt.now, tt.presented)
			assert.Empty(t, id)
			assert.Same(t, secret.ErrMismatch, err, "one bare error for every failure")
		})
	}
}

// TestVerifyCostsOneComparison counts hash comparisons: one for every
// outcome, so an unknown client (checked against a decoy) costs what a
// known one does.
func TestVerifyCostsOneComparison(t *testing.T) {
	h := &counting{Hasher: secret.SHA256{}}
	c, first, err := secret.NewCredentials(t0, h)
	require.NoError(t, err)
	c, second, err := c.Rotate(t0, time.Hour, h)
	require.NoError(t, err)
	decoy, err := secret.Decoy(h)
	require.NoError(t, err)
	tests := []struct {
		name      string
		c         secret.Credentials
		now       time.Time
		presented secret.Secret
		ok        bool
	}{
		{"current secret", c, t0, second, true},
		{"previous secret", c, t0, first, true},
		{"expired previous secret", c, t0.Add(time.Hour), first, false},
		{"wrong secret with the current id", c, t0, forge(t, second.ID()), false},
		{"unknown id", c, t0, generate(t), false},
		{"unknown client against the decoy", decoy, t0, second, false},
	}
	h.take()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.VerifyWith(tt.now, tt.presented, h)
			assert.Equal(t, tt.ok, err == nil)
			assert.Equal(t, int64(1), h.take())
		})
	}
}

func TestActive(t *testing.T) {
	c, first := newCredentials(t)
	c, second := rotate(t, c, t0, time.Hour)
	tests := []struct {
		name string
		now  time.Time
		id   string
		want bool
	}{
		{"current", t0.Add(1000 * time.Hour), second.ID(), true},
		{"previous inside its grace", t0.Add(time.Hour - 1), first.ID(), true},
		{"previous at its expiry", t0.Add(time.Hour), first.ID(), false},
		{"unknown id", t0, generate(t).ID(), false},
		{"empty id", t0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.Active(tt.now, tt.id))
		})
	}
	assert.False(t, secret.Credentials{}.Active(t0, ""), "the zero credentials accept nothing")
}

func TestTouch(t *testing.T) {
	c, first := newCredentials(t)
	c, second := rotate(t, c, t0, time.Hour)
	later := t0.Add(time.Minute)

	touched := c.Touch(second.ID(), later)
	cur, prev := touched.Records()
	assert.Equal(t, later, cur.LastUsed, "current slot records its use")
	assert.True(t, prev.LastUsed.IsZero(), "the other slot is untouched")
	cur, _ = c.Records()
	assert.True(t, cur.LastUsed.IsZero(), "the receiver is untouched")

	back := touched.Touch(second.ID(), t0)
	cur, _ = back.Records()
	assert.Equal(t, later, cur.LastUsed, "last used never moves back")

	_, prev = c.Touch(first.ID(), later).Records()
	assert.Equal(t, later, prev.LastUsed, "previous slot records its use")

	assert.Equal(t, c, c.Touch(generate(t).ID(), later), "an unknown id changes nothing")
	assert.Equal(t, c, c.Touch("", later), "an empty id changes nothing")
}
