package aliyun

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/emulator"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// TestClientAgainstEmulator drives the generic client end to end: signing,
// JSON-shrunk parameters, ClientToken replay and typed errors.
func TestClientAgainstEmulator(t *testing.T) {
	srv, err := emulator.New(emulator.Options{Clock: emulator.NewClock(emulator.SpeedInstant)})
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := credentials.NewCredential(&credentials.Config{Type: ptr("access_key"), AccessKeyId: ptr(emulator.SandboxCredential.AccessKeyID), AccessKeySecret: ptr(emulator.SandboxCredential.AccessKeySecret)})
	c, err := NewClient(Config{Region: "cn-hangzhou", Endpoint: "sandbox.local", Insecure: true, Credential: cred, Transport: srv.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	req := &emrwire.RunClusterRequest{
		RegionId: "cn-hangzhou", ClusterName: "smoke", ClusterType: "DATALAKE", ReleaseVersion: "EMR-5.21.0",
		Applications:   []emrwire.Application{{ApplicationName: "HADOOP-COMMON"}, {ApplicationName: "HDFS"}, {ApplicationName: "YARN"}},
		NodeAttributes: &emrwire.NodeAttributes{VpcId: "vpc-bp1sandbox0000000001", ZoneId: "cn-hangzhou-h", SecurityGroupId: "sg-bp1sandboxnormal0001", KeyPairName: "emrctl-sandbox"},
		NodeGroups: []emrwire.NodeGroupConfig{
			{NodeGroupType: "MASTER", NodeGroupName: "master", NodeCount: ptr(int64(1)), InstanceTypes: []string{"ecs.g8i.xlarge"}, VSwitchIds: []string{"vsw-bp1sandboxzoneh00001"}},
			{NodeGroupType: "CORE", NodeGroupName: "core", NodeCount: ptr(int64(2)), InstanceTypes: []string{"ecs.g8i.xlarge"}, VSwitchIds: []string{"vsw-bp1sandboxzoneh00001"}},
		},
		ClientToken: "tok-1",
	}
	var resp emrwire.RunClusterResponse
	if err := c.Call(context.Background(), contract.EMR, "RunCluster", req, &resp); err != nil {
		var ae interface{ Unwrap() error }
		if errors.As(err, &ae) {
			t.Fatalf("%v: %v", err, ae.Unwrap().Error())
		}
		t.Fatal(err)
	}
	var got emrwire.GetClusterResponse
	if err := c.Call(context.Background(), contract.EMR, "GetCluster", &emrwire.GetClusterRequest{RegionId: "cn-hangzhou", ClusterId: resp.ClusterId}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Cluster.ClusterState != "RUNNING" {
		t.Errorf("state on an instant clock: got %s, want RUNNING", got.Cluster.ClusterState)
	}
	var again emrwire.RunClusterResponse
	if err := c.Call(context.Background(), contract.EMR, "RunCluster", req, &again); err != nil {
		t.Fatal(err)
	}
	if again.ClusterId != resp.ClusterId {
		t.Errorf("token replay: got %s, want %s", again.ClusterId, resp.ClusterId)
	}
	var nodes emrwire.ListNodesResponse
	if err := c.Call(context.Background(), contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: "cn-hangzhou", ClusterId: resp.ClusterId}, &nodes); err != nil {
		t.Fatal(err)
	}
	if len(nodes.Nodes) != 3 {
		t.Errorf("nodes: got %d, want 3", len(nodes.Nodes))
	}
	err = c.Call(context.Background(), contract.EMR, "GetCluster", &emrwire.GetClusterRequest{RegionId: "cn-hangzhou", ClusterId: "c-nope"}, &got)
	if !errors.Is(err, provider.ErrNotFound) || provider.CodeOf(err) != "ClusterNotFound" {
		t.Errorf("unknown cluster: got %v, want ClusterNotFound", err)
	}
}

// TestConcurrentCallsTakeTheirOwnClient: fleet scans and parallel MCP
// calls share one Client; the generic client writes its own fields while
// it sends, so each call must take one for itself (the test script runs
// this test under the race detector).
func TestConcurrentCallsTakeTheirOwnClient(t *testing.T) {
	g := &overlap{arrived: make(chan struct{})}
	p, _ := newTestProviderVia(t, func(rt http.RoundTripper) http.RoundTripper { g.next = rt; return g })
	want, err := p.ListClusters(context.Background(), provider.ClusterFilter{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			got, err := p.ListClusters(context.Background(), provider.ClusterFilter{}, "", 10)
			if err == nil && len(got.Items) != len(want.Items) {
				err = fmt.Errorf("got %d clusters, want %d", len(got.Items), len(want.Items))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := len(p.c.idle[contract.EMR]); n < 2 {
		t.Errorf("%d idle generic clients after 16 concurrent calls: calls shared one", n)
	}
}

// overlap, once armed, holds the first request it carries until a
// second one arrives (or 5 s pass), so two calls are surely in flight at
// once however the goroutines are scheduled.
type overlap struct {
	next    http.RoundTripper
	armed   atomic.Bool
	n       atomic.Int32
	arrived chan struct{}
}

func (o *overlap) RoundTrip(r *http.Request) (*http.Response, error) {
	if !o.armed.Load() {
		return o.next.RoundTrip(r)
	}
	switch o.n.Add(1) {
	case 1:
		select {
		case <-o.arrived:
		case <-time.After(5 * time.Second):
		}
	case 2:
		close(o.arrived)
	}
	return o.next.RoundTrip(r)
}
