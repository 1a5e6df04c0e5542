package emulator

import "unique"

// Loading a state decodes every string anew: the region, zone, release
// and instance type of each of 100,000 clusters. Interning these few
// distinct values when a record is loaded keeps one copy of each. IDs are
// not interned (one entry in the intern table per ID costs more than it
// saves); the table's key reuses the record's own ID string instead.
// IDs that records repeat (a node names its cluster and its group, an
// operation its cluster) share one copy through an idPool that lives only
// while a table is read; it starts with the IDs of the tables read before
// (see tableSource.fill), so the order tables are read in does not matter.

// interner is a record that can share its strings; it returns its ID.
type interner interface{ intern(ids idPool) string }

// idPool maps an ID to the one copy the records loaded so far use.
type idPool map[string]string

// id returns the pooled copy of s, pooling s if it is new.
func (p idPool) id(s string) string {
	if s == "" {
		return s
	}
	if v, ok := p[s]; ok {
		return v
	}
	p[s] = s
	return s
}

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

func (c *clusterRec) intern(ids idPool) string {
	c.ID, c.CreateOperation = ids.id(c.ID), ids.id(c.CreateOperation)
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

func (g *nodeGroupRec) intern(ids idPool) string {
	g.ID, g.ClusterID = ids.id(g.ID), ids.id(g.ClusterID)
	g.ZoneID = in(g.ZoneID)
	cfg := &g.Config
	cfg.NodeGroupType, cfg.NodeGroupName, cfg.PaymentType = in(cfg.NodeGroupType), in(cfg.NodeGroupName), in(cfg.PaymentType)
	cfg.SpotStrategy, cfg.NodeResizeStrategy = in(cfg.SpotStrategy), in(cfg.NodeResizeStrategy)
	inAll(cfg.InstanceTypes)
	inAll(cfg.VSwitchIds)
	return g.ID
}

func (n *nodeRec) intern(ids idPool) string {
	// Node IDs are not pooled: few records repeat them.
	n.ClusterID, n.NodeGroupID, n.Name = ids.id(n.ClusterID), ids.id(n.NodeGroupID), in(n.Name)
	n.InstanceType, n.ZoneID, n.VSwitchID, n.PaymentType = in(n.InstanceType), in(n.ZoneID), in(n.VSwitchID), in(n.PaymentType)
	return n.ID
}

func (o *operationRec) intern(ids idPool) string {
	o.ID, o.ClusterID = ids.id(o.ID), ids.id(o.ClusterID)
	o.Type = in(o.Type)
	return o.ID
}
