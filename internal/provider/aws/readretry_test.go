package aws

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/emrctl/emrctl/internal/provider"
)

// cutOnce answers each action's first request with a cut-off body, then
// with good, the way a proxy or an overloaded server sometimes does.
type cutOnce struct {
	mu    sync.Mutex
	calls map[string]int
	good  map[string]string
}

func (c *cutOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "ElasticMapReduce.")
	c.mu.Lock()
	c.calls[action]++
	n := c.calls[action]
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", "req-"+action)
	if n == 1 {
		w.Write([]byte(`{"Clusters": [`))
		return
	}
	w.Write([]byte(c.good[action]))
}

func TestReadsRetryACutOffBodyWritesDoNot(t *testing.T) {
	srv := &cutOnce{calls: map[string]int{}, good: map[string]string{
		"ListClusters": `{"Clusters": [{"Id": "j-1", "Name": "etl", "Status": {"State": "WAITING"}}]}`,
		"RunJobFlow":   `{"JobFlowId": "j-2"}`,
	}}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	p := providerAt(t, hs.URL)

	page, err := p.ListClusters(context.Background(), provider.ClusterFilter{}, "", 0)
	if err != nil {
		t.Fatalf("ListClusters after one cut-off body: %v", err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != "j-1" {
		t.Errorf("ListClusters: got %+v, want j-1", page.Items)
	}
	if got := srv.calls["ListClusters"]; got != 2 {
		t.Errorf("ListClusters sent %d times, want 2 (one retry)", got)
	}

	r, err := BuildCluster(loadSpec(t, "groups.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.CreateCluster(context.Background(), r, "tag-x")
	var ae *provider.APIError
	if !errors.As(err, &ae) || ae.Code != "ResponseUnreadable" || !ae.NoResponse {
		t.Fatalf("RunJobFlow with a cut-off body: got %v, want ResponseUnreadable with an unknown outcome", err)
	}
	if got := srv.calls["RunJobFlow"]; got != 1 {
		t.Errorf("RunJobFlow sent %d times, want 1: a write is never re-sent by the SDK", got)
	}
}
