package oauthotel

import (
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// tally counts events per attribute set in atomic integers, which an
// observable counter reads when metrics are collected: counting costs a
// map read and an atomic add on the request path instead of a pass
// through the SDK's aggregation. The keys are the bounded values of the
// library's outcome types; New fills the map with every value this
// version knows, and values it does not know go to a sync.Map.
type tally[K comparable] struct {
	known map[K]*tallyEntry // read-only after New
	more  sync.Map          // K -> *tallyEntry
	build func(K) attribute.Set
}

type tallyEntry struct {
	n   atomic.Int64
	opt []metric.ObserveOption
}

func newTallyEntry(s attribute.Set) *tallyEntry {
	return &tallyEntry{opt: []metric.ObserveOption{metric.WithAttributeSet(s)}}
}

func newTally[K comparable](build func(K) attribute.Set, known ...K) *tally[K] {
	t := &tally[K]{known: make(map[K]*tallyEntry, len(known)), build: build}
	for _, k := range known {
		t.known[k] = newTallyEntry(build(k))
	}
	return t
}

// add counts one event of k.
func (t *tally[K]) add(k K) {
	if e, ok := t.known[k]; ok {
		e.n.Add(1)
		return
	}
	e, ok := t.more.Load(k)
	if !ok {
		e, _ = t.more.LoadOrStore(k, newTallyEntry(t.build(k)))
	}
	e.(*tallyEntry).n.Add(1)
}

// observe reports every count that is not zero.
func (t *tally[K]) observe(o metric.Int64Observer) {
	for _, e := range t.known {
		if n := e.n.Load(); n > 0 {
			o.Observe(n, e.opt...)
		}
	}
	t.more.Range(func(_, v any) bool {
		e := v.(*tallyEntry)
		o.Observe(e.n.Load(), e.opt...)
		return true
	})
}
