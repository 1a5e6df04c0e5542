package policy

import (
	"strings"
	"testing"
)

// TestCoreSpotNeedsConfirmation: CORE nodes hold HDFS data; a cluster that
// puts them on spot instances is created only after a confirmation that
// says so, for every actor, even one allowed to create it otherwise.
func TestCoreSpotNeedsConfirmation(t *testing.T) {
	groups := func(coreSpot bool) []GroupCount {
		return []GroupCount{{Name: "master", Role: RoleMaster, Count: 1}, {Name: "core", Role: RoleCore, Count: 2, Spot: coreSpot}, {Name: "task", Role: RoleTask, Count: 2, Spot: true}}
	}
	p := Default()
	for _, tc := range []struct {
		name     string
		coreSpot bool
		want     bool
	}{
		{name: "spot on TASK only", coreSpot: false, want: false},
		{name: "spot on CORE", coreSpot: true, want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(p, Actor{Kind: Human, Name: "ana"}, CreateCluster{Region: "us-east-1", ClusterName: "x", Groups: groups(tc.coreSpot)})
			warned := false
			for _, r := range d.Reasons {
				warned = warned || strings.Contains(r, "HDFS") && strings.Contains(r, "spot")
			}
			if warned != tc.want || d.Verdict != Confirm {
				t.Errorf("got %v with reasons %q; want a confirmation, with the CORE spot reason: %v", d.Verdict, d.Reasons, tc.want)
			}
			if !strings.Contains(d.Summary.Impact.String(), `TASK "task" x2 (spot)`) {
				t.Errorf("impact %q: want the spot groups named", d.Summary.Impact)
			}
		})
	}
}

// TestWordingPerCloud: a cloud without billing methods (AWS) is not said
// to bill PayAsYouGo, and AWS refusals speak as emrctl and name the AWS
// console, not another cloud's.
func TestWordingPerCloud(t *testing.T) {
	p := Default()
	human := Actor{Kind: Human, Name: "ana"}
	create := Decide(p, human, CreateCluster{Region: "us-east-1", ClusterName: "x", Groups: []GroupCount{{Name: "m", Role: RoleMaster, Count: 1}}})
	group := Decide(p, human, CreateNodeGroup{ClusterID: "j-1", Name: "t", Role: RoleTask, Count: 1})
	for _, impact := range []string{create.Summary.Impact.String(), group.Summary.Impact.String()} {
		if strings.Contains(impact, "billed") {
			t.Errorf("impact %q: names a billing method the cloud has not", impact)
		}
	}
	core := Decide(p, human, DecreaseNodes{ClusterID: "j-1", NodeGroupID: "ig-1", Role: RoleCore, NodeIDs: []string{"i-1"}, VerifiedNodeIDs: []string{"i-1"}, GroupNodes: 2, BatchSize: 1})
	for _, r := range append(core.Reasons, DeletionRefusal(ProviderAWS, false), DeletionRefusal(ProviderAWS, true)) {
		if strings.Contains(r, "ECS") || strings.Contains(r, "Skill") || strings.Contains(r, "Alibaba") {
			t.Errorf("reason %q: Alibaba wording on AWS", r)
		}
	}
	for _, serverless := range []bool{false, true} {
		if r := DeletionRefusal(ProviderAWS, serverless); !strings.HasPrefix(r, "emrctl does not") || !strings.Contains(r, "https://console.aws.amazon.com/emr/") {
			t.Errorf("AWS refusal %q: want emrctl speaking, naming the AWS EMR console", r)
		}
	}
}
