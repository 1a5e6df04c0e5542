package engine

import (
	"fmt"

	"github.com/emrctl/emrctl/internal/policy"
	"github.com/emrctl/emrctl/internal/spec"
)

// specGroupCounts are the node groups a spec creates, as the policy
// judges them: its node groups, or on AWS its instance fleets counted by
// target capacity, each marked when it runs on spot instances.
func specGroupCounts(c *spec.Cluster) []policy.GroupCount {
	var out []policy.GroupCount
	for _, g := range c.NodeGroups {
		n := 0
		if g.Count != nil {
			n = *g.Count
		}
		spot := g.Spot != nil && g.Spot.Strategy != "" && g.Spot.Strategy != spec.NoSpot
		out = append(out, policy.GroupCount{Name: g.Name, Role: string(g.Role), Count: n, Spot: spot})
	}
	if c.AWS == nil {
		return out
	}
	for _, f := range c.AWS.InstanceFleets {
		out = append(out, policy.GroupCount{Name: f.Name, Role: string(f.Role), Count: f.TargetOnDemandCapacity + f.TargetSpotCapacity, Spot: f.TargetSpotCapacity > 0})
	}
	return out
}

// coreSpotWarnings warn about CORE instance fleets with spot capacity, as
// the spec's rules warn about CORE node groups on spot: CORE nodes hold
// HDFS data, which a reclaimed spot instance takes with it.
func coreSpotWarnings(c *spec.Cluster) []FieldProblem {
	if c.AWS == nil {
		return nil
	}
	var out []FieldProblem
	for i, f := range c.AWS.InstanceFleets {
		if f.Role == spec.RoleCore && f.TargetSpotCapacity > 0 {
			out = append(out, FieldProblem{
				Field: fmt.Sprintf("aws.instanceFleets[%d].targetSpotCapacity", i), Warning: true,
				Problem: "spot capacity on the CORE fleet can be reclaimed with the HDFS data its nodes hold",
				Fix:     "use targetOnDemandCapacity for CORE and put spot capacity in a TASK fleet",
			})
		}
	}
	return out
}
