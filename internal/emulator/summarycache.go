package emulator

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// summaryCache keeps the encoded ClusterSummary of clusters listed lately.
// Encoding its summaries is most of a ListClusters page's cost, and the
// same pages are asked again and again (a console, a script polling
// 'cluster list'). An entry holds while the Clusters table is unchanged
// (any update that touches a cluster drops them all) and until the
// cluster's state next changes with the clock.
type summaryCache struct {
	mu      sync.Mutex
	rev     uint64 // the Clusters table revision the entries describe
	entries map[*clusterRec]summaryEntry
}

type summaryEntry struct {
	until time.Time // the next state change; zero: none to come
	raw   []byte
}

// summaryCacheMax bounds the cache: a listing of 100,000 clusters must
// not keep them all. When full, it starts again.
const summaryCacheMax = 4096

// encodedSummaries returns the encoded summary of each cluster, encoding
// with enc the ones not cached.
func (w *World) encodedSummaries(clusters []*clusterRec, now time.Time, enc func(*clusterRec) ([]byte, error)) ([][]byte, error) {
	c := w.summaries
	rev := w.Clusters.rev
	out := make([][]byte, len(clusters))
	c.mu.Lock()
	if c.rev != rev || c.entries == nil {
		c.rev, c.entries = rev, map[*clusterRec]summaryEntry{}
	}
	for i, cl := range clusters {
		if e, ok := c.entries[cl]; ok && (e.until.IsZero() || now.Before(e.until)) {
			out[i] = e.raw
		}
	}
	c.mu.Unlock()
	fresh := map[*clusterRec]summaryEntry{}
	for i, cl := range clusters {
		if out[i] != nil {
			continue
		}
		raw, err := enc(cl)
		if err != nil {
			return nil, err
		}
		out[i] = raw
		fresh[cl] = summaryEntry{until: nextStateChange(cl, now), raw: raw}
	}
	if len(fresh) == 0 {
		return out, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rev != rev {
		return out, nil
	}
	if len(c.entries)+len(fresh) > summaryCacheMax {
		c.entries = map[*clusterRec]summaryEntry{}
	}
	for cl, e := range fresh {
		c.entries[cl] = e
	}
	return out, nil
}

// nextStateChange is the first of a cluster's state times after now.
func nextStateChange(cl *clusterRec, now time.Time) time.Time {
	var next time.Time
	for _, t := range []time.Time{cl.BootstrapAt, cl.ReadyAt, cl.FailAt, cl.DeleteAt, cl.TerminatedAt} {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	return next
}

// splicedList is a list answer whose items are encoded already: the rest
// of the answer (the envelope) is encoded with an empty list, and the
// items go into it. The list must be the envelope's first member (its
// name sorts first), so it begins the encoded envelope.
type splicedList struct {
	envelope any
	prefix   string // `{"Clusters":[`
	items    [][]byte
	// plain builds the same answer as one value (for tests).
	plain func() any
}

// encodeResponse encodes a handler's answer.
func encodeResponse(rt *route, resp any) ([]byte, error) {
	if sl, ok := resp.(*splicedList); ok {
		return sl.encode(rt)
	}
	return fastResponseJSON(rt, resp)
}

func (sl *splicedList) encode(rt *route) ([]byte, error) {
	env, err := fastResponseJSON(rt, sl.envelope)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(env, []byte(sl.prefix+"]")) {
		return nil, fmt.Errorf("the answer does not begin with its list (%s)", sl.prefix)
	}
	n := len(env) + len(sl.items)
	for _, it := range sl.items {
		n += len(it)
	}
	out := make([]byte, 0, n)
	out = append(out, sl.prefix...)
	for i, it := range sl.items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, it...)
	}
	return append(out, env[len(sl.prefix):]...), nil
}

// clustersPrefix begins every encoded ListClusters answer.
const clustersPrefix = `{"Clusters":[`

// encodeSummary encodes one cluster summary exactly as it appears in a
// ListClusters answer: by the plan of the list's items, or (when the plan
// declines, as for invalid UTF-8) as the only item of an answer, cut out.
func encodeSummary(rt *route, s emrwire.ClusterSummary) ([]byte, error) {
	if raw, ok := encodeItem(rt, "Clusters", s); ok {
		return raw, nil
	}
	raw, err := fastResponseJSON(rt, &emrwire.ListClustersResponse{Clusters: []emrwire.ClusterSummary{s}})
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(raw, []byte(clustersPrefix))
	if !ok {
		return nil, fmt.Errorf("a ListClusters answer does not begin with %s", clustersPrefix)
	}
	_, tail, err := parseRaw(rest)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(rest[:len(rest)-len(tail)]), nil
}

var itemPlans sync.Map // planKey → encFn of one item of a route's list (nil: none)

// encodeItem encodes item as an item of the answer's list named list.
func encodeItem(rt *route, list string, item any) ([]byte, bool) {
	v := reflect.ValueOf(item)
	key := planKey{rt, v.Type()}
	fn, ok := itemPlans.Load(key)
	if !ok {
		fn, _ = itemPlans.LoadOrStore(key, planItem(rt, list, v.Type()))
	}
	enc, _ := fn.(encFn)
	if enc == nil {
		return nil, false
	}
	return enc(make([]byte, 0, 512), v)
}

// planItem plans t as an item of the list named list, whose contract
// items are objects; nil if it cannot.
func planItem(rt *route, list string, t reflect.Type) encFn {
	for _, f := range rt.action.Response {
		n := rt.spec.Resolve(f)
		if f.Name != list || n == nil || n.Type != "array" {
			continue
		}
		if items := rt.spec.Resolve(n.Items); items != nil && items.Type == "object" {
			if enc, ok := planFor(rt.spec, t, items.Fields, true); ok {
				return enc
			}
		}
	}
	return nil
}
