package store

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
)

// appIndex is one account's apps ordered by SID: a B-tree, so that adding,
// removing, replacing and finding where a page starts cost O(log n) in the
// account's size, and a page of k apps costs O(log n + k). An account with
// a million apps pays what an account with ten does, times a few tree
// levels.
//
// Each node holds between minItems and maxItems records (the root may hold
// fewer) and, unless it is a leaf, one more child than records. Records in
// children[i] sort before items[i], those in children[i+1] after it. The
// index owns its nodes; the records are the store's published *App values,
// shared with the SID map.
//
// The zero appIndex is an empty index. It is not safe for concurrent use:
// Memory guards it with its mutex.
type appIndex struct {
	root *indexNode
	n    int
}

type indexNode struct {
	items    []indexItem
	children []*indexNode
}

// indexItem is a record with the first 16 bytes of its SID held inline, so
// that a descent compares keys inside the node it is reading instead of
// following a pointer to every record it passes (a cache miss each, in a
// large account). Records whose prefixes tie compare by their whole SID.
type indexItem struct {
	key indexKey
	app *App
}

// indexKey is a SID's first 16 bytes, big-endian, padded with zeros. Two
// keys compare like the strings they come from, except that equal keys
// may come from different strings.
type indexKey struct{ hi, lo uint64 }

func keyOf(sid string) indexKey {
	var b [16]byte
	copy(b[:], sid)
	return indexKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// compare orders the item against a SID and its key.
func (it indexItem) compare(k indexKey, sid string) int {
	if c := cmp.Compare(it.key.hi, k.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(it.key.lo, k.lo); c != 0 {
		return c
	}
	return strings.Compare(it.app.SID, sid)
}

func itemOf(a *App) indexItem { return indexItem{keyOf(a.SID), a} }

const (
	// maxItems and minItems bound a node's records: a node is split when
	// it would exceed maxItems and refilled when it falls below minItems.
	// 63 items of 24 bytes fill a node in about 1.5 KiB, so the index
	// adds about 30 to 50 bytes per app.
	maxItems = 63
	minItems = maxItems / 2
)

// len returns how many apps the index holds.
func (x *appIndex) len() int { return x.n }

// insert adds a, whose SID the index must not hold yet.
func (x *appIndex) insert(a *App) {
	if x.root == nil {
		x.root = &indexNode{items: []indexItem{itemOf(a)}}
		x.n = 1
		return
	}
	if len(x.root.items) >= maxItems {
		mid, right := x.root.split(maxItems / 2)
		x.root = &indexNode{items: []indexItem{mid}, children: []*indexNode{x.root, right}}
	}
	x.root.insert(itemOf(a))
	x.n++
}

// replace puts next in place of the record with next's SID, if there is
// one.
func (x *appIndex) replace(next *App) {
	k := keyOf(next.SID)
	for n := x.root; n != nil; {
		i, found := n.find(k, next.SID)
		if found {
			n.items[i].app = next
			return
		}
		if n.leaf() {
			return
		}
		n = n.children[i]
	}
}

// remove takes out the record with that SID, if there is one.
func (x *appIndex) remove(sid string) {
	if x.root == nil {
		return
	}
	if x.root.remove(keyOf(sid), sid) {
		x.n--
	}
	if len(x.root.items) == 0 {
		if x.root.leaf() {
			x.root = nil
		} else {
			x.root = x.root.children[0]
		}
	}
}

// after calls fn for the records whose SID sorts after the given one, in
// ascending order, until fn returns false or the records run out.
func (x *appIndex) after(sid string, fn func(*App) bool) {
	if x.root != nil {
		x.root.after(keyOf(sid), sid, fn)
	}
}

func (n *indexNode) leaf() bool { return len(n.children) == 0 }

// find returns where sid is, or where it would go, among n's records.
func (n *indexNode) find(k indexKey, sid string) (int, bool) {
	return slices.BinarySearchFunc(n.items, sid, func(it indexItem, sid string) int { return it.compare(k, sid) })
}

// split cuts n at record i: n keeps the records before it, the returned
// node those after it, and the record itself goes up to the parent.
func (n *indexNode) split(i int) (indexItem, *indexNode) {
	mid := n.items[i]
	right := &indexNode{items: slices.Clone(n.items[i+1:])}
	clear(n.items[i:])
	n.items = n.items[:i]
	if !n.leaf() {
		right.children = slices.Clone(n.children[i+1:])
		clear(n.children[i+1:])
		n.children = n.children[:i+1]
	}
	return mid, right
}

// insert adds a below n, which is not full.
func (n *indexNode) insert(a indexItem) {
	i, _ := n.find(a.key, a.app.SID)
	if n.leaf() {
		n.items = slices.Insert(n.items, i, a)
		return
	}
	if len(n.children[i].items) >= maxItems {
		mid, right := n.children[i].split(maxItems / 2)
		n.items = slices.Insert(n.items, i, mid)
		n.children = slices.Insert(n.children, i+1, right)
		if mid.compare(a.key, a.app.SID) < 0 {
			i++
		}
	}
	n.children[i].insert(a)
}

// remove takes the record with that SID out of the subtree under n and
// reports whether it was there. Before it descends into a child it makes
// sure the child can lose a record, so it never has to walk back up.
func (n *indexNode) remove(k indexKey, sid string) bool {
	i, found := n.find(k, sid)
	if n.leaf() {
		if found {
			n.items = removeAt(n.items, i)
		}
		return found
	}
	if len(n.children[i].items) <= minItems {
		n.grow(i)
		return n.remove(k, sid)
	}
	if found {
		// The record's place is taken by its predecessor, the largest
		// record of the child before it.
		n.items[i] = n.children[i].removeMax()
		return true
	}
	return n.children[i].remove(k, sid)
}

// removeMax takes out and returns the largest record under n, which holds
// more than minItems records (or is the root).
func (n *indexNode) removeMax() indexItem {
	if n.leaf() {
		last := n.items[len(n.items)-1]
		n.items = removeAt(n.items, len(n.items)-1)
		return last
	}
	i := len(n.items)
	if len(n.children[i].items) <= minItems {
		n.grow(i)
		return n.removeMax()
	}
	return n.children[i].removeMax()
}

// grow gives child i one more record than minItems: borrowed through n
// from a sibling that can spare one, or else by merging the child with a
// sibling and the record between them.
func (n *indexNode) grow(i int) {
	child := n.children[i]
	switch {
	case i > 0 && len(n.children[i-1].items) > minItems:
		left := n.children[i-1]
		child.items = slices.Insert(child.items, 0, n.items[i-1])
		n.items[i-1] = left.items[len(left.items)-1]
		left.items = removeAt(left.items, len(left.items)-1)
		if !left.leaf() {
			child.children = slices.Insert(child.children, 0, left.children[len(left.children)-1])
			left.children = removeAt(left.children, len(left.children)-1)
		}
	case i < len(n.items) && len(n.children[i+1].items) > minItems:
		right := n.children[i+1]
		child.items = append(child.items, n.items[i])
		n.items[i] = right.items[0]
		right.items = removeAt(right.items, 0)
		if !right.leaf() {
			child.children = append(child.children, right.children[0])
			right.children = removeAt(right.children, 0)
		}
	default:
		if i == len(n.items) {
			i--
			child = n.children[i]
		}
		right := n.children[i+1]
		child.items = append(child.items, n.items[i])
		child.items = append(child.items, right.items...)
		child.children = append(child.children, right.children...)
		n.items = removeAt(n.items, i)
		n.children = removeAt(n.children, i+1)
	}
}

// after calls fn in order for the records under n whose SID sorts after
// sid, and reports whether fn asked for more.
func (n *indexNode) after(k indexKey, sid string, fn func(*App) bool) bool {
	i := sort.Search(len(n.items), func(i int) bool { return n.items[i].compare(k, sid) > 0 })
	for ; i <= len(n.items); i++ {
		if !n.leaf() && !n.children[i].after(k, sid, fn) {
			return false
		}
		if i < len(n.items) && !fn(n.items[i].app) {
			return false
		}
	}
	return true
}

// removeAt deletes element i of s, clearing the slot it frees so that the
// backing array does not keep what it pointed to alive.
func removeAt[T any](s []T, i int) []T {
	return slices.Delete(s, i, i+1)
}
