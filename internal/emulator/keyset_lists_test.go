package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
	"github.com/emrctl/emrctl/internal/wire/sparkwire"
)

// TestNodePagesSurviveChanges: ListNodes pages by key. Paged two at a
// time, it lists the nodes in the one-page order; a node of an earlier
// page released between pages makes the next page neither skip nor
// repeat one, and TotalCount stays what the listing began with.
func TestNodePagesSurviveChanges(t *testing.T) {
	h := newLifecycle(t, Options{})
	req := goodCluster("paged")
	req.NodeGroups[1].NodeCount = i64p(5)
	req.NodeGroups[2].NodeCount = i64p(3)
	id := h.runCluster(req)
	h.advance(time.Hour)
	list := func(max int64, token string) *emrwire.ListNodesResponse {
		var resp emrwire.ListNodesResponse
		h.do(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: region, ClusterId: id, MaxResults: i64p(max), NextToken: token}, &resp)
		return &resp
	}
	var want []string
	for _, n := range list(100, "").Nodes {
		want = append(want, n.NodeId)
	}
	if len(want) != 9 {
		t.Fatalf("one page lists %d nodes, want 9", len(want))
	}
	var got []string
	token := ""
	for page := 0; ; page++ {
		resp := list(2, token)
		if *resp.TotalCount != 9 {
			t.Fatalf("page %d: TotalCount %d, want 9 (as the listing began)", page, *resp.TotalCount)
		}
		for _, n := range resp.Nodes {
			got = append(got, n.NodeId)
		}
		if page == 0 {
			// The first node goes between pages: offset paging would skip one.
			if err := h.srv.store.Update(func(w *World) error { w.Nodes.Delete(want[0]); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if token = resp.NextToken; token == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("paged listing %v, want %v", got, want)
	}
}

// TestNodeGroupAndActivityPages: both lists page by key in their order.
func TestNodeGroupAndActivityPages(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runCluster(goodCluster("groups"))
	h.advance(time.Hour)
	var all emrwire.ListNodeGroupsResponse
	h.do(contract.EMR, "ListNodeGroups", &emrwire.ListNodeGroupsRequest{RegionId: region, ClusterId: id}, &all)
	got := collectPages(func(token string) ([]string, string) {
		var resp emrwire.ListNodeGroupsResponse
		h.do(contract.EMR, "ListNodeGroups", &emrwire.ListNodeGroupsRequest{RegionId: region, ClusterId: id, MaxResults: i64p(1), NextToken: token}, &resp)
		var types []string
		for _, g := range resp.NodeGroups {
			types = append(types, g.NodeGroupType)
		}
		return types, resp.NextToken
	})
	if want := []string{"MASTER", "CORE", "TASK"}; !slices.Equal(got, want) || len(all.NodeGroups) != 3 {
		t.Errorf("groups paged one at a time: %v, want %v", got, want)
	}
	err := h.srv.store.Update(func(w *World) error {
		base := h.srv.clock.Now()
		for i := range 5 {
			a := &activityRec{ID: fmt.Sprintf("asa-%d", i), ClusterID: id, State: "SUCCESSFUL", Type: "SCALE_OUT", StartedAt: base.Add(time.Duration(i%3) * time.Minute)}
			w.Activities.Put(a.ID, a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	acts := collectPages(func(token string) ([]string, string) {
		var resp emrwire.ListAutoScalingActivitiesResponse
		h.do(contract.EMR, "ListAutoScalingActivities", &emrwire.ListAutoScalingActivitiesRequest{RegionId: region, ClusterId: id, MaxResults: i64p(2), NextToken: token}, &resp)
		var ids []string
		for _, a := range resp.ScalingActivities {
			ids = append(ids, a.ActivityId)
		}
		return ids, resp.NextToken
	})
	if want := []string{"asa-2", "asa-1", "asa-4", "asa-0", "asa-3"}; !slices.Equal(acts, want) {
		t.Errorf("activities paged two at a time: %v, want newest first, ties by ID: %v", acts, want)
	}
}

// TestJobRunPagesByKey: ListJobRuns walks its workspace's index newest
// first; a run submitted between pages does not push one already listed
// onto the next page, and a bad nextToken is refused by name.
func TestJobRunPagesByKey(t *testing.T) {
	h := newLifecycle(t, Options{})
	for i := range 5 {
		h.submit(sparkPiJob(seedWorkspaceID, fmt.Sprintf("run-%d", i)))
		h.advance(time.Minute)
	}
	pages := 0
	names := collectPages(func(token string) ([]string, string) {
		var resp sparkwire.ListJobRunsResponse
		h.spark("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, MaxResults: i64p(2), NextToken: token}, &resp)
		if pages++; pages == 1 {
			h.submit(sparkPiJob(seedWorkspaceID, "late"))
		}
		var names []string
		for _, j := range resp.JobRuns {
			names = append(names, j.Name)
		}
		return names, resp.NextToken
	})
	if want := []string{"run-4", "run-3", "run-2", "run-1", "run-0"}; !slices.Equal(names, want) {
		t.Errorf("paged job runs %v, want %v (newest first; the late run comes before page 1)", names, want)
	}
	err := h.sparkErr("ListJobRuns", &sparkwire.ListJobRunsRequest{WorkspaceId: seedWorkspaceID, RegionId: region, NextToken: "bm90LWEtdG9rZW4"})
	if err == nil || !strings.Contains(describe(err), "nextToken") {
		t.Errorf("a bad nextToken: %v, want an error naming nextToken", err)
	}
}

// collectPages calls page with each NextToken until the last page and
// returns what the pages held, in order.
func collectPages(page func(token string) ([]string, string)) []string {
	var out []string
	token := ""
	for {
		items, next := page(token)
		out = append(out, items...)
		if next == "" {
			return out
		}
		token = next
	}
}
