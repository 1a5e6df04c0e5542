package aws

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
)

func TestRunJobFlowReadsBackAsSpecified(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "groups.yaml", "token-1")

	d, err := p.ClusterDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Cluster
	checks := []struct {
		name      string
		got, want any
	}{
		{name: "name", got: c.Name, want: "etl-groups"},
		{name: "state", got: c.State, want: StateWaiting}, // moto is ready at once
		{name: "release", got: c.ReleaseVersion, want: "emr-7.2.0"},
		{name: "log uri", got: c.AWS.LogURI, want: "s3://emrctl-logs/emr/"},
		{name: "service role", got: c.AWS.ServiceRole, want: "EMR_DefaultRole"},
		{name: "instance profile", got: c.AWS.InstanceProfile, want: "EMR_EC2_DefaultRole"},
		{name: "security configuration", got: c.AWS.SecurityConfiguration, want: "tls-at-rest"},
		{name: "termination protected", got: c.AWS.TerminationProtected, want: true},
		{name: "termination protection is deletion protection", got: c.DeletionProtection, want: true},
		{name: "description, from its tag", got: c.Description, want: "nightly ETL of team data"},
		{name: "key", got: c.AWS.KeyName, want: "ops-key"},
		{name: "subnets", got: c.AWS.SubnetIDs, want: []string{"subnet-0abc1234def567890"}},
		{name: "applications", got: c.AWS.Applications, want: []string{"Hadoop", "Spark", "Hive"}},
		{name: "keep alive", got: d.KeepAlive, want: true},
		{name: "tags", got: c.Tags, want: []provider.Tag{{Key: "env", Value: "test"}, {Key: "team", Value: "data"}, {Key: DescriptionTagKey, Value: "nightly ETL of team data"}, {Key: provider.RequestTagKey, Value: "token-1"}}},
		{name: "configurations", got: d.Configurations, want: []provider.Configuration{
			{Classification: "spark-defaults", Properties: map[string]string{"spark.dynamicAllocation.enabled": "true"}},
			{Classification: "hadoop-env", Configurations: []provider.Configuration{{Classification: "export", Properties: map[string]string{"JAVA_HOME": "/usr/lib/jvm/java-17"}}}},
		}},
	}
	for _, ck := range checks {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ck.name, diff)
		}
	}

	groups, err := p.ListNodeGroups(ctx, id, provider.NodeGroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		Name, Role, Type, Market, Bid string
		Desired                       int
	}
	var gotGroups []g
	for _, x := range groups {
		gotGroups = append(gotGroups, g{x.Name, x.Role, x.InstanceTypes[0], x.Market, x.BidPrice, x.DesiredNodes})
	}
	slices.SortFunc(gotGroups, func(a, b g) int { return cmpString(a.Role, b.Role) })
	wantGroups := []g{{"core", "CORE", "m5.xlarge", "ON_DEMAND", "", 2}, {"master", "MASTER", "m5.xlarge", "ON_DEMAND", "", 1}, {"task-spot", "TASK", "m5.2xlarge", "SPOT", "0.20", 2}}
	if diff := cmp.Diff(wantGroups, gotGroups); diff != "" {
		t.Errorf("instance groups (-want +got):\n%s", diff)
	}

	actions, err := p.BootstrapActions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]provider.BootstrapAction{{Name: "install-deps", Path: "s3://emrctl-code/bootstrap/deps.sh", Args: []string{"--quiet", "--retries", "3"}}}, actions); diff != "" {
		t.Errorf("bootstrap actions (-want +got):\n%s", diff)
	}

	steps, err := p.Steps(ctx, id, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wc *provider.Step
	for i := range steps {
		if steps[i].Name == "wordcount" {
			wc = &steps[i]
		}
	}
	if wc == nil {
		t.Fatalf("steps: got %+v, want one named wordcount", steps)
	}
	wantArgs := []string{"spark-submit", "--deploy-mode", "cluster", "--conf", "spark.executor.memory=4g", "s3://emrctl-code/jobs/wc.py", "s3://emrctl-data/in/a,b", "two words"}
	if diff := cmp.Diff(wantArgs, wc.Args); diff != "" {
		t.Errorf("step arguments, each kept whole (-want +got):\n%s", diff)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestNodeGroupsAndNodes(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "groups.yaml", "t")
	all, err := p.ListNodeGroups(ctx, id, provider.NodeGroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byRole := map[string]provider.NodeGroup{}
	for _, g := range all {
		byRole[g.Role] = g
		if g.Fleet || g.State != groupRunning || g.ClusterID != id {
			t.Errorf("group %+v: want a RUNNING instance group of %s", g, id)
		}
		if err := checkGroupID("group", g.ID); err != nil {
			t.Errorf("group ID %s: Traits refuse it: %v", g.ID, err)
		}
	}
	task := byRole["TASK"]
	for _, tc := range []struct {
		name string
		f    provider.NodeGroupFilter
		want []string
	}{
		{name: "by role, any case", f: provider.NodeGroupFilter{Roles: []string{"task"}}, want: []string{task.ID}},
		{name: "by ID", f: provider.NodeGroupFilter{IDs: []string{task.ID}}, want: []string{task.ID}},
		{name: "by name", f: provider.NodeGroupFilter{Names: []string{"task-spot"}}, want: []string{task.ID}},
		{name: "by state", f: provider.NodeGroupFilter{Roles: []string{"TASK"}, States: []string{"RUNNING"}}, want: []string{task.ID}},
		{name: "none", f: provider.NodeGroupFilter{Names: []string{"nope"}}, want: nil},
	} {
		t.Run("groups "+tc.name, func(t *testing.T) {
			gs, err := p.ListNodeGroups(ctx, id, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range gs {
				got = append(got, g.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	g, err := p.GetNodeGroup(ctx, id, task.ID)
	if err != nil || g.Name != "task-spot" {
		t.Errorf("GetNodeGroup: got %+v, %v; want task-spot", g, err)
	}
	if _, err := p.GetNodeGroup(ctx, id, "ig-NOSUCHGROUP1"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("GetNodeGroup of an unknown group: got %v, want not found", err)
	}

	nodes := func(t *testing.T, f provider.NodeFilter) []provider.Node {
		t.Helper()
		var out []provider.Node
		token := ""
		for {
			page, err := p.ListNodes(ctx, id, f, token, 100)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page.Items...)
			if token = page.NextToken; token == "" {
				return out
			}
		}
	}
	every := nodes(t, provider.NodeFilter{})
	roles := map[string]int{}
	for _, n := range every {
		roles[n.Role]++
		if n.Phase != provider.PhaseRunning || n.State != provider.AWSInstanceRunning || n.CreateTime.IsZero() || n.InstanceType == "" {
			t.Errorf("node %+v: want a RUNNING instance with phase running, its creation time and type", n)
		}
		if err := checkInstanceID("node", n.ID); err != nil {
			t.Errorf("node ID %s: Traits refuse it: %v", n.ID, err)
		}
		if byRole[n.Role].ID != n.NodeGroupID {
			t.Errorf("node %s: role %s, group %s; want the group of that role", n.ID, n.Role, n.NodeGroupID)
		}
	}
	if diff := cmp.Diff(map[string]int{"MASTER": 1, "CORE": 2, "TASK": 2}, roles); diff != "" {
		t.Errorf("nodes by role (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		f    provider.NodeFilter
		want int
	}{
		{name: "one group", f: provider.NodeFilter{NodeGroupIDs: []string{task.ID}}, want: 2},
		{name: "two groups", f: provider.NodeFilter{NodeGroupIDs: []string{task.ID, byRole["MASTER"].ID}}, want: 3},
		{name: "by node ID", f: provider.NodeFilter{NodeIDs: []string{every[0].ID}}, want: 1},
		{name: "running", f: provider.NodeFilter{States: []string{"RUNNING"}}, want: 5},
		{name: "terminated", f: provider.NodeFilter{States: []string{provider.AWSInstanceTerminated}}, want: 0},
	} {
		t.Run("nodes "+tc.name, func(t *testing.T) {
			if got := len(nodes(t, tc.f)); got != tc.want {
				t.Errorf("got %d nodes, want %d", got, tc.want)
			}
		})
	}
}

func TestNodePhases(t *testing.T) {
	for state, want := range map[string]provider.NodePhase{
		provider.AWSInstanceAwaitingFulfillment: provider.PhasePending,
		provider.AWSInstanceProvisioning:        provider.PhasePending,
		provider.AWSInstanceBootstrapping:       provider.PhasePending,
		provider.AWSInstanceRunning:             provider.PhaseRunning,
		provider.AWSInstanceTerminated:          provider.PhaseReleased,
	} {
		if got := nodePhase(state); got != want {
			t.Errorf("%s: got phase %q, want %q", state, got, want)
		}
	}
}

func TestListClustersFiltersAndFindByTag(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Minute)
	a := create(t, p, "groups.yaml", "tag-a")
	b := create(t, p, "groups.yaml", "tag-b")
	if _, err := p.SetTerminationProtection(ctx, b, false); err != nil {
		t.Fatal(err)
	}
	if _, err := p.TerminateCluster(ctx, b); err != nil {
		t.Fatal(err)
	}
	ids := func(t *testing.T, f provider.ClusterFilter) []string {
		t.Helper()
		page, err := p.ListClusters(ctx, f, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range page.Items {
			out = append(out, c.ID)
		}
		slices.Sort(out)
		return out
	}
	both := []string{a, b}
	slices.Sort(both)
	for _, tc := range []struct {
		name string
		f    provider.ClusterFilter
		want []string
	}{
		{name: "everything", f: provider.ClusterFilter{}, want: both},
		{name: "RUNNING is not WAITING", f: provider.ClusterFilter{States: []string{"RUNNING"}}, want: nil},
		{name: "WAITING", f: provider.ClusterFilter{States: []string{"WAITING"}}, want: []string{a}},
		{name: "the running name of Traits", f: provider.ClusterFilter{States: p.Traits().ClusterStateNames["running"]}, want: []string{a}},
		{name: "terminated", f: provider.ClusterFilter{States: []string{"TERMINATED"}}, want: []string{b}},
		{name: "only states EMR lacks", f: provider.ClusterFilter{States: []string{"START_FAILED"}}, want: nil},
		{name: "by ID", f: provider.ClusterFilter{IDs: []string{b}}, want: []string{b}},
		{name: "by name", f: provider.ClusterFilter{Name: "etl"}, want: both},
		{name: "other name", f: provider.ClusterFilter{Name: "nope"}, want: nil},
		{name: "created after", f: provider.ClusterFilter{CreatedAfter: before}, want: both},
		{name: "created before", f: provider.ClusterFilter{CreatedBefore: before}, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ids(t, tc.f)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	found, err := p.FindByTag(ctx, provider.RequestTagKey, "tag-a", "etl-groups", before)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{a}, found); diff != "" {
		t.Errorf("FindByTag (-want +got):\n%s", diff)
	}
	if found, _ := p.FindByTag(ctx, provider.RequestTagKey, "tag-c", "etl-groups", before); len(found) != 0 {
		t.Errorf("FindByTag of an unused token: got %v, want none", found)
	}
}

func TestTerminationProtection(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	id := create(t, p, "groups.yaml", "t") // terminationProtected: true
	_, err := p.TerminateCluster(ctx, id)
	if !errors.Is(err, provider.ErrInvalid) {
		t.Fatalf("terminating a protected cluster: got %v, want a validation error", err)
	}
	off := false
	if diff := cmp.Diff(map[string]any{"JobFlowIds": []any{id}, "TerminationProtected": false},
		p.AttributesRequest(id, provider.ClusterAttributes{DeletionProtection: &off})); diff != "" {
		t.Errorf("AttributesRequest (-want +got):\n%s", diff)
	}
	if _, err := p.UpdateClusterAttributes(ctx, id, provider.ClusterAttributes{Name: "renamed"}); !errors.Is(err, provider.ErrInvalid) {
		t.Errorf("renaming: got %v, want an invalid-parameter error (EMR cannot rename)", err)
	}
	if _, err := p.UpdateClusterAttributes(ctx, id, provider.ClusterAttributes{DeletionProtection: &off}); err != nil {
		t.Fatal(err)
	}
	c, err := p.GetCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.AWS.TerminationProtected || c.DeletionProtection {
		t.Fatal("termination protection: got on, want off")
	}
	if _, err := p.TerminateCluster(ctx, id); err != nil {
		t.Fatal(err)
	}
	if c, _ = p.GetCluster(ctx, id); c.State != StateTerminated {
		t.Errorf("state after terminate: got %s, want %s", c.State, StateTerminated)
	}
}

func TestUnknownClusterIsNotFound(t *testing.T) {
	p := motoProvider(t)
	_, err := p.GetCluster(context.Background(), "j-NOSUCHCLUSTER1")
	if !errors.Is(err, provider.ErrNotFound) {
		t.Fatalf("got %v, want not found", err)
	}
	if got := provider.CodeOf(err); got != "InvalidRequestException.NoSuchCluster" {
		t.Errorf("code: got %q, want InvalidRequestException.NoSuchCluster", got)
	}
}

func TestDiscovery(t *testing.T) {
	p := motoProvider(t)
	ctx := context.Background()
	rels, err := p.ReleaseLabels(ctx, "emr-7", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) == 0 || !slices.ContainsFunc(rels, func(r provider.ReleaseVersion) bool { return r.Version == "emr-7.2.0" && r.Series == "emr-7" }) {
		t.Errorf("release labels: got %v, want emr-7.2.0 among them", rels)
	}
	for _, r := range rels {
		if r.Series != "emr-7" {
			t.Errorf("release %s: got series %s, want emr-7 only", r.Version, r.Series)
		}
	}
	types, err := p.SupportedInstanceTypes(ctx, "emr-7.2.0")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(types, func(it provider.InstanceType) bool { return it.Type == "m5.xlarge" })
	if i < 0 {
		t.Fatalf("instance types: got %d without m5.xlarge", len(types))
	}
	if got := types[i]; got.VCPUs != 4 || got.MemoryGiB != 16 {
		t.Errorf("m5.xlarge: got %d vCPU %g GiB, want 4 vCPU 16 GiB", got.VCPUs, got.MemoryGiB)
	}
}
