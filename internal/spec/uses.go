package spec

import "fmt"

// InstanceTypeUse is one instance type a spec asks for, with where and for
// which role and billing: what the plan checks against the cloud's offer.
type InstanceTypeUse struct {
	Path         string
	Role         NodeRole
	PaymentType  PaymentType
	InstanceType string
}

// InstanceTypeUses lists the instance types of a spec: those of its node
// groups and, on AWS, of its instance fleets.
func (c *Cluster) InstanceTypeUses() []InstanceTypeUse {
	var out []InstanceTypeUse
	for i, g := range c.NodeGroups {
		for j, t := range g.InstanceTypes {
			out = append(out, InstanceTypeUse{Path: fmt.Sprintf("nodeGroups[%d].instanceTypes[%d]", i, j), Role: g.Role, PaymentType: g.PaymentType, InstanceType: t})
		}
	}
	if c.AWS == nil {
		return out
	}
	for i, f := range c.AWS.InstanceFleets {
		for j, t := range f.InstanceTypeConfigs {
			out = append(out, InstanceTypeUse{Path: fmt.Sprintf("aws.instanceFleets[%d].instanceTypeConfigs[%d].instanceType", i, j), Role: f.Role, InstanceType: t.InstanceType})
		}
	}
	return out
}
