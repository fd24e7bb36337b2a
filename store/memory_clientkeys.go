package store

import (
	"context"
	"slices"
	"time"
)

// TouchClientKey moves the LastUsed of the app's client key with that id
// forward to at. It does nothing, without error, when the app or the key
// is missing, when keyID is empty, or when at is not after the recorded
// LastUsed. Subscribers are not told.
func (m *Memory) TouchClientKey(ctx context.Context, appSID, keyID string, at time.Time) error {
	return m.touch(ctx, appSID, keyID, func(old *App) (next App, moved bool) {
		i := slices.IndexFunc(old.Keys, func(k ClientKey) bool { return k.ID == keyID })
		if i < 0 || !at.After(old.Keys[i].LastUsed) {
			return App{}, false
		}
		next = *old
		next.Keys = slices.Clone(old.Keys)
		next.Keys[i].LastUsed = at
		return next, true
	})
}

// keepKeysLastUsed gives each key of next whose id stored also holds the
// later of the two LastUsed times, so that an update made from a read
// before a TouchClientKey does not undo it. next is the store's own copy.
func keepKeysLastUsed(next, stored []ClientKey) {
	for i := range next {
		for _, o := range stored {
			if o.ID == next[i].ID && o.LastUsed.After(next[i].LastUsed) {
				next[i].LastUsed = o.LastUsed
			}
		}
	}
}
