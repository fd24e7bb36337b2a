package store

import (
	"slices"
	"sync"
	"sync/atomic"
)

// watchers is the subscriber list of Memory.Watch. Writers read it without
// a lock: it is an immutable slice swapped whole when a subscriber comes
// or goes, so a write with no subscribers pays one atomic load.
type watchers struct {
	mu   sync.Mutex // serialises add and remove
	list atomic.Pointer[[]*watcher]
}

type watcher struct {
	fn      func(Change)
	stopped atomic.Bool
}

// add subscribes fn and returns the function that unsubscribes it.
func (ws *watchers) add(fn func(Change)) (stop func()) {
	w := &watcher{fn: fn}
	ws.mu.Lock()
	var next []*watcher
	if cur := ws.list.Load(); cur != nil {
		next = slices.Clone(*cur)
	}
	next = append(next, w)
	ws.list.Store(&next)
	ws.mu.Unlock()

	var once sync.Once
	return func() { once.Do(func() { ws.remove(w) }) }
}

func (ws *watchers) remove(w *watcher) {
	w.stopped.Store(true)
	ws.mu.Lock()
	defer ws.mu.Unlock()
	cur := ws.list.Load()
	if cur == nil {
		return
	}
	next := slices.DeleteFunc(slices.Clone(*cur), func(x *watcher) bool { return x == w })
	ws.list.Store(&next)
}

// notify calls every subscriber that has not stopped. The caller holds no
// lock of the store.
func (ws *watchers) notify(c Change) {
	cur := ws.list.Load()
	if cur == nil {
		return
	}
	for _, w := range *cur {
		if !w.stopped.Load() {
			w.fn(c)
		}
	}
}
