package emulator

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// listPages follows NextToken from req and returns the IDs in order, the
// TotalCount of every page and the page sizes. between runs after each
// page but the last.
func listPages(t *testing.T, h *harness, req emrwire.ListClustersRequest, between func()) (ids []string, totals []int64, sizes []int) {
	t.Helper()
	for {
		var page emrwire.ListClustersResponse
		h.do(contract.EMR, "ListClusters", &req, &page)
		for _, c := range page.Clusters {
			ids = append(ids, c.ClusterId)
		}
		totals, sizes = append(totals, i64(page.TotalCount)), append(sizes, len(page.Clusters))
		if page.NextToken == "" {
			return ids, totals, sizes
		}
		if len(ids) > 10000 {
			t.Fatal("NextToken never ends")
		}
		req.NextToken = page.NextToken
		if between != nil {
			between()
		}
	}
}

// listOrder is the ListClusters order computed from the records: newest
// first, ties by ID.
func listOrder(t *testing.T, st Store) []string {
	var all []*clusterRec
	_ = st.View(func(w *World) error {
		all = w.Clusters.Select(func(c *clusterRec) bool { return c.Region == region })
		return nil
	})
	slices.SortFunc(all, func(a, b *clusterRec) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.ID
	}
	return ids
}

// seedTies seeds n clusters and three more created at one instant, so
// the order needs its tie-break by ID.
func seedTies(t *testing.T, srv *Server, n int) {
	t.Helper()
	if err := SeedClusters(srv.store, region, n, srv.clock.Now()); err != nil {
		t.Fatal(err)
	}
	at := srv.clock.Now().Add(-time.Hour)
	if err := srv.store.Update(func(w *World) error {
		reg, _ := w.region(region)
		for i := range 3 {
			seedCluster(w, reg, n+i, at)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestListClustersKeysetPages pages through clusters with ties in their
// creation time at several page sizes: every page follows the list order,
// TotalCount stays that of the first page, and a cluster created while
// listing neither appears nor shifts the pages.
func TestListClustersKeysetPages(t *testing.T) {
	srv := newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}})
	h := newHarness(t, srv, false)
	seedTies(t, srv, 60)
	want := listOrder(t, srv.store)
	if len(want) != 63 {
		t.Fatalf("seeded %d clusters, want 63", len(want))
	}
	for _, max := range []int64{1, 7, 63, 100} {
		ids, totals, _ := listPages(t, h, emrwire.ListClustersRequest{RegionId: region, MaxResults: i64p(max)}, nil)
		if !cmp.Equal(ids, want) {
			t.Errorf("MaxResults %d: got %v, want %v", max, ids, want)
		}
		for _, n := range totals {
			if n != 63 {
				t.Errorf("MaxResults %d: got TotalCount %v, want 63 on every page", max, totals)
				break
			}
		}
	}
	created := false
	ids, totals, _ := listPages(t, h, emrwire.ListClustersRequest{RegionId: region, MaxResults: i64p(10)}, func() {
		if !created {
			h.runCluster(goodCluster("late"))
			created = true
		}
	})
	if !cmp.Equal(ids, want) || totals[len(totals)-1] != 63 {
		t.Errorf("with a cluster created after page 1: got %d clusters (TotalCount %v), want the 63 of the first page in order", len(ids), totals)
	}
	if ids, _, _ := listPages(t, h, emrwire.ListClustersRequest{RegionId: region}, nil); len(ids) != 64 {
		t.Errorf("a new listing: got %d clusters, want 64", len(ids))
	}
}

// TestListClustersKeysetFilters pages through a filter naming clusters and
// through a state filter: both keep the list order and count only matches.
func TestListClustersKeysetFilters(t *testing.T) {
	srv := newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}})
	h := newHarness(t, srv, false)
	seedTies(t, srv, 30)
	order := listOrder(t, srv.store)
	named := []string{order[20], order[3], order[31], order[3], order[10], order[32]}
	ids, totals, sizes := listPages(t, h, emrwire.ListClustersRequest{RegionId: region, ClusterIds: append(named, "c-nosuchcluster00"), MaxResults: i64p(2)}, nil)
	wantNamed := []string{order[3], order[10], order[20], order[31], order[32]}
	if !cmp.Equal(ids, wantNamed) || !cmp.Equal(sizes, []int{2, 2, 1}) || totals[0] != 5 {
		t.Errorf("ClusterIds: got %v in pages %v (TotalCount %v), want %v in [2 2 1], TotalCount 5", ids, sizes, totals, wantNamed)
	}
	for _, id := range []string{order[1], order[4], order[30]} {
		h.do(contract.EMR, "DeleteCluster", &emrwire.DeleteClusterRequest{RegionId: region, ClusterId: id}, nil)
	}
	var running []string
	for _, id := range order {
		if id != order[1] && id != order[4] && id != order[30] {
			running = append(running, id)
		}
	}
	ids, totals, _ = listPages(t, h, emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{stateRunning}, MaxResults: i64p(4)}, nil)
	if !cmp.Equal(ids, running) || totals[0] != int64(len(running)) {
		t.Errorf("RUNNING: got %v (TotalCount %v), want %v", ids, totals, running)
	}
}

// TestListClustersBadTokens refuses tokens that are not a NextToken of
// ours, including an offset token of the former scheme, as before.
func TestListClustersBadTokens(t *testing.T) {
	h := newHarness(t, newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}}), false)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tok := range []string{"not-a-token", encodeOffset(20), b64([]byte("k1:x:1:c-a")), b64([]byte("k1:5:1:")), b64([]byte("k1:-1:1:c-a")), b64([]byte("k1:5"))} {
		_, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, NextToken: tok})
		if codeOf(err) != "InvalidParameter" || !strings.Contains(messageOf(err), "NextToken") {
			t.Errorf("token %q: got %s, want InvalidParameter about NextToken", tok, describe(err))
		}
	}
	good := encodeKeyToken(keyToken{total: 3, last: indexKey{Rank: -5, ID: "c-x"}})
	if got, ok := decodeKeyToken(good); !ok || got != (keyToken{total: 3, last: indexKey{Rank: -5, ID: "c-x"}}) {
		t.Errorf("round trip: got %+v, %v", got, ok)
	}
}

// TestListClustersHidesOldTerminated lists clusters released at several
// ages: a TERMINATED cluster leaves the list (and TotalCount) 30 days
// after it ended, a TERMINATED_WITH_ERRORS one stays, with and without a
// filter beyond the region.
func TestListClustersHidesOldTerminated(t *testing.T) {
	srv := newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}})
	h := newHarness(t, srv, false)
	now := srv.clock.Now()
	day := 24 * time.Hour
	// Each case changes the timeline of one cluster created 60 days ago.
	cases := []struct {
		name   string
		shown  bool
		change func(c *clusterRec)
	}{
		{"running", true, func(c *clusterRec) {}},
		{"released 10 days ago", true, func(c *clusterRec) { c.DeleteAt, c.TerminatedAt = now.Add(-10*day-time.Minute), now.Add(-10*day) }},
		{"released 29 days ago", true, func(c *clusterRec) { c.DeleteAt, c.TerminatedAt = now.Add(-29*day-time.Minute), now.Add(-29*day) }},
		{"released 31 days ago", false, func(c *clusterRec) { c.DeleteAt, c.TerminatedAt = now.Add(-31*day-time.Minute), now.Add(-31*day) }},
		{"failed 40 days ago", true, func(c *clusterRec) {
			c.FailAt, c.FailCode, c.TerminatedAt = now.Add(-41*day), "NotEnoughStock", now.Add(-40*day)
		}},
		{"failed, released 40 days ago", false, func(c *clusterRec) {
			c.FailAt, c.FailCode = now.Add(-59*day), "NotEnoughStock"
			c.DeleteAt, c.TerminatedAt = now.Add(-40*day-time.Minute), now.Add(-40*day)
		}},
	}
	var shown, terminated, failed []string
	err := srv.store.Update(func(w *World) error {
		reg, _ := w.region(region)
		for i := range cases {
			seedCluster(w, reg, i, now.Add(-60*day+time.Duration(i)*time.Minute))
		}
		for i, c := range w.clustersByRegion.Select(region, nil) { // newest first: the last case first
			tc := cases[len(cases)-1-i]
			tc.change(c)
			if tc.shown {
				shown = append(shown, c.ID)
				switch clusterState(c, now) {
				case stateTerminated:
					terminated = append(terminated, c.ID)
				case stateTerminatedWithErrors:
					failed = append(failed, c.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(terminated) != 2 || len(failed) != 1 {
		t.Fatalf("set up %d TERMINATED and %d TERMINATED_WITH_ERRORS shown clusters, want 2 and 1", len(terminated), len(failed))
	}
	for _, tc := range []struct {
		name string
		req  emrwire.ListClustersRequest
		want []string
	}{
		{"region only", emrwire.ListClustersRequest{RegionId: region, MaxResults: i64p(2)}, shown},
		{"by type", emrwire.ListClustersRequest{RegionId: region, ClusterTypes: []string{"DATALAKE"}, MaxResults: i64p(2)}, shown},
		{"TERMINATED", emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{stateTerminated}}, terminated},
		{"TERMINATED_WITH_ERRORS", emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{stateTerminatedWithErrors}}, failed},
	} {
		ids, totals, _ := listPages(t, h, tc.req, nil)
		if !cmp.Equal(ids, tc.want) || totals[0] != int64(len(tc.want)) {
			t.Errorf("%s: got %v (TotalCount %v), want %v, TotalCount %d", tc.name, ids, totals, tc.want, len(tc.want))
		}
	}
}
