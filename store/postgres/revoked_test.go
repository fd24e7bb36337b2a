package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
)

func TestRevokedTokens(t *testing.T) {
	s, _, _ := newTestStore(t)
	ctx := context.Background()
	now := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)

	if err := s.RevokeToken(ctx, "later", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Revoking again with an earlier expiry keeps the later one.
	if err := s.RevokeToken(ctx, "later", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, "soon", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		id   string
		at   time.Time
		want bool
	}{
		{"revoked before its expiry", "soon", now, true},
		{"not revoked at its expiry", "soon", now.Add(time.Minute), false},
		{"a second revocation keeps the later expiry", "later", now.Add(30 * time.Minute), true},
		{"an unknown id is not revoked", "other", now, false},
		{"microsecond precision at the boundary", "soon", now.Add(time.Minute - time.Microsecond), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.IsTokenRevoked(ctx, tc.id, tc.at)
			if err != nil || got != tc.want {
				t.Fatalf("IsTokenRevoked(%s, %v) = %v, %v; want %v", tc.id, tc.at, got, err, tc.want)
			}
		})
	}

	t.Run("an empty id is invalid", func(t *testing.T) {
		if err := s.RevokeToken(ctx, "", now); !errors.Is(err, store.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
	})

	t.Run("purge removes entries expired at or before now", func(t *testing.T) {
		n, err := s.PurgeRevokedTokens(ctx, now.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("PurgeRevokedTokens = %d, %v; want 1", n, err)
		}
		if revoked, _ := s.IsTokenRevoked(ctx, "later", now); !revoked {
			t.Fatal("purge removed an entry that has not expired")
		}
		if n, err := s.PurgeRevokedTokens(ctx, now.Add(time.Minute)); err != nil || n != 0 {
			t.Fatalf("second purge = %d, %v; want 0", n, err)
		}
	})
}

func TestPurgeRevokedTokensInBatches(t *testing.T) {
	s, pool, _ := newTestStore(t)
	ctx := context.Background()
	const expired, live = 2*purgeBatch + 7, 3
	now := time.Now()
	if _, err := pool.Exec(ctx, "INSERT INTO "+s.q.revoked+" SELECT 'jti' || i, $1 FROM generate_series(1, $2) AS i",
		instant(now.Add(-time.Second)), expired); err != nil {
		t.Fatal(err)
	}
	for i := range live {
		if err := s.RevokeToken(ctx, "live"+string(rune('a'+i)), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PurgeRevokedTokens(ctx, now)
	if err != nil || n != expired {
		t.Fatalf("PurgeRevokedTokens = %d, %v; want %d", n, err, expired)
	}
	var left int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+s.q.revoked).Scan(&left); err != nil || left != live {
		t.Fatalf("%d rows left (%v), want %d", left, err, live)
	}
}
