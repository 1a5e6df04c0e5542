package emulator

import (
	"cmp"
	"slices"
)

// Index keeps the IDs of a table's records grouped by a key (a region, a
// cluster ID) and ordered within each group, so a list reads one group in
// order instead of scanning and sorting the whole table on every request.
//
// The table keeps it in step on every Put, Delete, rollback and load. The
// group and the order of a record must not change after it is stored: the
// index finds a record's old entry from the record itself.
type Index[T any] struct {
	t     *Table[T]
	group func(*T) string
	rank  func(*T) int64 // order within a group, ties by ID; nil = by ID
	// newestLast stores a group in reverse and walks it from the end:
	// records that come first in the order (new clusters) are appended,
	// not inserted at the front.
	newestLast bool
	groups     map[string][]indexKey
}

// indexKey is a record's place in its group: rank first, then ID.
type indexKey struct {
	Rank int64
	ID   string
}

func compareKeys(a, b indexKey) int {
	if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func reverseKeys(a, b indexKey) int { return compareKeys(b, a) }

// addIndex registers an index on t. rank may be nil (order by ID).
func (t *Table[T]) addIndex(group func(*T) string, rank func(*T) int64) *Index[T] {
	x := &Index[T]{t: t, group: group, rank: rank, groups: map[string][]indexKey{}}
	t.indexes = append(t.indexes, x)
	return x
}

// storeNewestLast makes x keep its groups in reverse (see newestLast).
func (x *Index[T]) storeNewestLast() *Index[T] {
	x.newestLast = true
	return x
}

// cmp is the order of the stored keys.
func (x *Index[T]) cmp(a, b indexKey) int {
	if x.newestLast {
		return reverseKeys(a, b)
	}
	return compareKeys(a, b)
}

func (x *Index[T]) keyOf(id string, r *T) indexKey {
	k := indexKey{ID: id}
	if x.rank != nil {
		k.Rank = x.rank(r)
	}
	return k
}

// add files r; while loading, entries are appended and sorted once at the end.
func (x *Index[T]) add(id string, r *T, bulk bool) {
	g, k := x.group(r), x.keyOf(id, r)
	list := x.groups[g]
	if bulk {
		x.groups[g] = append(list, k)
		return
	}
	i, found := slices.BinarySearchFunc(list, k, x.cmp)
	if !found {
		x.groups[g] = slices.Insert(list, i, k)
	}
}

func (x *Index[T]) remove(id string, r *T) {
	g, k := x.group(r), x.keyOf(id, r)
	list := x.groups[g]
	if i, found := slices.BinarySearchFunc(list, k, x.cmp); found {
		list = slices.Delete(list, i, i+1)
		if len(list) == 0 {
			delete(x.groups, g)
		} else {
			x.groups[g] = list
		}
	}
}

func (x *Index[T]) sortAll() {
	for _, list := range x.groups {
		slices.SortFunc(list, x.cmp)
	}
}

func (x *Index[T]) reset() { x.groups = map[string][]indexKey{} }

// Select returns the records of a group for which keep returns true, in
// the index order (by ID when the index has no rank, as Table.Select). In
// an update every returned record counts as touched.
func (x *Index[T]) Select(group string, keep func(*T) bool) []*T {
	var out []*T
	x.Walk(group, nil, func(_ indexKey, r *T) bool {
		if keep == nil || keep(r) {
			out = append(out, r)
		}
		return true
	})
	return out
}

// Walk calls fn on the records of a group in order, starting after the
// key after (from the first when nil), until fn returns false. In an
// update every record passed to fn counts as touched.
func (x *Index[T]) Walk(group string, after *indexKey, fn func(indexKey, *T) bool) {
	list := x.groups[group]
	if x.newestLast {
		x.walkBack(list, after, fn)
		return
	}
	start := 0
	if after != nil {
		i, found := slices.BinarySearchFunc(list, *after, compareKeys)
		if found {
			i++
		}
		start = i
	}
	for _, k := range list[start:] {
		if !x.visit(k, fn) {
			return
		}
	}
}

// walkBack walks a group stored in reverse: what follows after in the
// order is stored before it.
func (x *Index[T]) walkBack(list []indexKey, after *indexKey, fn func(indexKey, *T) bool) {
	end := len(list)
	if after != nil {
		end, _ = slices.BinarySearchFunc(list, *after, reverseKeys)
	}
	for i := end - 1; i >= 0; i-- {
		if !x.visit(list[i], fn) {
			return
		}
	}
}

func (x *Index[T]) visit(k indexKey, fn func(indexKey, *T) bool) bool {
	x.t.touch(k.ID)
	return fn(k, x.t.rows[k.ID])
}

// Key returns the index key of a record (for a page token).
func (x *Index[T]) Key(id string, r *T) indexKey { return x.keyOf(id, r) }
