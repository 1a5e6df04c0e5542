package emulator

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Keyset pagination: a NextToken names the last record of the page (its
// index key), so the next page starts by a binary search in the index
// rather than by listing and skipping everything before it. A page costs
// O(log n + page), not O(n log n).
//
// TotalCount needs every matching record, a full walk: it is counted on
// the first page only and carried in the token, so later pages stay cheap.
// Like the cloud's, it describes the listing as it was when it started.

// keyToken is what a keyset NextToken holds.
type keyToken struct {
	total int64
	last  indexKey
}

const keyTokenPrefix = "k1:"

func encodeKeyToken(t keyToken) string {
	s := keyTokenPrefix + strconv.FormatInt(t.total, 10) + ":" + strconv.FormatInt(t.last.Rank, 10) + ":" + t.last.ID
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeKeyToken(token string) (keyToken, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return keyToken{}, false
	}
	rest, ok := strings.CutPrefix(string(raw), keyTokenPrefix)
	if !ok {
		return keyToken{}, false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 || parts[2] == "" {
		return keyToken{}, false
	}
	total, err1 := strconv.ParseInt(parts[0], 10, 64)
	rank, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || total < 0 {
		return keyToken{}, false
	}
	return keyToken{total: total, last: indexKey{Rank: rank, ID: parts[2]}}, true
}

// keysetRequest is a validated MaxResults/NextToken pair.
type keysetRequest struct {
	max   int64
	after *indexKey // nil on the first page
	total int64     // from the token; -1 on the first page
}

// emrKeyset validates MaxResults (default 20, at most 100, as paginate)
// and a keyset NextToken, with the same errors as paginate.
func emrKeyset(maxResults *int64, nextToken string) (keysetRequest, error) {
	return keysetOf(maxResults, nextToken, 20, 100, "MaxResults", "NextToken")
}

// sparkKeyset is emrKeyset with Serverless Spark's lower-case names and
// the list's default and limit, with the same errors as sparkPage.
func sparkKeyset(maxResults *int64, nextToken string, def, limit int64) (keysetRequest, error) {
	return keysetOf(maxResults, nextToken, def, limit, "maxResults", "nextToken")
}

func keysetOf(maxResults *int64, nextToken string, def, limit int64, maxName, tokenName string) (keysetRequest, error) {
	kr := keysetRequest{max: def, total: -1}
	if maxResults != nil {
		kr.max = *maxResults
		if kr.max < 1 || kr.max > limit {
			return keysetRequest{}, errInvalidParameter("%s must be between 1 and %d, got %d", maxName, limit, kr.max)
		}
	}
	if nextToken != "" {
		t, ok := decodeKeyToken(nextToken)
		if !ok {
			return keysetRequest{}, errInvalidParameter("%s %q is not valid; pass the %s of the previous page unchanged", tokenName, nextToken, tokenName)
		}
		kr.after, kr.total = &t.last, t.total
	}
	return kr, nil
}

// keyedPage pages the items of a list that one cluster or workspace
// holds (already picked and filtered), each with its key: sorted by key,
// the page after kr's key. Paging by key rather than by offset means an
// item added or removed between two pages neither repeats nor hides
// another. It returns the page, TotalCount (counted on the first page,
// then carried in the token) and the NextToken.
func keyedPage[V any](items []V, keys []indexKey, kr keysetRequest) ([]V, int64, string) {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareKeys(keys[a], keys[b]) })
	start := 0
	if kr.after != nil {
		start, _ = slices.BinarySearchFunc(order, *kr.after, func(i int, k indexKey) int {
			if compareKeys(keys[i], k) <= 0 {
				return -1
			}
			return 1
		})
	}
	end := min(start+int(kr.max), len(order))
	total := kr.total
	if total < 0 {
		total = int64(len(items))
	}
	page := make([]V, 0, end-start)
	for _, i := range order[start:end] {
		page = append(page, items[i])
	}
	next := ""
	if end < len(order) {
		next = encodeKeyToken(keyToken{total: total, last: keys[order[end-1]]})
	}
	return page, total, next
}

// compositeID joins the parts of a key's ID; NUL sorts before every
// character an ID holds, so parts compare one after the other.
func compositeID(parts ...string) string { return strings.Join(parts, "\x00") }

// timeRank is t as a sortable rank.
func timeRank(t time.Time) string { return fmt.Sprintf("%020d", t.UnixNano()) }

// walker walks records in key order, starting after a key (nil: from the
// first), until fn returns false; Index.Walk is one.
type walker[T any] func(after *indexKey, fn func(indexKey, *T) bool)

// sliceWalker walks a few records sorted by key: what a filter naming
// the records (ClusterIds) selects without touching the others.
func sliceWalker[T any](keys []indexKey, rows []*T) walker[T] {
	return func(after *indexKey, fn func(indexKey, *T) bool) {
		for i, k := range keys {
			if after != nil && compareKeys(k, *after) <= 0 {
				continue
			}
			if !fn(k, rows[i]) {
				return
			}
		}
	}
}

// byKeys sorts records and their keys together by key.
func byKeys[T any](keys []indexKey, rows []*T) ([]indexKey, []*T) {
	idx := make([]int, len(keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return compareKeys(keys[a], keys[b]) })
	k2, r2 := make([]indexKey, len(keys)), make([]*T, len(rows))
	for i, j := range idx {
		k2[i], r2[i] = keys[j], rows[j]
	}
	return k2, r2
}

// countMatches counts the records keep accepts: the first page's TotalCount.
func countMatches[T any](walk walker[T], keep func(*T) bool) int64 {
	var n int64
	walk(nil, func(_ indexKey, r *T) bool {
		if keep(r) {
			n++
		}
		return true
	})
	return n
}

// keysetPage returns the page kr asks for and the NextToken ("" on the
// last page). It stops one record past the page to know if more follow.
func keysetPage[T any](walk walker[T], kr keysetRequest, total int64, keep func(*T) bool) ([]*T, string) {
	var out []*T
	var last indexKey
	more := false
	walk(kr.after, func(k indexKey, r *T) bool {
		if !keep(r) {
			return true
		}
		if int64(len(out)) == kr.max {
			more = true
			return false
		}
		out, last = append(out, r), k
		return true
	})
	if !more {
		return out, ""
	}
	return out, encodeKeyToken(keyToken{total: total, last: last})
}
