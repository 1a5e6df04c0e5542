package emulator

import "unique"

// Loading a state decodes every string anew: the region, zone, release
// and instance type of each of 100,000 clusters. Interning these few
// distinct values when a record is loaded keeps one copy of each. IDs are
// not interned (one entry in the intern table per ID costs more than it
// saves); the table's key reuses the record's own ID string instead.

// interner is a record that can share its strings; it returns its ID.
type interner interface{ intern() string }

func in(s string) string {
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}

func inAll(list []string) {
	for i, s := range list {
		list[i] = in(s)
	}
}

func (c *clusterRec) intern() string {
	c.Region, c.Type, c.Release = in(c.Region), in(c.Type), in(c.Release)
	c.DeployMode, c.PaymentType, c.SecurityMode = in(c.DeployMode), in(c.PaymentType), in(c.SecurityMode)
	c.ResourceGroupID = in(c.ResourceGroupID)
	na := &c.NodeAttributes
	na.VpcId, na.ZoneId, na.SecurityGroupId = in(na.VpcId), in(na.ZoneId), in(na.SecurityGroupId)
	na.RamRole, na.KeyPairName = in(na.RamRole), in(na.KeyPairName)
	inAll(c.Applications)
	inAll(c.Requested)
	return c.ID
}

func (g *nodeGroupRec) intern() string {
	g.ZoneID = in(g.ZoneID)
	cfg := &g.Config
	cfg.NodeGroupType, cfg.NodeGroupName, cfg.PaymentType = in(cfg.NodeGroupType), in(cfg.NodeGroupName), in(cfg.PaymentType)
	cfg.SpotStrategy, cfg.NodeResizeStrategy = in(cfg.SpotStrategy), in(cfg.NodeResizeStrategy)
	inAll(cfg.InstanceTypes)
	inAll(cfg.VSwitchIds)
	return g.ID
}

func (n *nodeRec) intern() string {
	n.InstanceType, n.ZoneID, n.VSwitchID, n.PaymentType = in(n.InstanceType), in(n.ZoneID), in(n.VSwitchID), in(n.PaymentType)
	return n.ID
}

func (o *operationRec) intern() string {
	o.Type = in(o.Type)
	return o.ID
}
