package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAppIndexKeepsSIDOrderThroughInsertsAndRemoves drives the B-tree with
// random inserts, replaces and removes, enough to split, borrow and merge
// at several levels, and checks after each step against a sorted slice:
// same size, same order, pages starting anywhere, and the shape rules of a
// B-tree (node sizes, every leaf at the same depth, keys between their
// separators).
//
// The SIDs come in three shapes: ones whose first 16 bytes all tie (the
// inline key never decides), random ones (it always does), and short ones
// with zero bytes, where zero padding must not reorder anything.
func TestAppIndexKeepsSIDOrderThroughInsertsAndRemoves(t *testing.T) {
	for name, sid := range map[string]func(int) string{
		"keys tie":              func(n int) string { return fmt.Sprintf("OQ%032x", n) },
		"keys differ":           func(n int) string { return fmt.Sprintf("OQ%016x%016x", uint64(n)*0x9e3779b97f4a7c15, n) },
		"short with zero bytes": func(n int) string { return strings.Repeat("\x00", n%3) + fmt.Sprint(n) },
	} {
		t.Run(name, func(t *testing.T) { exerciseIndex(t, sid) })
	}
}

func exerciseIndex(t *testing.T, sid func(int) string) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x appIndex
	var model []string
	const space = 20_000
	for step := range 60_000 {
		n := rng.IntN(space)
		s := sid(n)
		i, found := slices.BinarySearch(model, s)
		switch op := rng.IntN(10); {
		case op < 6 && !found: // insert
			x.insert(&App{SID: s})
			model = slices.Insert(model, i, s)
		case op < 8 && found: // remove
			x.remove(s)
			model = slices.Delete(model, i, i+1)
		case op < 9: // replace, present or not
			next := &App{SID: s, Version: int64(step)}
			x.replace(next)
			if found {
				before := ""
				if i > 0 {
					before = model[i-1]
				}
				var got *App
				x.after(before, func(a *App) bool { got = a; return false })
				if got != next {
					t.Fatalf("step %d: replace of %s did not take", step, s)
				}
			}
		default: // remove a missing SID: nothing changes
			if !found {
				x.remove(s)
			}
		}
		if x.len() != len(model) {
			t.Fatalf("step %d: len %d, want %d", step, x.len(), len(model))
		}
		if step%997 == 0 {
			checkIndex(t, &x, model)
		}
	}
	// Empty it completely, the way an account's last apps go.
	for _, s := range slices.Clone(model) {
		x.remove(s)
	}
	if x.len() != 0 || x.root != nil {
		t.Fatalf("emptied index has len %d, root %v", x.len(), x.root)
	}
}

// checkIndex compares the whole index and a few pages with the model, and
// checks the B-tree's shape.
func checkIndex(t *testing.T, x *appIndex, model []string) {
	t.Helper()
	var all []string
	x.after("", func(a *App) bool { all = append(all, a.SID); return true })
	if !slices.Equal(all, model) {
		t.Fatalf("in-order walk has %d SIDs, model %d; differ", len(all), len(model))
	}
	for _, start := range []int{0, 1, len(model) / 2, len(model) - 1} {
		if start < 0 || start >= len(model) {
			continue
		}
		var page []string
		x.after(model[start], func(a *App) bool { page = append(page, a.SID); return len(page) < 50 })
		want := model[start+1 : min(start+51, len(model))]
		if !slices.Equal(page, want) {
			t.Fatalf("page after %s: got %d SIDs, want %d", model[start], len(page), len(want))
		}
	}
	if x.root != nil {
		leafDepth := -1
		checkNode(t, x.root, true, 0, &leafDepth, "", "\xff")
	}
}

func checkNode(t *testing.T, n *indexNode, root bool, depth int, leafDepth *int, lo, hi string) {
	t.Helper()
	if len(n.items) > maxItems || (!root && len(n.items) < minItems) || len(n.items) == 0 {
		t.Fatalf("node at depth %d holds %d records", depth, len(n.items))
	}
	for i, it := range n.items {
		a := it.app
		if it.key != keyOf(a.SID) {
			t.Fatalf("node at depth %d holds a stale key", depth)
		}
		if a.SID <= lo || a.SID >= hi || (i > 0 && n.items[i-1].app.SID >= a.SID) {
			t.Fatalf("node at depth %d out of order", depth)
		}
	}
	if n.leaf() {
		if *leafDepth == -1 {
			*leafDepth = depth
		} else if *leafDepth != depth {
			t.Fatalf("leaves at depths %d and %d", *leafDepth, depth)
		}
		return
	}
	if len(n.children) != len(n.items)+1 {
		t.Fatalf("node with %d records has %d children", len(n.items), len(n.children))
	}
	for i, c := range n.children {
		clo, chi := lo, hi
		if i > 0 {
			clo = n.items[i-1].app.SID
		}
		if i < len(n.items) {
			chi = n.items[i].app.SID
		}
		checkNode(t, c, false, depth+1, leafDepth, clo, chi)
	}
}
