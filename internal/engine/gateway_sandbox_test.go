package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
)

// gatewayGroup adds a GATEWAY node group to the dev cluster's spec.
const gatewayGroup = `dataDisks: [{category: cloud_essd, size: 80, count: 2}]
  - name: gateway
    role: GATEWAY
    count: 1
    instanceTypes: [ecs.g8i.xlarge]
    systemDisk: {category: cloud_essd, size: 120}
    dataDisks: [{category: cloud_essd, size: 80, count: 1}]`

// TestPlanGatewayOnSandbox plans gateways of real clusters of the
// emulator: the type and release come back from GetCluster, the GATEWAY
// group from ListNodeGroups.
func TestPlanGatewayOnSandbox(t *testing.T) {
	env := newReadEnv(t)
	tests := []struct {
		name, typ, release string
		withGateway        bool
		want               string
		wantGroups         int
	}{
		{name: "datalake-5-16", typ: "DATALAKE", release: "EMR-5.16.0", want: engine.GatewayNodeGroup},
		{name: "datalake-3-51", typ: "DATALAKE", release: "EMR-3.51.1", want: engine.GatewayEnvironment},
		{name: "custom-5-16", typ: "CUSTOM", release: "EMR-5.16.0", want: engine.GatewayEnvironment},
		{name: "custom-5-17-1", typ: "CUSTOM", release: "EMR-5.17.1", want: engine.GatewayNodeGroup},
		{name: "custom-gateway", typ: "CUSTOM", release: "EMR-5.21.0", withGateway: true, want: engine.GatewayNodeGroup, wantGroups: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repl := []string{"name: dev-datalake", "name: " + tt.name, "clusterType: DATALAKE", "clusterType: " + tt.typ, "EMR-5.21.0", tt.release}
			if tt.withGateway {
				repl = append(repl, "dataDisks: [{category: cloud_essd, size: 80, count: 2}]", gatewayGroup)
			}
			id := env.create(example(t, "dev-cluster.yaml", repl...))
			p, err := env.eng.PlanGateway(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{p.Type, p.ReleaseVersion, p.Recommended, p.ZoneID, p.VpcID, p.SecurityGroupID}
			want := []string{tt.typ, tt.release, tt.want, "cn-hangzhou-h", "vpc-bp1sandbox0000000001", "sg-bp1sandboxnormal0001"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("type, release, recommended, zone, VPC, security group (-want +got):\n%s", diff)
			}
			if len(p.GatewayGroups) != tt.wantGroups {
				t.Errorf("got gateway groups %v, want %d", p.GatewayGroups, tt.wantGroups)
			}
		})
	}
}

func TestPlanGatewayUnknownCluster(t *testing.T) {
	env := newReadEnv(t)
	_, err := env.eng.PlanGateway(context.Background(), "c-0000000000000000")
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("got %v, want not found", err)
	}
	_, err = env.eng.PlanGateway(context.Background(), "not a cluster")
	var ie *engine.InputError
	if !errors.As(err, &ie) {
		t.Errorf("got %v, want an input error before any call", err)
	}
}
