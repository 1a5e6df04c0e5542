package aws

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emrctl/emrctl/internal/provider"
)

// countingProxy forwards to moto and counts the EMR operations sent.
func countingProxy(t *testing.T) (string, func() map[string]int) {
	t.Helper()
	target, err := url.Parse(moto.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "ElasticMapReduce.")]++
		mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() map[string]int {
		mu.Lock()
		defer mu.Unlock()
		out := map[string]int{}
		for k, v := range calls {
			out[k] = v
		}
		return out
	}
}

// TestListNodesAsksForGroupsOnce: the roles of a cluster's groups are
// read once; later node listings (and a listing of one group) send only
// ListInstances, and every node still has its role.
func TestListNodesAsksForGroupsOnce(t *testing.T) {
	id := create(t, motoProvider(t), "groups.yaml", "t")
	endpoint, calls := countingProxy(t)
	p := providerAt(t, endpoint)
	ctx := context.Background()
	var task string
	for range 3 {
		page, err := p.ListNodes(ctx, id, provider.NodeFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			t.Fatal("no nodes listed")
		}
		for _, n := range page.Items {
			if n.Role != "MASTER" && n.Role != "CORE" && n.Role != "TASK" {
				t.Errorf("node %s of group %s: role %q", n.ID, n.NodeGroupID, n.Role)
			}
			if n.Role == "TASK" {
				task = n.NodeGroupID
			}
		}
	}
	if task == "" {
		t.Fatal("no TASK node listed")
	}
	page, err := p.ListNodes(ctx, id, provider.NodeFilter{NodeGroupIDs: []string{task}}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range page.Items {
		if n.NodeGroupID != task || n.Role != "TASK" {
			t.Errorf("listing group %s gave node %s of %s (%s)", task, n.ID, n.NodeGroupID, n.Role)
		}
	}
	got := calls()
	if got["ListInstances"] != 4 || got["ListInstanceGroups"] != 1 || got["DescribeCluster"] != 0 {
		t.Errorf("four node listings sent %v; want 4 ListInstances, 1 ListInstanceGroups, no DescribeCluster", got)
	}
}
