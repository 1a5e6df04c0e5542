package redact

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// minSecretLen is the shortest secret a Registry accepts; shorter values
// would redact ordinary words and numbers all over the output.
const minSecretLen = 6

// maxScrubPasses bounds the rescans Scrub does when replacing one secret
// forms another (the rest of the text next to Marker).
const maxScrubPasses = 4

// Registry holds explicit secrets, such as the configured AccessKeySecret or
// a password read from an environment variable, that must be removed from any
// text. The zero value is ready to use, a nil *Registry holds no secrets, and
// all methods are safe for concurrent use. A Registry must not be copied.
type Registry struct {
	mu       sync.RWMutex
	secrets  map[string]bool // every registered form, see forms
	list     []string        // secrets' keys, longest first
	replacer *strings.Replacer
}

// NewRegistry returns a Registry holding secrets (see Add).
func NewRegistry(secrets ...string) *Registry {
	r := &Registry{}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add registers secret. Values shorter than 6 characters are ignored, and so
// are values that occur inside Marker text, which cannot be told apart from
// the redaction itself. The secret is also matched in its JSON-escaped and
// URL-encoded forms.
func (r *Registry) Add(secret string) {
	if r == nil || utf8.RuneCountInString(secret) < minSecretLen || strings.Contains(Marker+Marker, secret) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secrets == nil {
		r.secrets = make(map[string]bool)
	}
	added := false
	for _, f := range forms(secret) {
		if !r.secrets[f] {
			r.secrets[f] = true
			added = true
		}
	}
	if !added {
		return
	}
	// A fresh slice: Scrub may still be reading the previous one.
	list := make([]string, 0, len(r.secrets))
	for f := range r.secrets {
		list = append(list, f)
	}
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	pairs := make([]string, 0, 2*len(list))
	for _, f := range list {
		pairs = append(pairs, f, Marker)
	}
	r.list, r.replacer = list, strings.NewReplacer(pairs...)
}

// forms returns the spellings under which secret may show up in text.
func forms(secret string) []string {
	out := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, html := range []bool{true, false} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(secret) == nil {
			quoted := strings.TrimSuffix(b.String(), "\n")
			out = append(out, quoted[1:len(quoted)-1])
		}
	}
	return out
}

// Len reports how many secrets (counting each spelling) r holds.
func (r *Registry) Len() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.list)
}

// Scrub replaces every registered secret in s with Marker. It never returns
// text containing a registered secret: if replacing keeps forming new
// occurrences, the whole text becomes Marker.
func (r *Registry) Scrub(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	rep, list := r.replacer, r.list
	r.mu.RUnlock()
	if rep == nil {
		return s
	}
	for range maxScrubPasses {
		if !containsAny(s, list) {
			return s
		}
		s = rep.Replace(s)
	}
	if containsAny(s, list) {
		return Marker
	}
	return s
}

func containsAny(s string, list []string) bool {
	for _, x := range list {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// String scrubs s with the package-level String patterns and with r's
// registered secrets.
func (r *Registry) String(s string) string {
	return r.Scrub(String(r.Scrub(s)))
}

// Value is Value with every string, including map keys, also scrubbed of
// r's registered secrets.
func (r *Registry) Value(key string, v any) any {
	return walk(key, normalize(v), r)
}

// JSON is JSON with every string also scrubbed of r's registered secrets.
func (r *Registry) JSON(raw []byte) []byte {
	return redactJSON(raw, r)
}
