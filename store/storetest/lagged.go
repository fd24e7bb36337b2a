package storetest

import (
	"time"

	"github.com/oauthapps/oauthapps/store"
)

// Lagged wraps a store so that each notification says when its change was
// made (store.Change.At): Lag before what Now reads when the notification
// is sent, as a store shared by several processes may report. Every other
// call of Capable passes to the store it wraps. Tests of what a service
// makes of the lag use it; Now is usually the service's own clock.
type Lagged struct {
	Capable
	Now func() time.Time
	Lag time.Duration
}

// Watch passes fn's notifications on, each stamped with Now() - Lag.
func (l *Lagged) Watch(fn func(store.Change)) (stop func()) {
	return l.Capable.Watch(func(c store.Change) {
		c.At = l.Now().Add(-l.Lag)
		fn(c)
	})
}
