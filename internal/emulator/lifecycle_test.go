package emulator

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

func countStates(states []string) map[string]int {
	out := map[string]int{}
	for _, s := range states {
		out[s]++
	}
	return out
}

func (h *harness) operationState(clusterID, opID string) string {
	h.t.Helper()
	var resp emrwire.GetOperationResponse
	h.do(contract.EMR, "GetOperation", &emrwire.GetOperationRequest{RegionId: region, ClusterId: clusterID, OperationId: opID}, &resp)
	return resp.Operation.OperationState
}

// runningCluster creates a good cluster and moves the clock until it runs.
func (h *harness) runningCluster(name string) string {
	h.t.Helper()
	id := h.runCluster(goodCluster(name))
	h.advance(10 * time.Minute)
	if st := h.getCluster(id).ClusterState; st != stateRunning {
		h.t.Fatalf("cluster %s: got %s after 10 minutes, want RUNNING", id, st)
	}
	return id
}

func TestClusterGoesRunning(t *testing.T) {
	h := newLifecycle(t, Options{})
	var run emrwire.RunClusterResponse
	h.do(contract.EMR, "RunCluster", goodCluster("life"), &run)
	master := h.groupID(run.ClusterId, "MASTER")
	for _, s := range []struct {
		advance   time.Duration
		state     string
		nodes     string
		operation string
	}{
		{0, stateStarting, nodePending, "IN_PROGRESS"},
		{30 * time.Second, stateStarting, nodeStarting, "IN_PROGRESS"},
		{210 * time.Second, stateBootstrapping, nodeRunning, "IN_PROGRESS"},
		{6 * time.Minute, stateRunning, nodeRunning, "COMPLETED"},
	} {
		h.advance(s.advance)
		cl := h.getCluster(run.ClusterId)
		if cl.ClusterState != s.state {
			t.Fatalf("after %s more: got state %s, want %s", s.advance, cl.ClusterState, s.state)
		}
		if got := h.nodeStates(run.ClusterId, master); !cmp.Equal(got, []string{s.nodes}) {
			t.Errorf("%s: got master nodes %v, want [%s]", s.state, got, s.nodes)
		}
		if got := h.operationState(run.ClusterId, run.OperationId); got != s.operation {
			t.Errorf("%s: got create operation %s, want %s", s.state, got, s.operation)
		}
		if ready := cl.ReadyTime != nil; ready != (s.state == stateRunning) {
			t.Errorf("%s: got ReadyTime %v, want it set only when RUNNING", s.state, cl.ReadyTime)
		}
		if s.state == stateRunning {
			if got, want := *cl.ReadyTime-*cl.CreateTime, (10 * time.Minute).Milliseconds(); got != want {
				t.Errorf("ReadyTime - CreateTime: got %d ms, want %d", got, want)
			}
		}
	}
}

func TestClusterStartFailures(t *testing.T) {
	allGroups := func(f func(g *emrwire.NodeGroupConfig)) func(*emrwire.RunClusterRequest) {
		return func(r *emrwire.RunClusterRequest) {
			for i := range r.NodeGroups {
				f(&r.NodeGroups[i])
			}
		}
	}
	for _, c := range []struct {
		name     string
		mutate   func(*emrwire.RunClusterRequest)
		code     string
		mentions string
	}{
		{
			name:   "unknown vSwitch",
			mutate: allGroups(func(g *emrwire.NodeGroupConfig) { g.VSwitchIds = []string{"vsw-bp1doesnotexist0001"} }),
			code:   "ValidationFail", mentions: "vsw-bp1doesnotexist0001",
		},
		{
			name:   "vSwitch in another zone",
			mutate: allGroups(func(g *emrwire.NodeGroupConfig) { g.VSwitchIds = []string{vswI} }),
			code:   "ValidationFail", mentions: zoneI,
		},
		{
			name:   "enterprise security group",
			mutate: func(r *emrwire.RunClusterRequest) { r.NodeAttributes.SecurityGroupId = sgEnterpr },
			code:   "ValidationFail", mentions: "enterprise",
		},
		{
			name:   "missing key pair",
			mutate: func(r *emrwire.RunClusterRequest) { r.NodeAttributes.KeyPairName = "no-such-key" },
			code:   "ValidationFail", mentions: "no-such-key",
		},
		{
			name: "no stock",
			mutate: func(r *emrwire.RunClusterRequest) {
				r.NodeAttributes.ZoneId = zoneJ
				allGroups(func(g *emrwire.NodeGroupConfig) { g.VSwitchIds = []string{vswJ} })(r)
				r.NodeGroups[1].InstanceTypes = []string{"ecs.g8i.4xlarge"} // 3 nodes: the vSwitch has 3 free IPs
			},
			code: "OutOfStock", mentions: "ecs.g8i.4xlarge",
		},
		{
			name: "HIVE without hive.metastore.type",
			mutate: func(r *emrwire.RunClusterRequest) {
				r.Applications = append(r.Applications, emrwire.Application{ApplicationName: "HIVE"})
			},
			code: "ValidationFail", mentions: "hive.metastore.type",
		},
		{
			name: "HA without 3 masters",
			mutate: func(r *emrwire.RunClusterRequest) {
				r.DeployMode = "HA"
				r.Applications = append(r.Applications, emrwire.Application{ApplicationName: "ZOOKEEPER"})
			},
			code: "ValidationFail", mentions: "3 MASTER",
		},
		{
			name: "old family with one cloud_essd data disk",
			mutate: func(r *emrwire.RunClusterRequest) {
				r.NodeGroups[1].InstanceTypes = []string{"ecs.g6.xlarge"}
				r.NodeGroups[1].DataDisks = []emrwire.DataDisk{{Category: "cloud_essd", Size: i64p(80), Count: i64p(1)}}
			},
			code: "ValidationFail", mentions: "dataDiskCount is not supported",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newLifecycle(t, Options{})
			req := goodCluster("bad")
			c.mutate(req)
			id := h.runCluster(req)
			if st := h.getCluster(id).ClusterState; st != stateStarting {
				t.Fatalf("at once: got %s, want STARTING (the service finds these problems while creating)", st)
			}
			h.advance(10 * time.Minute)
			cl := h.getCluster(id)
			if cl.ClusterState != stateStartFailed {
				t.Fatalf("after 10 minutes: got %s, want START_FAILED", cl.ClusterState)
			}
			if cl.StateChangeReason == nil || cl.StateChangeReason.Code != c.code {
				t.Fatalf("StateChangeReason: got %+v, want code %s", cl.StateChangeReason, c.code)
			}
			if !strings.Contains(cl.StateChangeReason.Message, c.mentions) {
				t.Errorf("StateChangeReason.Message %q does not name %s", cl.StateChangeReason.Message, c.mentions)
			}
			if cl.ReadyTime != nil || cl.EndTime == nil {
				t.Errorf("got ReadyTime %v, EndTime %v; want no ReadyTime and an EndTime", cl.ReadyTime, cl.EndTime)
			}
		})
	}
}

func TestDeleteCluster(t *testing.T) {
	h := newLifecycle(t, Options{})
	t.Run("while starting", func(t *testing.T) {
		id := h.runCluster(goodCluster("young"))
		_, err := h.call(contract.EMR, "DeleteCluster", &emrwire.DeleteClusterRequest{RegionId: region, ClusterId: id})
		wantCode(t, err, "OperationDenied.ClusterStatus")
	})
	id := h.runningCluster("doomed")
	protect := func(on bool) {
		h.do(contract.EMR, "UpdateClusterAttribute", &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: id, DeletionProtection: &on}, nil)
	}
	del := &emrwire.DeleteClusterRequest{RegionId: region, ClusterId: id}
	protect(true)
	_, err := h.call(contract.EMR, "DeleteCluster", del)
	wantCode(t, err, "OperationDenied.DeletionProtection")
	protect(false)
	h.do(contract.EMR, "DeleteCluster", del, nil)
	if st := h.getCluster(id).ClusterState; st != stateTerminating {
		t.Fatalf("after DeleteCluster: got %s, want TERMINATING", st)
	}
	_, err = h.call(contract.EMR, "DeleteCluster", del)
	wantCode(t, err, "OperationDenied.ClusterStatus")
	_, err = h.call(contract.EMR, "IncreaseNodes", &emrwire.IncreaseNodesRequest{RegionId: region, ClusterId: id, NodeGroupId: h.groupID(id, "TASK"), IncreaseNodeCount: i64p(1)})
	wantCode(t, err, "OperationDenied.ClusterStatus")
	h.advance(2 * time.Minute)
	cl := h.getCluster(id)
	if cl.ClusterState != stateTerminated || cl.StateChangeReason == nil || cl.StateChangeReason.Code != "UserRequest" {
		t.Fatalf("after 2 minutes: got %s (%+v), want TERMINATED by UserRequest", cl.ClusterState, cl.StateChangeReason)
	}
	if got := countStates(h.nodeStates(id, h.groupID(id, "CORE"))); !cmp.Equal(got, map[string]int{nodeTerminated: 2}) {
		t.Errorf("core nodes: got %v, want 2 Terminated", got)
	}
	var list emrwire.ListClustersResponse
	h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{stateTerminated}}, &list)
	if len(list.Clusters) != 1 || list.Clusters[0].ClusterId != id {
		t.Errorf("ListClusters TERMINATED: got %+v, want only %s", list.Clusters, id)
	}
}

func TestNodeGroupResizing(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runningCluster("resize")
	task, core := h.groupID(id, "TASK"), h.groupID(id, "CORE")
	increase := func(n int64) (string, error) {
		body, err := h.call(contract.EMR, "IncreaseNodes", &emrwire.IncreaseNodesRequest{RegionId: region, ClusterId: id, NodeGroupId: task, IncreaseNodeCount: i64p(n)})
		var resp emrwire.IncreaseNodesResponse
		if err == nil {
			decodeInto(t, body, &resp)
		}
		return resp.OperationId, err
	}
	op, err := increase(2)
	if err != nil {
		t.Fatalf("IncreaseNodes: %s", describe(err))
	}
	_, err = increase(1)
	wantCode(t, err, "ConcurrentModification")
	for _, s := range []struct {
		advance time.Duration
		group   string
		nodes   string
		op      string
	}{
		{0, "INCREASING", nodePending, "IN_PROGRESS"},
		{30 * time.Second, "INCREASING", nodeStarting, "IN_PROGRESS"},
		{90 * time.Second, "INCREASING", nodeRunning, "IN_PROGRESS"},
		{time.Minute, "RUNNING", nodeRunning, "COMPLETED"},
	} {
		h.advance(s.advance)
		if got := h.nodeGroup(id, task).NodeGroupState; got != s.group {
			t.Errorf("+%s: got group %s, want %s", s.advance, got, s.group)
		}
		if got := countStates(h.nodeStates(id, task)); !cmp.Equal(got, map[string]int{s.nodes: 2}) {
			t.Errorf("+%s: got nodes %v, want 2 %s", s.advance, got, s.nodes)
		}
		if got := h.operationState(id, op); got != s.op {
			t.Errorf("+%s: got operation %s, want %s", s.advance, got, s.op)
		}
	}

	_, err = h.call(contract.EMR, "DecreaseNodes", &emrwire.DecreaseNodesRequest{RegionId: region, ClusterId: id, NodeGroupId: core, DecreaseNodeCount: i64p(1)})
	wantCode(t, err, "OperationDenied.NodeGroupType")

	if _, err := increase(2); err != nil {
		t.Fatalf("second IncreaseNodes: %s", describe(err))
	}
	h.advance(3 * time.Minute)
	var dec emrwire.DecreaseNodesResponse
	h.do(contract.EMR, "DecreaseNodes", &emrwire.DecreaseNodesRequest{
		RegionId: region, ClusterId: id, NodeGroupId: task, DecreaseNodeCount: i64p(4), BatchSize: i64p(2), BatchInterval: i64p(300),
	}, &dec)
	for _, s := range []struct {
		advance time.Duration
		nodes   map[string]int
		op      string
	}{
		{0, map[string]int{nodeStopping: 2, nodeRunning: 2}, "IN_PROGRESS"},
		{time.Minute, map[string]int{nodeTerminated: 2, nodeRunning: 2}, "IN_PROGRESS"},
		{4 * time.Minute, map[string]int{nodeTerminated: 2, nodeStopping: 2}, "IN_PROGRESS"},
		{time.Minute, map[string]int{nodeTerminated: 4}, "COMPLETED"},
	} {
		h.advance(s.advance)
		if got := countStates(h.nodeStates(id, task)); !cmp.Equal(got, s.nodes) {
			t.Errorf("decrease +%s: got nodes %v, want %v", s.advance, got, s.nodes)
		}
		if got := h.operationState(id, dec.OperationId); got != s.op {
			t.Errorf("decrease +%s: got operation %s, want %s", s.advance, got, s.op)
		}
	}
	if g := h.nodeGroup(id, task); g.NodeGroupState != "RUNNING" || i64(g.RunningNodeCount) != 0 {
		t.Errorf("after the decrease: got group %s with %d running, want RUNNING with 0", g.NodeGroupState, i64(g.RunningNodeCount))
	}
}

func TestClientToken(t *testing.T) {
	h := newLifecycle(t, Options{})
	req := goodCluster("token")
	req.ClientToken = "token-1"
	first := h.runCluster(req)
	if again := h.runCluster(req); again != first {
		t.Errorf("same token, same request: got %s, want %s", again, first)
	}
	other := *req
	other.ClusterName = "token-other"
	_, err := h.call(contract.EMR, "RunCluster", &other)
	wantCode(t, err, "IdempotentParameterMismatch")
	h.advance(31 * time.Minute)
	if later := h.runCluster(req); later == first {
		t.Errorf("same token after 31 minutes: got the old cluster %s, want a new one", later)
	}
	var list emrwire.ListClustersResponse
	h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}, &list)
	if got := i64(list.TotalCount); got != 2 {
		t.Errorf("clusters: got %d, want 2", got)
	}
}

func TestListClustersPagination(t *testing.T) {
	h := newHarness(t, newServer(t, Options{Throttle: ThrottleConfig{Rate: -1}}), false)
	for i := 0; i < 45; i++ {
		h.runCluster(goodCluster("page"))
	}
	list := func(max *int64, token string) (*emrwire.ListClustersResponse, error) {
		body, err := h.call(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, MaxResults: max, NextToken: token})
		var resp emrwire.ListClustersResponse
		if err == nil {
			decodeInto(t, body, &resp)
		}
		return &resp, err
	}
	seen := map[string]bool{}
	var sizes []int
	token := ""
	for {
		page, err := list(nil, token)
		if err != nil {
			t.Fatalf("ListClusters: %s", describe(err))
		}
		if i64(page.TotalCount) != 45 || i64(page.MaxResults) != 20 {
			t.Fatalf("got TotalCount %d, MaxResults %d, want 45 and 20", i64(page.TotalCount), i64(page.MaxResults))
		}
		sizes = append(sizes, len(page.Clusters))
		for _, c := range page.Clusters {
			seen[c.ClusterId] = true
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	if !cmp.Equal(sizes, []int{20, 20, 5}) || len(seen) != 45 {
		t.Errorf("default paging: got pages %v with %d distinct clusters, want [20 20 5] and 45", sizes, len(seen))
	}
	for _, c := range []struct {
		max       int64
		size      int
		wantToken bool
	}{{1, 1, true}, {100, 45, false}} {
		page, err := list(&c.max, "")
		if err != nil {
			t.Fatalf("MaxResults %d: %s", c.max, describe(err))
		}
		if len(page.Clusters) != c.size || (page.NextToken != "") != c.wantToken {
			t.Errorf("MaxResults %d: got %d clusters, NextToken %q; want %d, token %v", c.max, len(page.Clusters), page.NextToken, c.size, c.wantToken)
		}
	}
	for _, c := range []struct {
		name  string
		max   *int64
		token string
	}{{"MaxResults 0", i64p(0), ""}, {"MaxResults 101", i64p(101), ""}, {"bad NextToken", nil, "not-a-token"}} {
		_, err := list(c.max, c.token)
		if codeOf(err) != "InvalidParameter" {
			t.Errorf("%s: got %v, want InvalidParameter", c.name, describe(err))
		}
	}
}

func TestThrottling(t *testing.T) {
	h := newHarness(t, newServer(t, Options{Throttle: ThrottleConfig{Rate: 1, Burst: 2}}), false)
	req := &emrwire.ListClustersRequest{RegionId: region}
	for i := 0; i < 2; i++ {
		if _, err := h.call(contract.EMR, "ListClusters", req); err != nil {
			t.Fatalf("call %d: %s", i+1, describe(err))
		}
	}
	_, err := h.call(contract.EMR, "ListClusters", req)
	wantCode(t, err, "Throttling.User")
	var ra interface{ GetRetryAfter() *int64 }
	if !errors.As(err, &ra) || ra.GetRetryAfter() == nil {
		t.Errorf("got %T without a retry-after, want a ThrottlingError that read x-ratelimit-user-api", err)
	}
	if e, _ := h.wire.last("ListClusters"); e.header.Get("x-ratelimit-user-api") == "" {
		t.Errorf("throttled response headers %v: no x-ratelimit-user-api", e.header)
	}
	if _, err := h.call(contract.EMR, "ListReleaseVersions", &emrwire.ListReleaseVersionsRequest{RegionId: region, ClusterType: clusterType}); err != nil {
		t.Errorf("another action: got %s, want success (buckets are per action)", describe(err))
	}
}

func TestAutoScaling(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runningCluster("scaling")
	task := h.groupID(id, "TASK")
	put := &emrwire.PutAutoScalingPolicyRequest{
		RegionId: region, ClusterId: id, NodeGroupId: task,
		Constraints:  &emrwire.ScalingConstraints{MinCapacity: i64p(0), MaxCapacity: i64p(3)},
		ScalingRules: []emrwire.ScalingRule{metricRule("busy", 2, 300)},
	}
	h.do(contract.EMR, "PutAutoScalingPolicy", put, nil)
	onCore := *put
	onCore.NodeGroupId = h.groupID(id, "CORE")
	_, err := h.call(contract.EMR, "PutAutoScalingPolicy", &onCore)
	wantCode(t, err, "OperationDenied.NodeGroupType")

	var pol emrwire.GetAutoScalingPolicyResponse
	h.do(contract.EMR, "GetAutoScalingPolicy", &emrwire.GetAutoScalingPolicyRequest{RegionId: region, ClusterId: id, NodeGroupId: task}, &pol)
	if pol.ScalingPolicy == nil || len(pol.ScalingPolicy.ScalingRules) != 1 || i64(pol.ScalingPolicy.Constraints.MaxCapacity) != 3 {
		t.Fatalf("GetAutoScalingPolicy: got %+v, want one rule and MaxCapacity 3", pol.ScalingPolicy)
	}
	breach := func() InjectionResult {
		var out InjectionResult
		in := Injection{Kind: "metric-breach", Region: region, ClusterID: id, NodeGroupID: task}
		if code := h.control("POST", "/_emulator/inject", in, &out); code != 200 {
			t.Fatalf("inject: got status %d", code)
		}
		return out
	}
	for _, s := range []struct {
		advance time.Duration
		state   string
	}{
		{0, "IN_PROGRESS"},               // adds 2
		{0, "REJECTED"},                  // cooling down
		{6 * time.Minute, "IN_PROGRESS"}, // adds 1: capped by MaxCapacity 3
		{6 * time.Minute, "REJECTED"},    // at MaxCapacity
	} {
		h.advance(s.advance)
		if got := breach(); got.State != s.state {
			t.Errorf("breach after %s: got %s (%s), want %s", s.advance, got.State, got.Detail, s.state)
		}
	}
	var acts emrwire.ListAutoScalingActivitiesResponse
	h.do(contract.EMR, "ListAutoScalingActivities", &emrwire.ListAutoScalingActivitiesRequest{RegionId: region, ClusterId: id, NodeGroupId: task}, &acts)
	var got []string
	for _, a := range acts.ScalingActivities {
		got = append(got, a.ActivityState+"/"+strconv.FormatInt(i64(a.ExpectNum), 10))
	}
	if want := []string{"REJECTED/0", "SUCCESSFUL/1", "REJECTED/0", "SUCCESSFUL/2"}; !cmp.Equal(got, want) {
		t.Errorf("activities, newest first: got %v, want %v", got, want)
	}
	h.advance(3 * time.Minute)
	if got := countStates(h.nodeStates(id, task)); !cmp.Equal(got, map[string]int{nodeRunning: 3}) {
		t.Errorf("task nodes: got %v, want 3 Running", got)
	}
	var one emrwire.GetAutoScalingActivityResponse
	h.do(contract.EMR, "GetAutoScalingActivity", &emrwire.GetAutoScalingActivityRequest{RegionId: region, ClusterId: id, ScalingActivityId: acts.ScalingActivities[3].ActivityId}, &one)
	if len(one.ScalingActivity.ActivityResults) != 2 {
		t.Errorf("first scale-out: got %d instances, want 2", len(one.ScalingActivity.ActivityResults))
	}
	remove := &emrwire.RemoveAutoScalingPolicyRequest{RegionId: region, ClusterId: id, NodeGroupId: task}
	h.do(contract.EMR, "RemoveAutoScalingPolicy", remove, nil)
	pol = emrwire.GetAutoScalingPolicyResponse{}
	h.do(contract.EMR, "GetAutoScalingPolicy", &emrwire.GetAutoScalingPolicyRequest{RegionId: region, ClusterId: id, NodeGroupId: task}, &pol)
	if pol.ScalingPolicy != nil {
		t.Errorf("after remove: got policy %+v, want none", pol.ScalingPolicy)
	}
	_, err = h.call(contract.EMR, "RemoveAutoScalingPolicy", remove)
	wantCode(t, err, "ScalingPolicyNotFound")
}

func TestScheduledScaling(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runningCluster("scheduled")
	task := h.groupID(id, "TASK")
	now := h.srv.Clock().Now()
	launch := now.Add(time.Hour).In(scheduleZone).Format("15:04")
	h.do(contract.EMR, "PutAutoScalingPolicy", &emrwire.PutAutoScalingPolicyRequest{
		RegionId: region, ClusterId: id, NodeGroupId: task,
		ScalingRules: []emrwire.ScalingRule{timeRule("morning", launch, now)},
	}, nil)
	list := func() []emrwire.ListAutoScalingActivitiesResponseScalingActivitiesItem {
		var resp emrwire.ListAutoScalingActivitiesResponse
		h.do(contract.EMR, "ListAutoScalingActivities", &emrwire.ListAutoScalingActivitiesRequest{RegionId: region, ClusterId: id}, &resp)
		return resp.ScalingActivities
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("before %s CST: got %d activities, want 0", launch, len(got))
	}
	h.advance(2 * time.Hour)
	for i := 0; i < 2; i++ { // the second listing must not fire the rule again
		got := list()
		if len(got) != 1 || got[0].RuleName != "morning" || got[0].ActivityType != "SCALE_OUT" || i64(got[0].ExpectNum) != 1 {
			t.Fatalf("listing %d after %s CST: got %+v, want one SCALE_OUT of 1 node by rule morning", i+1, launch, got)
		}
	}
}

func TestNodeFailureInjection(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runningCluster("failing")
	core := h.groupID(id, "CORE")
	var res InjectionResult
	if code := h.control("POST", "/_emulator/inject", Injection{Kind: "node-failure", Region: region, ClusterID: id, NodeGroupID: core}, &res); code != 200 {
		t.Fatalf("inject: got status %d", code)
	}
	var nodes emrwire.ListNodesResponse
	h.do(contract.EMR, "ListNodes", &emrwire.ListNodesRequest{RegionId: region, ClusterId: id, NodeIds: []string{res.NodeID}}, &nodes)
	if len(nodes.Nodes) != 1 || nodes.Nodes[0].NodeState != nodeStopped || nodes.Nodes[0].MaintenanceStatus != "ABNORMAL" {
		t.Errorf("failed node: got %+v, want Stopped and ABNORMAL", nodes.Nodes)
	}
	if got := countStates(h.nodeStates(id, core)); !cmp.Equal(got, map[string]int{nodeStopped: 1, nodeRunning: 1}) {
		t.Errorf("core nodes: got %v, want 1 Stopped and 1 Running", got)
	}
	if code := h.control("POST", "/_emulator/inject", Injection{Kind: "volcano", Region: region, ClusterID: id}, nil); code != 400 {
		t.Errorf("unknown injection: got status %d, want 400", code)
	}
}

// TestCapacityLimits shows stock and vSwitch addresses limit growth, and
// come back when nodes go.
func TestCapacityLimits(t *testing.T) {
	h := newLifecycle(t, Options{})
	req := goodCluster("full")
	req.NodeAttributes.ZoneId = zoneJ
	for i := range req.NodeGroups {
		req.NodeGroups[i].VSwitchIds = []string{vswJ}
	}
	id := h.runCluster(req) // 3 nodes take the 3 free addresses
	h.advance(10 * time.Minute)
	free := func() int64 {
		var resp vpcwire.DescribeVSwitchesResponse
		h.do(contract.VPC, "DescribeVSwitches", &vpcwire.DescribeVSwitchesRequest{RegionId: region, VSwitchId: vswJ}, &resp)
		return i64(resp.VSwitches.VSwitch[0].AvailableIpAddressCount)
	}
	if got := free(); got != 0 {
		t.Fatalf("free IPs of %s: got %d, want 0", vswJ, got)
	}
	_, err := h.call(contract.EMR, "IncreaseNodes", &emrwire.IncreaseNodesRequest{RegionId: region, ClusterId: id, NodeGroupId: h.groupID(id, "TASK"), IncreaseNodeCount: i64p(1)})
	wantCode(t, err, "InvalidVSwitchId.IpNotEnough")

	gpu := group("TASK", "gpu", 3, vswJ, "ecs.gn7i-c8g1.2xlarge") // 2 in stock per zone
	_, err = h.call(contract.EMR, "CreateNodeGroup", &emrwire.CreateNodeGroupRequest{RegionId: region, ClusterId: id, NodeGroup: &gpu})
	wantCode(t, err, "ResourceNotEnough")

	h.do(contract.EMR, "DeleteCluster", &emrwire.DeleteClusterRequest{RegionId: region, ClusterId: id}, nil)
	if got := free(); got != 3 {
		t.Errorf("free IPs after deleting the cluster: got %d, want 3", got)
	}
	var apps emrwire.ListApplicationsResponse
	h.do(contract.EMR, "ListApplications", &emrwire.ListApplicationsRequest{RegionId: region, ClusterId: id, ApplicationNames: []string{"HDFS", "SPARK3"}}, &apps)
	if len(apps.Applications) != 1 || apps.Applications[0].ApplicationName != "HDFS" || i64(apps.TotalCount) != 1 {
		t.Errorf("ListApplications HDFS or SPARK3: got %+v, want only HDFS", apps.Applications)
	}
}

func TestClusterFailureInjection(t *testing.T) {
	h := newLifecycle(t, Options{})
	id := h.runningCluster("arrears")
	var res InjectionResult
	if code := h.control("POST", "/_emulator/inject", Injection{Kind: "cluster-failure", Region: region, ClusterID: id}, &res); code != 200 {
		t.Fatalf("inject: got status %d", code)
	}
	cl := h.getCluster(id)
	if cl.ClusterState != stateTerminatedWithErrors || cl.StateChangeReason == nil || cl.StateChangeReason.Code != "AccountException" {
		t.Fatalf("got %s (%+v), want TERMINATED_WITH_ERRORS by AccountException", cl.ClusterState, cl.StateChangeReason)
	}
	if got := countStates(h.nodeStates(id, h.groupID(id, "CORE"))); !cmp.Equal(got, map[string]int{nodeTerminated: 2}) {
		t.Errorf("core nodes: got %v, want 2 Terminated", got)
	}
	if code := h.control("POST", "/_emulator/inject", Injection{Kind: "cluster-failure", Region: region, ClusterID: id}, nil); code != 400 {
		t.Errorf("second failure of an ended cluster: got status %d, want 400", code)
	}
}
