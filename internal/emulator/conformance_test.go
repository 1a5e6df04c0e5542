package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/emrctl/emrctl/internal/contract"
	"github.com/emrctl/emrctl/internal/wire/ecswire"
	"github.com/emrctl/emrctl/internal/wire/emrwire"
	"github.com/emrctl/emrctl/internal/wire/vpcwire"
)

// fixture carries IDs from earlier calls of the conformance scenario to
// later ones.
type fixture struct {
	cluster, subscription          string
	master, core, task, newTask    string
	operation, activity, taskNodes string
	spark                          sparkFixture
}

// step is one call of the conformance scenario.
type step struct {
	product contract.Product
	action  string
	req     func(f *fixture) any
	// after reads IDs from the decoded response body.
	after func(t *testing.T, h *harness, f *fixture, body map[string]any)
}

func productOf(p contract.Product) string { return contract.MustLoad(p).Product }

// conformanceSteps drives every implemented action once with realistic
// parameters, in an order where each call finds what it needs.
func conformanceSteps() []step {
	return append(emrConformanceSteps(), sparkConformanceSteps()...)
}

// emrConformanceSteps cover EMR and its VPC and ECS prerequisites.
func emrConformanceSteps() []step {
	emr, vpc, ecs := contract.EMR, contract.VPC, contract.ECS
	return []step{
		{product: vpc, action: "DescribeRegions", req: func(*fixture) any { return &vpcwire.DescribeRegionsRequest{AcceptLanguage: "en-US"} }},
		{product: vpc, action: "DescribeZones", req: func(*fixture) any {
			return &vpcwire.DescribeZonesRequest{RegionId: region, ZoneType: "AvailabilityZone"}
		}},
		{product: vpc, action: "DescribeVpcs", req: func(*fixture) any {
			return &vpcwire.DescribeVpcsRequest{RegionId: region, VpcId: vpcID, PageNumber: i64p(1), PageSize: i64p(10)}
		}},
		{product: vpc, action: "DescribeVSwitches", req: func(*fixture) any {
			return &vpcwire.DescribeVSwitchesRequest{RegionId: region, VpcId: vpcID, ZoneId: zoneH, PageSize: i64p(50)}
		}},
		{product: ecs, action: "DescribeRegions", req: func(*fixture) any { return &ecswire.DescribeRegionsRequest{InstanceChargeType: "PostPaid"} }},
		{product: ecs, action: "DescribeZones", req: func(*fixture) any { return &ecswire.DescribeZonesRequest{RegionId: region, Verbose: dara.Bool(true)} }},
		{product: ecs, action: "DescribeSecurityGroups", req: func(*fixture) any {
			return &ecswire.DescribeSecurityGroupsRequest{RegionId: region, VpcId: vpcID, SecurityGroupIds: `["` + sgNormal + `","` + sgEnterpr + `"]`, MaxResults: i64p(10), IsQueryEcsCount: dara.Bool(true)}
		}},
		{product: ecs, action: "DescribeKeyPairs", req: func(*fixture) any {
			return &ecswire.DescribeKeyPairsRequest{RegionId: region, KeyPairName: "emrctl-*", IncludePublicKey: dara.Bool(true)}
		}},
		{product: ecs, action: "DescribeAvailableResource", req: func(*fixture) any {
			return &ecswire.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "InstanceType", IoOptimized: "optimized", ZoneId: zoneH, InstanceChargeType: "PostPaid"}
		}},
		{product: ecs, action: "DescribeInstanceTypes", req: func(*fixture) any {
			return &ecswire.DescribeInstanceTypesRequest{InstanceTypes: []string{goodType, "ecs.d3s.4xlarge", "ecs.gn7i-c8g1.2xlarge"}, MaxResults: i64p(10)}
		}},
		{product: ecs, action: "DescribePrice", req: func(*fixture) any {
			return &ecswire.DescribePriceRequest{
				RegionId: region, ResourceType: "instance", InstanceType: goodType, PriceUnit: "Year", Period: i64p(1), Amount: i64p(3),
				SystemDisk: &ecswire.DescribePriceRequestSystemDisk{Category: "cloud_essd", Size: i64p(120), PerformanceLevel: "PL1"},
				DataDisk:   []ecswire.DescribePriceRequestDataDiskItem{{Category: "cloud_essd", Size: i64p(500), PerformanceLevel: "PL1"}},
			}
		}},
		{product: ecs, action: "DescribeInstances", req: func(*fixture) any {
			return &ecswire.DescribeInstancesRequest{
				RegionId: region, VpcId: vpcID, ZoneId: zoneH, SecurityGroupId: sgNormal, Status: "Running",
				InstanceIds: `["` + GatewayCandidateID + `","i-sandboxgw0000005"]`, InstanceName: "emrctl-gateway-*", MaxResults: i64p(10),
			}
		}},
		{product: ecs, action: "DescribeDisks", req: func(*fixture) any {
			return &ecswire.DescribeDisksRequest{RegionId: region, InstanceId: GatewayCandidateID, DiskType: "system", DiskIds: `["d-sandboxgw0000001"]`, MaxResults: i64p(10)}
		}},
		{product: ecs, action: "DescribeInstanceRamRole", req: func(*fixture) any {
			return &ecswire.DescribeInstanceRamRoleRequest{RegionId: region, InstanceIds: `["` + GatewayCandidateID + `"]`, RamRoleName: GatewayRAMRole, PageSize: i64p(10)}
		}},
		{product: emr, action: "ListReleaseVersions", req: func(*fixture) any {
			return &emrwire.ListReleaseVersionsRequest{RegionId: region, ClusterType: clusterType, IaasType: "ECS"}
		}},
		{product: emr, action: "ListInstanceTypes", req: func(*fixture) any {
			return &emrwire.ListInstanceTypesRequest{RegionId: region, ZoneId: zoneH, ClusterType: clusterType, NodeGroupType: "CORE", PaymentType: "PayAsYouGo", ReleaseVersion: release}
		}},
		{product: emr, action: "RunCluster", req: func(*fixture) any {
			r := goodCluster("conformance")
			r.ClientToken = "conformance-run-1"
			r.ApplicationConfigs = []emrwire.ApplicationConfig{{ApplicationName: "HDFS", ConfigFileName: "hdfs-site.xml", ConfigItemKey: "dfs.replication", ConfigItemValue: "2"}}
			return r
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.RunClusterResponse
			decodeInto(t, body, &resp)
			f.cluster, f.operation = resp.ClusterId, resp.OperationId
		}},
		{product: emr, action: "CreateCluster", req: func(*fixture) any {
			r := goodCluster("conformance-subscription")
			c := emrwire.CreateClusterRequest{
				RegionId: r.RegionId, ClusterName: r.ClusterName, ClusterType: r.ClusterType, ReleaseVersion: r.ReleaseVersion,
				Applications: r.Applications, NodeAttributes: r.NodeAttributes, NodeGroups: r.NodeGroups[:2], Tags: r.Tags,
				PaymentType: "Subscription", ClientToken: "conformance-create-1", DeletionProtection: dara.Bool(false),
				SubscriptionConfig: &emrwire.SubscriptionConfig{PaymentDuration: i64p(1), PaymentDurationUnit: "Month"},
			}
			return &c
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.CreateClusterResponse
			decodeInto(t, body, &resp)
			f.subscription = resp.ClusterId
		}},
		{product: emr, action: "GetCluster", req: func(f *fixture) any { return &emrwire.GetClusterRequest{RegionId: region, ClusterId: f.cluster} }},
		{product: emr, action: "ListClusters", req: func(*fixture) any {
			return &emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{"RUNNING"}, ClusterTypes: []string{clusterType}, Tags: []emrwire.Tag{{Key: "env", Value: "test"}}, MaxResults: i64p(20)}
		}},
		{product: emr, action: "ListApplications", req: func(f *fixture) any {
			return &emrwire.ListApplicationsRequest{RegionId: region, ClusterId: f.cluster, MaxResults: i64p(50)}
		}},
		{product: emr, action: "UpdateClusterAttribute", req: func(f *fixture) any {
			return &emrwire.UpdateClusterAttributeRequest{RegionId: region, ClusterId: f.cluster, Description: "conformance run", DeletionProtection: dara.Bool(false)}
		}},
		{product: emr, action: "UpdateClusterAutoRenew", req: func(f *fixture) any {
			return &emrwire.UpdateClusterAutoRenewRequest{RegionId: region, ClusterId: f.subscription, ClusterAutoRenew: dara.Bool(true), ClusterAutoRenewDuration: i64p(1), ClusterAutoRenewDurationUnit: "Month", RenewAllInstances: dara.Bool(true)}
		}},
		{product: emr, action: "GetClusterCloneMeta", req: func(f *fixture) any {
			return &emrwire.GetClusterCloneMetaRequest{RegionId: region, ClusterId: f.cluster}
		}},
		{product: emr, action: "ListApplicationConfigs", req: func(f *fixture) any {
			return &emrwire.ListApplicationConfigsRequest{RegionId: region, ClusterId: f.cluster, ApplicationName: "HDFS", ConfigFileName: "hdfs-site.xml", ConfigItemKey: "dfs.", MaxResults: i64p(50)}
		}},
		{product: emr, action: "UpdateApplicationConfigs", req: func(f *fixture) any {
			return &emrwire.UpdateApplicationConfigsRequest{
				RegionId: region, ClusterId: f.cluster, ApplicationName: "HDFS", ConfigAction: "UPDATE", ConfigScope: "CLUSTER",
				Description: "conformance run", RefreshConfig: dara.Bool(true),
				ApplicationConfigs: []emrwire.UpdateApplicationConfig{{ConfigFileName: "hdfs-site.xml", ConfigItemKey: "dfs.replication", ConfigItemValue: "3", ConfigDescription: "three copies"}},
			}
		}},
		{product: emr, action: "ExportApplicationConfigs", req: func(f *fixture) any {
			return &emrwire.ExportApplicationConfigsRequest{
				RegionId: region, ClusterId: f.cluster, ConfigScope: "CLUSTER", ExportMode: "ALL", FileFormat: "XML",
				ApplicationConfigFiles: []emrwire.ApplicationConfigFile{{ApplicationName: "HDFS", ConfigFileName: "core-site.xml"}, {ApplicationName: "YARN"}},
			}
		}},
		{product: emr, action: "ListNodeGroups", req: func(f *fixture) any {
			return &emrwire.ListNodeGroupsRequest{RegionId: region, ClusterId: f.cluster, MaxResults: i64p(10)}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.ListNodeGroupsResponse
			decodeInto(t, body, &resp)
			for _, g := range resp.NodeGroups {
				switch g.NodeGroupType {
				case "MASTER":
					f.master = g.NodeGroupId
				case "CORE":
					f.core = g.NodeGroupId
				case "TASK":
					f.task = g.NodeGroupId
				}
			}
		}},
		{product: emr, action: "GetNodeGroup", req: func(f *fixture) any {
			return &emrwire.GetNodeGroupRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.core}
		}},
		{product: emr, action: "CreateNodeGroup", req: func(f *fixture) any {
			g := group("TASK", "task-spot", 1, vswH, "ecs.c8i.2xlarge")
			g.SpotStrategy = "SpotAsPriceGo"
			return &emrwire.CreateNodeGroupRequest{RegionId: region, ClusterId: f.cluster, NodeGroup: &g}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.CreateNodeGroupResponse
			decodeInto(t, body, &resp)
			f.newTask = resp.NodeGroupId
		}},
		{product: emr, action: "IncreaseNodes", req: func(f *fixture) any {
			return &emrwire.IncreaseNodesRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task, IncreaseNodeCount: i64p(2), MinIncreaseNodeCount: i64p(1)}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.IncreaseNodesResponse
			decodeInto(t, body, &resp)
			f.operation = resp.OperationId
		}},
		{product: emr, action: "GetOperation", req: func(f *fixture) any {
			return &emrwire.GetOperationRequest{RegionId: region, ClusterId: f.cluster, OperationId: f.operation}
		}},
		{product: emr, action: "ListNodes", req: func(f *fixture) any {
			return &emrwire.ListNodesRequest{RegionId: region, ClusterId: f.cluster, NodeGroupIds: []string{f.task}, NodeStates: []string{"Running"}, MaxResults: i64p(100)}
		}, after: func(t *testing.T, _ *harness, f *fixture, body map[string]any) {
			var resp emrwire.ListNodesResponse
			decodeInto(t, body, &resp)
			if len(resp.Nodes) == 0 {
				t.Fatalf("ListNodes: got no running task nodes, want 2")
			}
			f.taskNodes = resp.Nodes[0].NodeId
		}},
		{product: emr, action: "DecreaseNodes", req: func(f *fixture) any {
			return &emrwire.DecreaseNodesRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task, NodeIds: []string{f.taskNodes}, BatchSize: i64p(1), BatchInterval: i64p(60)}
		}},
		{product: emr, action: "PutAutoScalingPolicy", req: func(f *fixture) any {
			return &emrwire.PutAutoScalingPolicyRequest{
				RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task,
				Constraints:  &emrwire.ScalingConstraints{MinCapacity: i64p(0), MaxCapacity: i64p(10)},
				ScalingRules: []emrwire.ScalingRule{metricRule("yarn-busy", 2, 300), timeRule("nightly", "02:00", time.Now())},
			}
		}, after: func(t *testing.T, h *harness, f *fixture, _ map[string]any) {
			res, err := h.srv.Inject(Injection{Kind: "metric-breach", Region: region, ClusterID: f.cluster, NodeGroupID: f.task, RuleName: "yarn-busy"})
			if err != nil {
				t.Fatalf("inject metric-breach: %v", err)
			}
			f.activity = res.ActivityID
		}},
		{product: emr, action: "GetAutoScalingPolicy", req: func(f *fixture) any {
			return &emrwire.GetAutoScalingPolicyRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task}
		}},
		{product: emr, action: "ListAutoScalingActivities", req: func(f *fixture) any {
			return &emrwire.ListAutoScalingActivitiesRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task, ScalingActivityType: "SCALE_OUT", MaxResults: i64p(20)}
		}},
		{product: emr, action: "GetAutoScalingActivity", req: func(f *fixture) any {
			return &emrwire.GetAutoScalingActivityRequest{RegionId: region, ClusterId: f.cluster, ScalingActivityId: f.activity}
		}},
		{product: emr, action: "RemoveAutoScalingPolicy", req: func(f *fixture) any {
			return &emrwire.RemoveAutoScalingPolicyRequest{RegionId: region, ClusterId: f.cluster, NodeGroupId: f.task}
		}},
		{product: emr, action: "DeleteCluster", req: func(f *fixture) any {
			return &emrwire.DeleteClusterRequest{RegionId: region, ClusterId: f.cluster}
		}},
	}
}

func metricRule(name string, adjust, cooldown int64) emrwire.ScalingRule {
	return emrwire.ScalingRule{
		RuleName: name, TriggerType: "METRICS_TRIGGER", ActivityType: "SCALE_OUT", AdjustmentValue: i64p(adjust),
		MetricsTrigger: &emrwire.MetricsTrigger{
			TimeWindow: i64p(300), EvaluationCount: i64p(1), CoolDownInterval: i64p(cooldown),
			Conditions: []emrwire.TriggerCondition{{MetricName: "yarn_resourcemanager_queue_PendingContainers", Statistics: "AVG", ComparisonOperator: "GT", Threshold: ptr(10.0)}},
		},
	}
}

func timeRule(name, launch string, start time.Time) emrwire.ScalingRule {
	return emrwire.ScalingRule{
		RuleName: name, TriggerType: "TIME_TRIGGER", ActivityType: "SCALE_OUT", AdjustmentValue: i64p(1),
		TimeTrigger: &emrwire.TimeTrigger{LaunchTime: launch, StartTime: i64p(start.UnixMilli()), RecurrenceType: "DAILY"},
	}
}

// runConformance drives every implemented action through the SDK and
// checks each request and response against the contract.
func runConformance(t *testing.T, h *harness) {
	steps := conformanceSteps()
	covered := map[string]bool{}
	for _, s := range steps {
		covered[productOf(s.product)+"/"+s.action] = true
	}
	for _, a := range h.srv.Actions() {
		if !covered[a] {
			t.Errorf("action %s has no conformance step", a)
		}
	}
	f := &fixture{}
	for _, s := range steps {
		spec, a := routeAction(t, h.srv, s.product, s.action)
		name := productOf(s.product) + "/" + s.action
		req := s.req(f)
		body, err := h.callAction(a, req)
		if err != nil {
			t.Fatalf("%s: %s", name, describe(err))
		}
		e, ok := h.wire.last(s.action)
		if !ok {
			t.Fatalf("%s: no exchange recorded", name)
		}
		checkExchange(t, name, spec, a, e, req)
		if s.after != nil {
			s.after(t, h, f, body)
		}
	}
}

// routeAction returns an action as the server routes it: from the
// contract, or as the emulator describes an action the contract lacks
// (DeleteSessionCluster).
func routeAction(t *testing.T, srv *Server, p contract.Product, name string) (*contract.Spec, *contract.Action) {
	t.Helper()
	spec := contract.MustLoad(p)
	if a := spec.Action(name); a != nil {
		return spec, a
	}
	if rt := srv.routes[spec.Version+"/"+name]; rt != nil {
		return spec, rt.action
	}
	t.Fatalf("%s has no action %s, in the contract or in the emulator", p, name)
	return nil, nil
}

// checkExchange checks one recorded exchange: every wire key is a
// contract parameter in its contract encoding and placement, every member
// of the request reached the wire, and the response is a 200 whose every
// field is named and typed as the contract says.
func checkExchange(t *testing.T, name string, spec *contract.Spec, a *contract.Action, e exchange, req any) {
	t.Helper()
	probs, seen := wireProblems(spec, a, e)
	for _, p := range probs {
		t.Errorf("%s request: %s", name, p)
	}
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		t.Fatal(err)
	}
	for m := range members {
		if !seen[m] {
			t.Errorf("%s request: member %s did not reach the wire", name, m)
		}
	}
	if e.status != http.StatusOK {
		t.Errorf("%s: got status %d (%s), want 200", name, e.status, e.response)
	}
	for _, p := range responseProblems(spec, a, e.response) {
		t.Errorf("%s response: %s", name, p)
	}
	for _, p := range missingLists(spec, a, e.response) {
		t.Errorf("%s response: %s", name, p)
	}
	checkRequestID(t, name, e, requestIDKey(a))
}

// requestIDKey is the response member that carries the request ID:
// RequestId on the RPC products, requestId on Serverless Spark (except
// where the SDK model says RequestId, as for EditWorkspaceQueue).
func requestIDKey(a *contract.Action) string {
	for _, f := range a.Response {
		if f.Name == "requestId" {
			return f.Name
		}
	}
	return "RequestId"
}

// checkRequestID checks the x-acs-request-id header equals the body's
// request ID (key RequestId, or requestId for ROA).
func checkRequestID(t *testing.T, name string, e exchange, key string) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(e.response, &body); err != nil {
		t.Fatalf("%s response %s: %v", name, e.response, err)
	}
	id, _ := body[key].(string)
	if id == "" {
		t.Errorf("%s response: no %s in %s", name, key, e.response)
	}
	if got := e.header.Get("x-acs-request-id"); got != id {
		t.Errorf("%s response: got header x-acs-request-id %q, want the body's %s %q", name, got, key, id)
	}
}

func TestConformance(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	runConformance(t, h)
}

// TestConformanceLegacySignature sends a few calls with the client's
// legacy v2 (HMAC-SHA1, Action in the query) signature.
func TestConformanceLegacySignature(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	for _, c := range []struct {
		product contract.Product
		action  string
		req     any
	}{
		{contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region, ClusterStates: []string{"RUNNING"}}},
		{contract.ECS, "DescribeKeyPairs", &ecswire.DescribeKeyPairsRequest{RegionId: region}},
	} {
		t.Run(c.action, func(t *testing.T) {
			_, a := action(t, c.product, c.action)
			if _, err := h.send(a, sdkRequest(t, a, c.req), clientOpts{algorithm: "v2"}); err != nil {
				t.Fatalf("got %s, want success", describe(err))
			}
			e, _ := h.wire.last(c.action)
			if got := e.query.Get("SignatureMethod"); got != "HMAC-SHA1" {
				t.Errorf("SignatureMethod: got %q, want HMAC-SHA1 (the client did not use the legacy signature)", got)
			}
		})
	}
}

// TestRefusals shows the wrong requests the issue names are refused with
// the real codes, through the real client over HTTP.
func TestRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, run := action(t, contract.EMR, "RunCluster")
	_, create := action(t, contract.EMR, "CreateCluster")
	good := sdkRequest(t, run, goodCluster("refusals"))
	with := func(base *openapiutil.OpenApiRequest, query, body map[string]any, drop ...string) *openapiutil.OpenApiRequest {
		out := &openapiutil.OpenApiRequest{Query: map[string]*string{}, Body: map[string]any{}}
		for k, v := range base.Query {
			out.Query[k] = v
		}
		for k, v := range base.Body.(map[string]any) {
			out.Body.(map[string]any)[k] = v
		}
		for k, v := range query {
			out.Query[k] = dara.String(fmt.Sprint(v))
		}
		for k, v := range body {
			out.Body.(map[string]any)[k] = v
		}
		for _, k := range drop {
			delete(out.Query, k)
			delete(out.Body.(map[string]any), k)
		}
		return out
	}
	flatCreate := sdkRequest(t, create, &emrwire.CreateClusterRequest{
		RegionId: region, ClusterName: "flat", ClusterType: clusterType, ReleaseVersion: release,
		Applications: goodCluster("x").Applications, NodeAttributes: goodCluster("x").NodeAttributes, NodeGroups: goodCluster("x").NodeGroups,
	})
	nodeGroupsJSON, _ := json.Marshal(goodCluster("x").NodeGroups)
	createWithJSON := &openapiutil.OpenApiRequest{Query: map[string]*string{}}
	for k, v := range flatCreate.Query {
		if !strings.HasPrefix(k, "NodeGroups.") {
			createWithJSON.Query[k] = v
		}
	}
	createWithJSON.Query["NodeGroups"] = dara.String(string(nodeGroupsJSON))
	createWithWord := &openapiutil.OpenApiRequest{Query: map[string]*string{}}
	for k, v := range flatCreate.Query {
		createWithWord.Query[k] = v
	}
	createWithWord.Query["NodeGroups.2.NodeCount"] = dara.String("three")

	for _, c := range []struct {
		name     string
		a        *contract.Action
		req      *openapiutil.OpenApiRequest
		code     string
		mentions string
	}{
		{"misspelt parameter", run, with(good, nil, map[string]any{"EmrVersion": release}, "ReleaseVersion"), "InvalidParameter", "EmrVersion"},
		{"JSON where the contract says flat", create, createWithJSON, "InvalidParameter", "flat"},
		{"flat where the contract says JSON", run, with(good, nil, map[string]any{"NodeGroups.1.NodeCount": "1"}, "NodeGroups"), "InvalidParameter", "NodeGroups"},
		{"wrong type in flat form", create, createWithWord, "InvalidParameter", "NodeCount"},
		{"wrong type in JSON", run, with(good, nil, map[string]any{"NodeGroups": `[{"NodeGroupType":"MASTER","NodeCount":"three"}]`}), "InvalidParameter", "NodeCount"},
		{"missing required parameter", run, with(good, nil, nil, "ClusterName"), "MissingParameter", "ClusterName"},
		{"missing nested required field", run, with(good, nil, map[string]any{"NodeAttributes": `{"VpcId":"` + vpcID + `","ZoneId":"` + zoneH + `"}`}), "MissingSecurityGroupId", "SecurityGroupId"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := h.send(c.a, c.req, clientOpts{})
			wantCode(t, err, c.code)
			if !strings.Contains(messageOf(err), c.mentions) {
				t.Errorf("message %q does not name %s", messageOf(err), c.mentions)
			}
			e, _ := h.wire.last(c.a.Name)
			checkErrorBody(t, e)
		})
	}
	var list emrwire.ListClustersResponse
	h.do(contract.EMR, "ListClusters", &emrwire.ListClustersRequest{RegionId: region}, &list)
	if got := i64(list.TotalCount); got != 0 {
		t.Errorf("after refusals: got %d clusters, want 0 (a refused request changed state)", got)
	}
}

// checkErrorBody checks the POP error body shape.
func checkErrorBody(t *testing.T, e exchange) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(e.response, &body); err != nil {
		t.Fatalf("error body %s: %v", e.response, err)
	}
	var keys []string
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got, want := strings.Join(keys, ","), "Code,HostId,Message,Recommend,RequestId"; got != want {
		t.Errorf("error body members: got %s, want %s", got, want)
	}
	checkRequestID(t, "error", e, "RequestId")
}

// tamperingClient changes one byte of the body after the SDK signed it.
type tamperingClient struct{ c *http.Client }

func (tc tamperingClient) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	i := bytes.IndexByte(body, '=') + 1
	body[i] ^= 0x01
	req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return tc.c.Do(req)
}

// TestSignatureRefusals shows bad signatures refused with the real codes.
func TestSignatureRefusals(t *testing.T) {
	h := newHarness(t, newServer(t, Options{}), true)
	_, get := action(t, contract.EMR, "GetCluster")
	_, run := action(t, contract.EMR, "RunCluster")
	getReq := func(headers map[string]string) *openapiutil.OpenApiRequest {
		r := sdkRequest(t, get, &emrwire.GetClusterRequest{RegionId: region, ClusterId: "c-none"})
		if len(headers) > 0 {
			r.Headers = map[string]*string{}
			for k, v := range headers {
				r.Headers[k] = dara.String(v)
			}
		}
		return r
	}
	old := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04:05Z")
	t.Run("tampered body", func(t *testing.T) {
		_, err := h.send(run, sdkRequest(t, run, goodCluster("tampered")), clientOpts{http: tamperingClient{h.ctl}})
		wantCode(t, err, "SignatureDoesNotMatch")
	})
	t.Run("unknown access key", func(t *testing.T) {
		_, err := h.send(get, getReq(nil), clientOpts{cred: Credential{AccessKeyID: "LTAI5tUnknownKey0000001", AccessKeySecret: "whatever"}})
		wantCode(t, err, "InvalidAccessKeyId.NotFound")
	})
	t.Run("wrong secret", func(t *testing.T) {
		_, err := h.send(get, getReq(nil), clientOpts{cred: Credential{AccessKeyID: SandboxCredential.AccessKeyID, AccessKeySecret: "not-the-secret"}})
		wantCode(t, err, "SignatureDoesNotMatch")
	})
	t.Run("replayed nonce", func(t *testing.T) {
		nonce := map[string]string{"x-acs-signature-nonce": "0123456789abcdef0123456789abcdef"}
		_, err := h.send(get, getReq(nonce), clientOpts{})
		wantCode(t, err, "ClusterNotFound") // the first use passes the signature checks
		_, err = h.send(get, getReq(nonce), clientOpts{})
		wantCode(t, err, "SignatureNonceUsed")
	})
	t.Run("expired date", func(t *testing.T) {
		_, err := h.send(get, getReq(map[string]string{"x-acs-date": old}), clientOpts{})
		wantCode(t, err, "InvalidTimeStamp.Expired")
	})
	t.Run("no authorization", func(t *testing.T) {
		p := params(get)
		p.AuthType = dara.String("Anonymous")
		cl := h.client(clientOpts{})
		_, err := cl.CallApiWithCtx(t.Context(), p, getReq(nil), runtimeOptions(0))
		wantCode(t, err, "IncompleteSignature")
	})
	if stats := h.srv.Stats(); stats["RunCluster"] != 1 || stats["RunCluster:SignatureDoesNotMatch"] != 1 {
		t.Errorf("stats: got RunCluster %d, RunCluster:SignatureDoesNotMatch %d, want 1 and 1", stats["RunCluster"], stats["RunCluster:SignatureDoesNotMatch"])
	}
}
