package secret_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oauthapps/oauthapps/secret"
	"github.com/oauthapps/oauthapps/store"
)

func TestRecordsRoundTrip(t *testing.T) {
	c, first := newCredentials(t)
	c, second := rotate(t, c, t0.Add(time.Minute), time.Hour)
	c = c.Touch(first.ID(), t0.Add(2*time.Minute))

	cur, prev := c.Records()
	assert.Equal(t, second.ID(), cur.ID)
	assert.Equal(t, t0.Add(time.Minute), cur.Created)
	assert.True(t, cur.Expires.IsZero(), "the current secret has no expiry")
	assert.Equal(t, first.ID(), prev.ID)
	assert.Equal(t, t0, prev.Created)
	assert.Equal(t, t0.Add(time.Minute+time.Hour), prev.Expires)
	assert.Equal(t, t0.Add(2*time.Minute), prev.LastUsed)

	// Through the store's record type and back, as the service does.
	stored := store.Secrets{Current: store.Secret(cur), Previous: store.Secret(prev)}
	back, err := secret.FromRecords(secret.Record(stored.Current), secret.Record(stored.Previous))
	require.NoError(t, err)
	assert.Equal(t, c, back)
	assert.True(t, verifies(back, t0, first))
	assert.True(t, verifies(back, t0, second))

	_, empty := newCredentials(t)
	c, _ = newCredentials(t)
	_, prev = c.Records()
	assert.Equal(t, secret.Record{}, prev, "no previous secret is an empty record")
	back, err = secret.FromRecords(c.Records())
	require.NoError(t, err)
	assert.Equal(t, c, back)
	assert.False(t, verifies(back, t0, empty))
}

func TestFromRecordsRejects(t *testing.T) {
	c, _ := newCredentials(t)
	c, _ = rotate(t, c, t0, time.Hour)
	cur, prev := c.Records()
	with := func(r secret.Record, change func(*secret.Record)) secret.Record {
		change(&r)
		return r
	}
	tests := []struct {
		name      string
		cur, prev secret.Record
	}{
		{"empty current slot", secret.Record{}, secret.Record{}},
		{"current id too short", with(cur, func(r *secret.Record) { r.ID = r.ID[1:] }), prev},
		{"current id in upper case", with(cur, func(r *secret.Record) { r.ID = "ABCDEFGH" }), prev},
		{"current hash empty", with(cur, func(r *secret.Record) { r.Hash = "" }), prev},
		{"current hash without algorithm", with(cur, func(r *secret.Record) { r.Hash = r.Hash[8:] }), prev},
		{"current sha256 hash truncated", with(cur, func(r *secret.Record) { r.Hash = r.Hash[:20] }), prev},
		{"current argon2id hash unreadable", with(cur, func(r *secret.Record) { r.Hash = "$argon2id$v=19$m=1,t=1,p=1$x$y" }), prev},
		{"current secret with an expiry", with(cur, func(r *secret.Record) { r.Expires = t0 }), prev},
		{"previous secret without an expiry", cur, with(prev, func(r *secret.Record) { r.Expires = time.Time{} })},
		{"previous id malformed", cur, with(prev, func(r *secret.Record) { r.ID = "x" })},
		{"previous hash empty", cur, with(prev, func(r *secret.Record) { r.Hash = "" })},
		{"previous slot without id but with a hash", cur, with(prev, func(r *secret.Record) { r.ID = "" })},
		{"both slots with one id", cur, with(prev, func(r *secret.Record) { r.ID = cur.ID })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := secret.FromRecords(tt.cur, tt.prev)
			require.ErrorIs(t, err, secret.ErrInvalidRecord)
			assert.Equal(t, secret.Credentials{}, got)
			if tt.cur.Hash != "" {
				assert.NotContains(t, err.Error(), tt.cur.Hash, "errors never quote a hash")
			}
		})
	}
	t.Run("hash of an algorithm of the caller's own", func(t *testing.T) {
		custom := with(cur, func(r *secret.Record) { r.Hash = "$bcrypt$anything" })
		_, err := secret.FromRecords(custom, prev)
		assert.NoError(t, err, "a self-describing hash of another algorithm is left to the caller's hasher")
	})
	t.Run("expired previous secret", func(t *testing.T) {
		_, err := secret.FromRecords(cur, with(prev, func(r *secret.Record) { r.Expires = t0.Add(-time.Hour) }))
		assert.NoError(t, err, "it is kept, and never verifies")
	})
}
