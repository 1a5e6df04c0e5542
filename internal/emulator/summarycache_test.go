package emulator

import (
	"fmt"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// routedPage runs the ListClusters handler as the server does (with its
// route, so summaries are cached and spliced).
func routedPage(t *testing.T, srv *Server, max int64) *splicedList {
	t.Helper()
	rt := srv.routes[contract.MustLoad(contract.EMR).Version+"/ListClusters"]
	c := &call{server: srv, route: rt, region: region, now: srv.clock.Now(), requestID: "r",
		params: map[string]any{"RegionId": region, "MaxResults": max}}
	var resp any
	if err := srv.store.View(func(w *World) error {
		var err error
		resp, err = listClusters(c, w)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sl, ok := resp.(*splicedList)
	if !ok {
		t.Fatalf("ListClusters answered %T, want a spliced list", resp)
	}
	return sl
}

// TestSplicedListMatchesPlain: a page built from cached summaries is
// byte for byte what the reference encoder writes for the same answer,
// on a cold and a warm cache, with names that need escaping.
func TestSplicedListMatchesPlain(t *testing.T) {
	srv := newServer(t, Options{})
	if err := SeedClusters(srv.store, region, 60, srv.clock.Now()); err != nil {
		t.Fatal(err)
	}
	names := []string{`quote " and \ back`, "line\nbreak\ttab", "ünïcödé 集群", "sep\u2028\u2029", "<b>&amp;</b>"}
	if err := srv.store.Update(func(w *World) error {
		for i, cl := range w.Clusters.Select(nil)[:len(names)] {
			cl.Name = names[i]
			cl.Tags = []emrwire.Tag{{Key: "k", Value: names[i]}}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rt := srv.routes[contract.MustLoad(contract.EMR).Version+"/ListClusters"]
	if _, ok := encodeItem(rt, "Clusters", emrwire.ClusterSummary{ClusterId: "c-1", ClusterName: names[2]}); !ok {
		t.Error("a cluster summary has no item plan: every miss takes the slow path")
	}
	for _, round := range []string{"cold", "warm"} {
		sl := routedPage(t, srv, 100)
		got, err := encodeResponse(rt, sl)
		if err != nil {
			t.Fatal(err)
		}
		want, err := responseJSON(rt, sl.plain())
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("%s cache: spliced page differs from the reference:\n got %s\nwant %s", round, got, want)
		}
	}
}

// TestListingCacheFollowsChanges: over HTTP, a listed cluster's rename and
// its state change with the clock both show in the next listing.
func TestListingCacheFollowsChanges(t *testing.T) {
	srv := newServer(t, Options{})
	h := newHarness(t, srv, true)
	now := srv.clock.Now()
	if err := SeedClusters(srv.store, region, 3, now); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := srv.store.Update(func(w *World) error {
		cl := w.Clusters.Select(nil)[0]
		id = cl.ID
		cl.BootstrapAt, cl.ReadyAt = now.Add(time.Hour), now.Add(2*time.Hour)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	listed := func() emrwire.ClusterSummary {
		t.Helper()
		var list emrwire.ListClustersResponse
		h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}, &list)
		for _, s := range list.Clusters {
			if s.ClusterId == id {
				return s
			}
		}
		t.Fatalf("cluster %s not listed", id)
		return emrwire.ClusterSummary{}
	}
	for i, want := range []string{stateStarting, stateStarting} {
		if got := listed().ClusterState; got != want {
			t.Fatalf("listing %d: state %s, want %s", i, got, want)
		}
	}
	srv.Clock().Advance(3 * time.Hour)
	if got := listed().ClusterState; got != stateRunning {
		t.Errorf("after the clock passed ReadyAt the listing says %s, want %s", got, stateRunning)
	}
	h.do(contract.EMR, "UpdateClusterAttribute", &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: id, ClusterName: "renamed"}, nil)
	if got := listed().ClusterName; got != "renamed" {
		t.Errorf("after a rename the listing says %q, want %q", got, "renamed")
	}
}

// TestSummaryCacheStaysBounded: listing more clusters than the cache holds
// keeps it within its bound.
func TestSummaryCacheStaysBounded(t *testing.T) {
	srv := newServer(t, Options{})
	if err := SeedClusters(srv.store, region, summaryCacheMax+300, srv.clock.Now()); err != nil {
		t.Fatal(err)
	}
	rt := srv.routes[contract.MustLoad(contract.EMR).Version+"/ListClusters"]
	var token string
	for pages := 0; ; pages++ {
		c := &call{server: srv, route: rt, region: region, now: srv.clock.Now(), requestID: "r",
			params: map[string]any{"RegionId": region, "MaxResults": int64(100), "NextToken": token}}
		var resp any
		if err := srv.store.View(func(w *World) error {
			var err error
			resp, err = listClusters(c, w)
			if n := len(w.summaries.entries); n > summaryCacheMax {
				return fmt.Errorf("page %d: the cache holds %d summaries, over its bound %d", pages, n, summaryCacheMax)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		env := resp.(*splicedList).envelope.(*emrwire.ListClustersResponse)
		if env.NextToken == "" {
			break
		}
		token = env.NextToken
	}
}
