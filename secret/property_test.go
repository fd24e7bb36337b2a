package secret_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/secret"
)

var seedFlag = flag.Uint64("rotation.seed", 0, "seed of TestRotationMatchesModel (0: from the clock)")

// model is the reference the property test holds the credentials to: the
// rules, written as plainly as possible over indices into the list of
// secrets ever issued.
type model struct {
	now      time.Time
	issued   []secret.Secret
	cur      int
	prev     int // -1: none
	prevExp  time.Time
	lastUsed map[string]time.Time
}

func (m *model) accepts(i int) bool {
	return i == m.cur || (i == m.prev && m.now.Before(m.prevExp))
}

// TestRotationMatchesModel runs random sequences of rotations, clock moves,
// verifications, touches and store round trips, and after every step
// compares the credentials with the model. A failure prints the seed;
// -rotation.seed replays it.
func TestRotationMatchesModel(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	const runs, steps = 20, 500
	for run := range uint64(runs) {
		if err := rotationRun(t, seed+run, steps); err != nil {
			t.Fatalf("seed %d: %v (replay: go test -run TestRotationMatchesModel -rotation.seed=%d ./secret/)", seed+run, err, seed+run)
		}
	}
}

func rotationRun(t *testing.T, seed uint64, steps int) error {
	r := rand.New(rand.NewPCG(seed, seed))
	h := &counting{Hasher: secret.SHA256{}}
	c, s, err := secret.NewCredentials(t0, h)
	if err != nil {
		return err
	}
	m := &model{now: t0, issued: []secret.Secret{s}, prev: -1, lastUsed: map[string]time.Time{}}
	graces := []time.Duration{0, 1, time.Second, time.Hour, secret.DefaultGrace, secret.MaxGrace, -1, secret.MaxGrace + 1}

	for step := range steps {
		var what string
		switch op := r.IntN(10); {
		case op < 2: // rotate
			grace := graces[r.IntN(len(graces))]
			if r.IntN(3) == 0 {
				grace = time.Duration(r.Int64N(int64(secret.MaxGrace) + 1))
			}
			what = fmt.Sprintf("rotate with grace %v", grace)
			next, s, err := c.Rotate(m.now, grace, h)
			if grace < 0 || grace > secret.MaxGrace {
				if err == nil || next != c {
					return fmt.Errorf("step %d: %s: want an error and no change", step, what)
				}
				break
			}
			if err != nil {
				return fmt.Errorf("step %d: %s: %w", step, what, err)
			}
			c = next
			m.issued = append(m.issued, s)
			m.prev, m.cur = -1, len(m.issued)-1
			if grace > 0 {
				m.prev, m.prevExp = m.cur-1, m.now.Add(grace)
			}
		case op < 4: // move the clock
			var d time.Duration
			switch r.IntN(4) {
			case 0:
				d = m.prevExp.Sub(m.now) // exactly to the expiry
			case 1:
				d = m.prevExp.Sub(m.now) - 1
			case 2:
				d = time.Duration(r.Int64N(int64(48 * time.Hour)))
			case 3:
				d = -time.Duration(r.Int64N(int64(time.Hour))) // a clock that steps back
			}
			what = fmt.Sprintf("advance the clock by %v", d)
			m.now = m.now.Add(d)
		case op < 8: // verify
			i := r.IntN(len(m.issued))
			presented := m.issued[i]
			want := m.accepts(i)
			switch r.IntN(5) {
			case 0:
				presented, i, want = forge(t, presented.ID()), -1, false
			case 1:
				presented, i, want = generate(t), -1, false
			}
			what = fmt.Sprintf("verify secret %d", i)
			h.take()
			id, err := c.VerifyWith(m.now, presented, h)
			if n := h.take(); n != 1 {
				return fmt.Errorf("step %d: %s: %d hash comparisons, want 1", step, what, n)
			}
			if (err == nil) != want || (want && id != presented.ID()) {
				return fmt.Errorf("step %d: %s at %v: got id %q err %v, model accepts: %v", step, what, m.now, id, err, want)
			}
			if plain, err2 := c.Verify(m.now, presented); plain != id || (err2 == nil) != (err == nil) {
				return fmt.Errorf("step %d: %s: Verify and VerifyWith disagree", step, what)
			}
		case op < 9: // touch
			i := r.IntN(len(m.issued))
			id := m.issued[i].ID()
			what = fmt.Sprintf("touch secret %d", i)
			c = c.Touch(id, m.now)
			if (i == m.cur || i == m.prev) && m.now.After(m.lastUsed[id]) {
				m.lastUsed[id] = m.now
			}
		default: // through the store and back
			what = "store round trip"
			back, err := secret.FromRecords(c.Records())
			if err != nil || back != c {
				return fmt.Errorf("step %d: %s: %v", step, what, err)
			}
		}
		if err := m.check(c); err != nil {
			return fmt.Errorf("step %d, after %s: %w", step, what, err)
		}
	}
	return nil
}

// check compares everything observable about c with the model.
func (m *model) check(c secret.Credentials) error {
	active := 0
	for i, s := range m.issued {
		want := m.accepts(i)
		if got := c.Active(m.now, s.ID()); got != want {
			return fmt.Errorf("Active(secret %d) = %v, model says %v", i, got, want)
		}
		if want {
			active++
		}
	}
	if active > 2 {
		return fmt.Errorf("%d secrets active", active)
	}
	cur, prev := c.Records()
	if cur.ID != m.issued[m.cur].ID() || !cur.LastUsed.Equal(m.lastUsed[cur.ID]) {
		return fmt.Errorf("current record %+v, model has secret %d", cur, m.cur)
	}
	switch {
	case m.prev == -1 && prev != (secret.Record{}):
		return fmt.Errorf("previous record %+v, model has none", prev)
	case m.prev != -1 && (prev.ID != m.issued[m.prev].ID() || !prev.Expires.Equal(m.prevExp) || !prev.LastUsed.Equal(m.lastUsed[prev.ID])):
		return fmt.Errorf("previous record %+v, model has secret %d until %v", prev, m.prev, m.prevExp)
	}
	return nil
}
