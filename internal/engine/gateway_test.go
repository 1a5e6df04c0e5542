package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/emrctl/emrctl/internal/provider"
)

// modeVerdict is the part of a plan the table asserts.
type modeVerdict struct {
	NodeGroup, Environment, GatewayCluster bool
	Recommended                            string
	Undecided                              bool
}

func gatewayVerdict(p *GatewayPlan) modeVerdict {
	v := modeVerdict{Recommended: p.Recommended}
	for _, m := range p.Modes {
		switch m.Mode {
		case GatewayNodeGroup:
			v.NodeGroup = m.Applies
		case GatewayEnvironment:
			v.Environment = m.Applies
		case GatewayCluster:
			v.GatewayCluster = m.Applies
		}
	}
	for _, n := range p.Notes {
		if strings.Contains(n, "no mode is recommended") {
			v.Undecided = true
		}
	}
	return v
}

func TestPlanGatewayModes(t *testing.T) {
	nodeGroup := modeVerdict{NodeGroup: true, Environment: true, Recommended: GatewayNodeGroup}
	envOnly := modeVerdict{Environment: true, Recommended: GatewayEnvironment}
	undecided := modeVerdict{Environment: true, Undecided: true}
	gwCluster := modeVerdict{GatewayCluster: true, Recommended: GatewayCluster}
	tests := []struct {
		typ, release string
		want         modeVerdict
	}{
		{"DATALAKE", "EMR-5.10.0", envOnly},
		{"DATALAKE", "EMR-5.10.1", nodeGroup},
		{"DATALAKE", "EMR-5.9.0", envOnly}, // 9 < 10 numerically, though "9" > "1" as text
		{"DATALAKE", "EMR-5.9.9", envOnly},
		{"DATALAKE", "EMR-5.11.0", nodeGroup},
		{"DATALAKE", "EMR-5.100.0", nodeGroup},
		{"DATALAKE", "EMR-6.0.0", nodeGroup},
		{"DATALAKE", "emr-5.21.0", nodeGroup},
		{"DATALAKE", "EMR-3.51.1", envOnly},
		{"DATALAKE", "EMR-3.x", envOnly}, // a 3.x series is below 5.10.1 whatever its minor
		{"DATALAKE", "EMR-5.x", undecided},
		{"DATALAKE", "EMR-5.10.x", undecided},
		{"DATALAKE", "EMR-5.11.x", nodeGroup},
		{"DATALAKE", "garbage", undecided},
		{"DATALAKE", "", undecided},
		{"DATALAKE", "EMR-5.10", undecided},
		{"DATALAKE", "EMR-5.10.1.2", undecided},
		{"DATALAKE", "EMR-5.010.1", undecided},
		{"DATAFLOW", "EMR-5.10.0", envOnly},
		{"DATAFLOW", "EMR-5.10.1", nodeGroup},
		{"CUSTOM", "EMR-5.10.1", envOnly},
		{"CUSTOM", "EMR-5.17.0", envOnly},
		{"CUSTOM", "EMR-5.17.1", nodeGroup},
		{"CUSTOM", "EMR-5.18.0", nodeGroup},
		{"CUSTOM", "EMR-3.x", envOnly},
		{"CUSTOM", "garbage", undecided},
		{"OLAP", "EMR-5.21.0", envOnly},
		{"OLAP", "garbage", envOnly}, // no release makes a node group fit OLAP
		{"HADOOP", "EMR-3.43.0", gwCluster},
		{"KAFKA", "EMR-3.x", gwCluster},
		{"DATASERVING", "EMR-5.21.0", modeVerdict{}},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.release, func(t *testing.T) {
			c := &provider.Cluster{Provider: provider.Aliyun, ID: "c-1", Type: tt.typ, ReleaseVersion: tt.release, State: provider.ClusterRunning}
			got := gatewayVerdict(planGateway(c, nil))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan of %s %s (-want +got):\n%s", tt.typ, tt.release, diff)
			}
		})
	}
}

func TestPlanGatewayOffersDeployAndTheManualAlternative(t *testing.T) {
	clusters := []*provider.Cluster{
		{Provider: provider.Aliyun, ID: "c-1", Type: "DATALAKE", ReleaseVersion: "EMR-5.21.0", State: provider.ClusterRunning},
		{Provider: provider.Aliyun, ID: "c-2", Type: "OLAP", ReleaseVersion: "EMR-5.21.0", State: provider.ClusterRunning},
		{Provider: provider.AWS, ID: "j-1", ReleaseVersion: "emr-7.2.0", State: provider.ClusterWaiting},
	}
	for _, c := range clusters {
		p := planGateway(c, nil)
		deploys, manual := 0, 0
		for _, s := range p.NextSteps {
			if strings.HasPrefix(s.Command, "emrctl gateway deploy ") {
				deploys++
				if !s.Available || strings.Contains(s.Note, "not available") {
					t.Errorf("%s: step %q is marked not available (note %q), want it available", c.ID, s.Command, s.Note)
				}
			}
			if s.Manual {
				manual++
			}
		}
		if deploys == 0 {
			t.Errorf("%s: got no 'emrctl gateway deploy' next step, want one", c.ID)
		}
		if manual == 0 {
			t.Errorf("%s: got no manual alternative, want one (EMR-CLI or the AWS CLI)", c.ID)
		}
	}
}

func TestPlanGatewayExistingGatewayGroup(t *testing.T) {
	c := &provider.Cluster{Provider: provider.Aliyun, ID: "c-1", Type: "DATALAKE", ReleaseVersion: "EMR-5.21.0", State: provider.ClusterRunning}
	groups := []provider.NodeGroup{{ID: "ng-m", Role: "MASTER", InstanceTypes: []string{"ecs.g8i.xlarge"}}, {ID: "ng-gw", Role: "GATEWAY"}}
	p := planGateway(c, groups)
	if diff := cmp.Diff([]string{"ng-gw"}, p.GatewayGroups); diff != "" {
		t.Errorf("gateway groups (-want +got):\n%s", diff)
	}
	if !strings.Contains(p.Modes[0].Reason, "already has GATEWAY node group ng-gw") {
		t.Errorf("node-group reason = %q, want it to say the cluster already has ng-gw", p.Modes[0].Reason)
	}
	for _, s := range p.NextSteps {
		if strings.Contains(s.Command, "gateway deploy") && s.Mode == GatewayNodeGroup {
			t.Errorf("got step %q, want no node-group deploy for a cluster that has one", s.Command)
		}
	}
}

func TestPlanGatewayNotRunning(t *testing.T) {
	c := &provider.Cluster{Provider: provider.Aliyun, ID: "c-1", Type: "DATALAKE", ReleaseVersion: "EMR-5.21.0", State: "STARTING"}
	p := planGateway(c, nil)
	if len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "STARTING") {
		t.Errorf("notes = %q, want one saying the cluster is STARTING", p.Notes)
	}
}

func TestParseRelease(t *testing.T) {
	tests := []struct {
		in   string
		want release
		ok   bool
	}{
		{"EMR-5.10.1", release{5, 10, 1}, true},
		{"emr-7.2.0", release{7, 2, 0}, true},
		{"EMR-3.x", release{3}, true},
		{"EMR-5.17.x", release{5, 17}, true},
		{"EMR-x", nil, false},
		{"EMR-5.x.1", nil, false},
		{"EMR-5.10", nil, false},
		{"EMR-+5.10.1", nil, false},
		{"5.10.1", nil, false},
		{"EMR-", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseRelease(tt.in)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("parseRelease(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
