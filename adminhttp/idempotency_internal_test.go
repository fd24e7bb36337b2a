package adminhttp

import (
	"crypto/sha256"
	"testing"
	"time"
)

// TestIdempotencyRecordBounds: the record never holds more than its
// capacity; a running request is never evicted (a new key is refused
// instead); an answered one is evicted oldest first, or dropped at its
// TTL; a failed answer lets its key go.
func TestIdempotencyRecordBounds(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fp := sha256.Sum256([]byte("request"))
	ok := response{status: 201, body: []byte("first")}
	m := newIdempotency(time.Hour, 2)

	if _, s := m.begin("a", fp, t0); s != idemNew {
		t.Fatalf("a: %v", s)
	}
	if _, s := m.begin("b", fp, t0); s != idemNew {
		t.Fatalf("b: %v", s)
	}
	if _, s := m.begin("c", fp, t0); s != idemFull {
		t.Fatalf("c with two running: %v, want idemFull", s)
	}
	if _, s := m.begin("a", fp, t0); s != idemRunning {
		t.Fatalf("a again while running: %v", s)
	}
	m.finish("a", ok, t0)
	m.finish("b", response{status: 400}, t0)
	if len(m.byKey) != 1 {
		t.Fatalf("%d entries after a success and a failure, want 1", len(m.byKey))
	}
	if got, s := m.begin("a", fp, t0.Add(time.Minute)); s != idemReplay || string(got.body) != "first" {
		t.Fatalf("a replay: %v %q", s, got.body)
	}
	if _, s := m.begin("a", sha256.Sum256([]byte("other")), t0); s != idemReused {
		t.Fatalf("a with another request: %v", s)
	}
	m.finish("c", ok, t0) // not held: ignored
	for _, k := range []string{"c", "d"} {
		if _, s := m.begin(k, fp, t0.Add(time.Minute)); s != idemNew {
			t.Fatalf("%s: %v", k, s)
		}
		m.finish(k, ok, t0.Add(time.Minute))
	}
	if len(m.byKey) > 2 {
		t.Fatalf("%d entries, capacity 2", len(m.byKey))
	}
	if _, s := m.begin("a", fp, t0.Add(2*time.Minute)); s != idemNew {
		t.Fatalf("a, the oldest, was not evicted: %v", s)
	}
	m.finish("a", ok, t0.Add(2*time.Minute))
	if _, s := m.begin("d", fp, t0.Add(time.Minute+time.Hour)); s != idemNew {
		t.Fatalf("d after its TTL: %v, want a new request", s)
	}
}
