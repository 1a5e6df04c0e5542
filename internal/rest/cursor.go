package rest

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/rest/oas"
)

// Page sizes of every list.
const (
	defaultLimit = 100
	maxLimit     = 500
)

// cursorData is what a cursor carries: the list and filters it belongs to
// (as a hash) and the sort key of the last item served.
type cursorData struct {
	List  string `json:"l"`
	Query string `json:"q"`
	After string `json:"a"`
}

// cursors issues and checks the opaque cursors of the lists. A cursor is
// base64url(JSON) followed by an HMAC of it, so a client cannot change
// where a page starts, nor reuse a cursor on another list or with other
// filters, nor with another run of the server (the key is per run unless
// configured).
type cursors struct {
	key []byte
}

// query names a list and its filters: a cursor is valid only for the
// same query.
type query struct {
	list    string
	filters []string
}

func newQuery(list string, filters ...string) query { return query{list: list, filters: filters} }

func (q query) hash() string {
	h := sha256.Sum256([]byte(strings.Join(q.filters, "\x00")))
	return base64.RawURLEncoding.EncodeToString(h[:12])
}

func (c cursors) mac(payload string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// encode returns the cursor for the page after the item with key after.
func (c cursors) encode(q query, after string) string {
	raw, _ := json.Marshal(cursorData{List: q.list, Query: q.hash(), After: after})
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + c.mac(payload)
}

// decode returns where the page starts: "" without a cursor.
func (c cursors) decode(q query, cursor oas.OptString) (string, error) {
	s, ok := cursor.Get()
	if !ok || s == "" {
		return "", nil
	}
	payload, sig, found := strings.Cut(s, ".")
	if !found || !hmac.Equal([]byte(sig), []byte(c.mac(payload))) {
		return "", &cursorError{Reason: "not a cursor this server issued (changed, truncated, or from an earlier run of the server)"}
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	var d cursorData
	if err == nil {
		err = json.Unmarshal(raw, &d)
	}
	if err != nil {
		return "", &cursorError{Reason: "not a cursor this server issued"}
	}
	if d.List != q.list {
		return "", &cursorError{Reason: "the cursor belongs to another list (" + d.List + "), not to " + q.list}
	}
	if d.Query != q.hash() {
		return "", &cursorError{Reason: "the cursor was issued for other filters; keep the filters of the first page"}
	}
	return d.After, nil
}

// limitOf returns the page size asked for (ogen has checked its range).
func limitOf(o oas.OptInt) int { return o.Or(defaultLimit) }

// pageOf sorts items by key (ascending, or descending when desc), drops
// those up to and including after, and returns at most limit of the rest
// with the key of the last one when more follow.
func pageOf[T any](items []T, key func(T) string, after string, limit int, desc bool) ([]T, string, bool) {
	order := func(a, b T) int { return cmp.Compare(key(a), key(b)) }
	if desc {
		order = func(a, b T) int { return cmp.Compare(key(b), key(a)) }
	}
	slices.SortStableFunc(items, order)
	start := 0
	if after != "" {
		start = len(items)
		for i, it := range items {
			k := key(it)
			if (!desc && k > after) || (desc && k < after) {
				start = i
				break
			}
		}
	}
	rest := items[start:]
	if len(rest) <= limit {
		return rest, "", false
	}
	return rest[:limit], key(rest[limit-1]), true
}
