package emulator

import (
	"fmt"
	"net/http"
	"sync"
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

// TestListingsSideBySide: listings served side by side, on both stores,
// while an update renames a cluster, each see a whole page and, once the
// rename returned, the new name (run under -race by the test script).
func TestListingsSideBySide(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			srv := newServer(t, Options{Store: open(), Throttle: ThrottleConfig{Rate: -1}})
			if err := SeedClusters(srv.store, region, 150, srv.clock.Now()); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, srv, true)
			var id string
			_ = srv.store.View(func(w *World) error { id = w.Clusters.Select(nil)[0].ID; return nil })
			// Each call takes its own HTTP client: the SDK's default one
			// is not safe for calls side by side.
			_, list := action(t, contract.EMR, "ListClusters")
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for range 10 {
						req := sdkRequest(t, list, &emrwire.ListClustersRequest{RegionId: region, MaxResults: i64p(100)})
						body, err := h.send(list, req, clientOpts{http: httpClient{&http.Client{}}})
						if err != nil {
							t.Error(err)
							return
						}
						if got, _ := body["Clusters"].([]any); len(got) != 100 {
							t.Errorf("a listing side by side gave %d clusters, want 100", len(got))
							return
						}
					}
				})
			}
			h.do(contract.EMR, "UpdateClusterAttribute", &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: id, ClusterName: "renamed"}, nil)
			wg.Wait()
			var all []emrwire.ClusterSummary
			token := ""
			for {
				var list emrwire.ListClustersResponse
				h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, MaxResults: i64p(100), NextToken: token}, &list)
				all = append(all, list.Clusters...)
				if token = list.NextToken; token == "" {
					break
				}
			}
			renamed := 0
			for _, s := range all {
				if s.ClusterId == id && s.ClusterName == "renamed" {
					renamed++
				}
			}
			if len(all) < 150 || renamed != 1 {
				t.Errorf("after the rename: %d clusters listed, %d renamed; want at least 150 and the one renamed", len(all), renamed)
			}
		})
	}
}
