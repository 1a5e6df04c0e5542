package aliyun

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// createDev creates the dev example through PrepareCreate and CreateCluster
// with token and returns its ID.
func createDev(t *testing.T, p *Provider, name, token string) string {
	t.Helper()
	c := defaulted(t, "dev-cluster.yaml")
	c.Name = name
	r := prepared(t, p, c, resolveFake(t, c))
	res, err := p.CreateCluster(context.Background(), r, token)
	if err != nil {
		t.Fatalf("CreateCluster: got error %v, want nil", err)
	}
	if len(res.IDs) != 2 || res.IDs[0] == "" || res.IDs[1] != res.OperationID || res.OperationID == "" || res.RequestID == "" {
		t.Fatalf("CreateCluster: got %+v, want IDs [cluster, operation], OperationID and RequestID", res)
	}
	return res.IDs[0]
}

func TestCreateClusterTagsAndToken(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "tagged", "token-a")
	c, err := p.GetCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.Tags, provider.Tag{Key: provider.RequestTagKey, Value: "token-a"}) {
		t.Errorf("tags: got %v, want %s=token-a", c.Tags, provider.RequestTagKey)
	}
	if again := createDev(t, p, "tagged", "token-a"); again != id {
		t.Errorf("same token again: got cluster %s, want %s (ClientToken)", again, id)
	}
	if _, err := p.CreateCluster(ctx, prepared(t, p, defaulted(t, "dev-cluster.yaml"), nil), ""); err == nil {
		t.Errorf("CreateCluster without a token: got nil error, want one")
	}
}

func TestFindCreated(t *testing.T) {
	p, srv := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "etl-found", "token-a")
	createDev(t, p, "etl-found", "token-b")     // same name, another attempt
	createDev(t, p, "etl-found-too", "token-c") // a longer name
	c, err := p.GetCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	created := c.CreateTime
	srv.Clock().Advance(time.Hour)
	tests := []struct {
		name, token, cluster string
		after                time.Time
		want                 []string
	}{
		{name: "its token, name and time", token: "token-a", cluster: "etl-found", after: created.Add(-time.Minute), want: []string{id}},
		{name: "created at the time", token: "token-a", cluster: "etl-found", after: created, want: []string{id}},
		{name: "another name", token: "token-a", cluster: "etl-other", after: created.Add(-time.Minute)},
		{name: "a prefix of the name", token: "token-a", cluster: "etl", after: created.Add(-time.Minute)},
		{name: "a later time", token: "token-a", cluster: "etl-found", after: created.Add(time.Minute)},
		{name: "another token", token: "token-z", cluster: "etl-found", after: created.Add(-time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.FindCreated(ctx, tt.token, tt.cluster, tt.after)
			if err != nil {
				t.Fatalf("FindCreated: got error %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FindCreated (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClusterWrites(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "writes", "token-w")

	res, err := p.UpdateClusterAttributes(ctx, id, provider.ClusterAttributes{Description: "renamed by a test", DeletionProtection: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if res.RequestID == "" || !slices.Equal(res.IDs, []string{id}) {
		t.Errorf("UpdateClusterAttributes: got %+v, want IDs [%s] and a RequestID", res, id)
	}
	c, err := p.GetCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "writes" || c.Description != "renamed by a test" || !c.DeletionProtection {
		t.Errorf("after update: got name %q description %q protection %v, want the name kept and the rest changed", c.Name, c.Description, c.DeletionProtection)
	}
	if _, err := p.TerminateCluster(ctx, id); !errors.Is(err, provider.ErrDenied) && !errors.Is(err, provider.ErrConflict) {
		t.Errorf("TerminateCluster with deletion protection: got %v, want a refusal", err)
	}
	if _, err := p.UpdateClusterAttributes(ctx, id, provider.ClusterAttributes{DeletionProtection: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	res, err = p.TerminateCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 2 || res.IDs[0] != id || res.OperationID == "" || res.IDs[1] != res.OperationID {
		t.Errorf("TerminateCluster: got %+v, want IDs [%s, operation]", res, id)
	}
	obs, err := provider.Wait(ctx, withInterval(clusterWait(StateTerminated)), func(ctx context.Context) (provider.Observation, error) {
		c, err := p.GetCluster(ctx, id)
		if err != nil {
			return provider.Observation{}, err
		}
		return provider.Observation{State: c.State}, nil
	})
	if err != nil || (obs.State != StateTerminated && obs.State != "GONE") {
		t.Errorf("wait for TERMINATED: got %q, %v; want TERMINATED", obs.State, err)
	}
}

// withInterval polls quickly: the emulator runs on an instant clock.
func withInterval(w provider.WaitSpec) provider.WaitSpec {
	w.Interval, w.Timeout = time.Millisecond, 10*time.Second
	return w
}

func TestExportSpec(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "exported", "token-e")
	c, err := p.ExportSpec(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := defaulted(t, "dev-cluster.yaml")
	if c.Name != "exported" || c.Region != testRegion || c.ReleaseVersion != want.ReleaseVersion || len(c.NodeGroups) != len(want.NodeGroups) {
		t.Errorf("ExportSpec: got %s in %s, %s, %d groups; want exported in %s, %s, %d groups", c.Name, c.Region, c.ReleaseVersion, len(c.NodeGroups), testRegion, want.ReleaseVersion, len(want.NodeGroups))
	}
	if _, ok := c.Tags[provider.RequestTagKey]; ok {
		t.Errorf("ExportSpec: got the request tag in %v, want it dropped", c.Tags)
	}
	if _, err := p.ExportSpec(ctx, "c-0000000000000000"); !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("ExportSpec of an unknown cluster: got %v, want ErrNotFound", err)
	}
}

func TestListNodesSetsPhase(t *testing.T) {
	p, _ := newTestProvider(t)
	id := createDev(t, p, "phases", "token-n")
	page, err := p.ListNodes(context.Background(), id, provider.NodeFilter{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 {
		t.Fatalf("nodes: got %d, want 3", len(page.Items))
	}
	for _, n := range page.Items {
		if n.State != nodeRunning || n.Phase != provider.PhaseRunning {
			t.Errorf("node %s: got state %s phase %q, want Running and %q", n.ID, n.State, n.Phase, provider.PhaseRunning)
		}
	}
}

func TestNodeGroupAndScaling(t *testing.T) {
	p, _ := newTestProvider(t)
	ctx := context.Background()
	id := createDev(t, p, "scaling", "token-s")
	g := spec.NodeGroup{Name: "task", Role: spec.RoleTask, Count: ptr(1), InstanceTypes: []string{"ecs.g8i.xlarge"},
		VSwitchIDs: []string{"vsw-bp1sandboxzoneh00001"}, SystemDisk: &spec.SystemDisk{Category: "cloud_essd", Size: 120}}
	r, err := p.PrepareNodeGroup(id, g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreateNodeGroup(ctx, "c-1111111111111111", r); err == nil {
		t.Errorf("CreateNodeGroup for another cluster than prepared: got nil error, want one")
	}
	res, err := p.CreateNodeGroup(ctx, id, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 1 || res.IDs[0] == "" || res.RequestID == "" {
		t.Fatalf("CreateNodeGroup: got %+v, want IDs [group] and a RequestID", res)
	}
	groupID := res.IDs[0]

	if sp, err := p.GetAutoScalingPolicy(ctx, id, groupID); err != nil || sp != nil {
		t.Errorf("GetAutoScalingPolicy of a group without one: got %+v, %v; want nil, nil", sp, err)
	}
	policy := provider.ScalingPolicy{ClusterID: id, NodeGroupID: groupID, MinCapacity: 0, MaxCapacity: 10, Rules: []provider.ScalingRule{validMetricRule()}}
	if probs := p.AutoScalingProblems(policy); len(probs) != 0 {
		t.Fatalf("AutoScalingProblems of a valid policy: got %v, want none", probs)
	}
	put, err := p.PutAutoScalingPolicy(ctx, policy)
	if err != nil || put.RequestID == "" {
		t.Fatalf("PutAutoScalingPolicy: got %+v, %v; want a RequestID", put, err)
	}
	sp, err := p.GetAutoScalingPolicy(ctx, id, groupID)
	if err != nil || sp == nil || len(sp.Rules) != 1 || sp.MaxCapacity != 10 {
		t.Fatalf("GetAutoScalingPolicy: got %+v, %v; want the policy put", sp, err)
	}
	if diff := cmp.Diff(policy.Rules[0].Metrics, sp.Rules[0].Metrics); diff != "" {
		t.Errorf("metrics read back (-put +got):\n%s", diff)
	}
	rm, err := p.RemoveAutoScalingPolicy(ctx, id, groupID)
	if err != nil || rm.RequestID == "" {
		t.Fatalf("RemoveAutoScalingPolicy: got %+v, %v; want a RequestID", rm, err)
	}
	if sp, err := p.GetAutoScalingPolicy(ctx, id, groupID); err != nil || sp != nil {
		t.Errorf("GetAutoScalingPolicy after removal: got %+v, %v; want nil, nil", sp, err)
	}

	inc, err := p.IncreaseNodes(ctx, id, groupID, provider.IncreaseInput{Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	if inc.OperationID == "" || !slices.Equal(inc.IDs, []string{inc.OperationID}) || inc.RequestID == "" {
		t.Errorf("IncreaseNodes: got %+v, want IDs [operation], OperationID and RequestID", inc)
	}
	nodes, err := p.AllNodes(ctx, id, provider.NodeFilter{NodeGroupIDs: []string{groupID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 3 {
		t.Fatalf("task nodes after IncreaseNodes: got %d, want 3", len(nodes))
	}
	dec, err := p.DecreaseNodes(ctx, id, groupID, provider.DecreaseInput{NodeIDs: []string{nodes[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if dec.OperationID == "" || !slices.Equal(dec.IDs, []string{dec.OperationID}) || dec.RequestID == "" {
		t.Errorf("DecreaseNodes: got %+v, want IDs [operation], OperationID and RequestID", dec)
	}
	op, err := p.GetOperation(ctx, id, dec.OperationID)
	if err != nil || op.ID != dec.OperationID {
		t.Errorf("GetOperation: got %+v, %v; want operation %s", op, err, dec.OperationID)
	}
}

func TestRegions(t *testing.T) {
	p, _ := newTestProvider(t)
	regions, err := p.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, len(regions))
	for _, r := range regions {
		ids = append(ids, r.ID)
	}
	if !slices.Contains(ids, testRegion) || !slices.IsSorted(ids) {
		t.Errorf("Regions: got %v, want them sorted and %s among them", ids, testRegion)
	}
}

func TestListReleaseVersions(t *testing.T) {
	p, _ := newTestProvider(t)
	got, err := p.ListReleaseVersions(context.Background(), provider.ReleaseQuery{ClusterType: "DATALAKE"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(got, func(r provider.ReleaseVersion) bool { return r.Version == "EMR-5.21.0" }) {
		t.Errorf("releases of DATALAKE: got %v, want EMR-5.21.0 among them", got)
	}
}

// roundTripper answers every request with one JSON body: a stand-in for
// a service answer the emulator does not give.
type roundTripper string

func (body roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(body))), Request: r,
	}, nil
}

// TestGetAutoScalingPolicyEmptyObject covers an answer with a
// ScalingPolicy that has neither an ID nor rules: no policy.
func TestGetAutoScalingPolicyEmptyObject(t *testing.T) {
	tests := []struct {
		name, body string
		want       bool
	}{
		{name: "no ScalingPolicy", body: `{"RequestId":"R1"}`},
		{name: "empty ScalingPolicy", body: `{"RequestId":"R1","ScalingPolicy":{"ClusterId":"c-b933c5aac8fe4a1d","NodeGroupId":"ng-869471354ecd4a1b","Constraints":{"MaxCapacity":2000,"MinCapacity":0}}}`},
		{name: "a policy without rules", body: `{"RequestId":"R1","ScalingPolicy":{"ScalingPolicyId":"asp-1","Constraints":{"MaxCapacity":10,"MinCapacity":0}}}`, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := credentials.NewCredential(&credentials.Config{Type: ptr("access_key"), AccessKeyId: ptr("id"), AccessKeySecret: ptr("secret")})
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewClient(Config{Region: testRegion, Endpoint: "canned.local", Insecure: true, Credential: cred, Transport: roundTripper(tt.body)})
			if err != nil {
				t.Fatal(err)
			}
			sp, err := New(c).GetAutoScalingPolicy(context.Background(), "c-b933c5aac8fe4a1d", "ng-869471354ecd4a1b")
			if err != nil {
				t.Fatal(err)
			}
			if (sp != nil) != tt.want {
				t.Errorf("got %+v, want a policy: %v", sp, tt.want)
			}
		})
	}
}
