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
	groups     map[string][]indexEntry[T]
}

// indexEntry is a record's key with the record itself, so a walk reads
// records without a map lookup per record. The table replaces the entry
// whenever it stores a new pointer under the ID (Put, rollback, load).
type indexEntry[T any] struct {
	key indexKey
	rec *T
}

// entryKey compares an entry with a key (for binary searches).
func entryKey[T any](cmpKeys func(a, b indexKey) int) func(indexEntry[T], indexKey) int {
	return func(e indexEntry[T], k indexKey) int { return cmpKeys(e.key, k) }
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
	x := &Index[T]{t: t, group: group, rank: rank, groups: map[string][]indexEntry[T]{}}
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
	g, e := x.group(r), indexEntry[T]{key: x.keyOf(id, r), rec: r}
	list := x.groups[g]
	if bulk {
		x.groups[g] = append(list, e)
		return
	}
	i, found := slices.BinarySearchFunc(list, e.key, entryKey[T](x.cmp))
	if found {
		list[i] = e
		return
	}
	x.groups[g] = slices.Insert(list, i, e)
}

func (x *Index[T]) remove(id string, r *T) {
	g, k := x.group(r), x.keyOf(id, r)
	list := x.groups[g]
	if i, found := slices.BinarySearchFunc(list, k, entryKey[T](x.cmp)); found {
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
		slices.SortFunc(list, func(a, b indexEntry[T]) int { return x.cmp(a.key, b.key) })
	}
}

func (x *Index[T]) reset() { x.groups = map[string][]indexEntry[T]{} }

// Count returns how many records of a group pred accepts: a plain loop
// over the entries, for counts over a whole group. In an update every
// record counts as touched.
func (x *Index[T]) Count(group string, pred func(*T) bool) int {
	x.t.ensure()
	n := 0
	for _, e := range x.groups[group] {
		if x.t.track {
			x.t.touch(e.key.ID)
		}
		if pred(e.rec) {
			n++
		}
	}
	return n
}

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
	x.t.ensure()
	list := x.groups[group]
	if x.newestLast {
		x.walkBack(list, after, fn)
		return
	}
	start := 0
	if after != nil {
		i, found := slices.BinarySearchFunc(list, *after, entryKey[T](compareKeys))
		if found {
			i++
		}
		start = i
	}
	for _, e := range list[start:] {
		if !x.visit(e, fn) {
			return
		}
	}
}

// walkBack walks a group stored in reverse: what follows after in the
// order is stored before it.
func (x *Index[T]) walkBack(list []indexEntry[T], after *indexKey, fn func(indexKey, *T) bool) {
	end := len(list)
	if after != nil {
		end, _ = slices.BinarySearchFunc(list, *after, entryKey[T](reverseKeys))
	}
	for i := end - 1; i >= 0; i-- {
		if !x.visit(list[i], fn) {
			return
		}
	}
}

// visit passes an entry's record to fn. Only an update tracks touched
// records; a read (View) skips the call.
func (x *Index[T]) visit(e indexEntry[T], fn func(indexKey, *T) bool) bool {
	if x.t.track {
		x.t.touch(e.key.ID)
	}
	return fn(e.key, e.rec)
}

// Key returns the index key of a record (for a page token).
func (x *Index[T]) Key(id string, r *T) indexKey { return x.keyOf(id, r) }
