package spec

import "slices"

// Default values SetDefaults fills in.
const (
	DefaultRAMRole        = "AliyunECSInstanceForEMRRole"
	DefaultSystemDiskSize = 120
	DefaultDataDiskSize   = 80
	DefaultDataDiskCount  = 1
)

// SetDefaults fills the fields a spec may leave out with the documented
// defaults. It is a separate pass from Load and runs before Validate; it is
// idempotent. It never defaults anything that costs money or weakens
// safety: node counts, deploy mode HA, subscription terms, spot and public
// IPs are always the writer's choice. What it fills in:
//
//   - provider aliyun;
//   - Alibaba: deployMode NORMAL, securityMode NORMAL, payment PayAsYouGo
//     (unless a subscription block is given, which must then say its type),
//     subscription units Month, ramRole AliyunECSInstanceForEMRRole;
//   - MYSQL when HIVE or RANGER is selected: EMR installs it on the MASTER
//     as their internal dependency (cluster-lifecycle.md, "Basic"), and
//     listing it keeps the request explicit;
//   - metastore LOCAL when HIVE is selected in NORMAL mode and no metastore
//     type is set anywhere;
//   - per node group: paymentType from payment.type, vSwitchIds from
//     network.vSwitchIds when the group has none, a cloud_essd 120 GB system
//     disk and one cloud_essd 80 GB data disk (the documented recommendation)
//     for missing disks or disk fields;
//   - bootstrap scripts: moment BEFORE_INSTALL, failStrategy FAILED_BLOCK
//     (a failed script stops the creation), nodeSelector CLUSTER;
//   - AWS: keepAlive true, step actionOnFailure CONTINUE (a failed step never
//     terminates the cluster unless the spec says so).
func SetDefaults(c *Cluster) {
	if c == nil {
		return
	}
	if c.Provider == "" {
		c.Provider = ProviderAliyun
	}
	switch c.Provider {
	case ProviderAliyun:
		defaultAliyun(c)
	case ProviderAWS:
		if c.AWS == nil {
			c.AWS = &AWS{}
		}
		if c.AWS.KeepAlive == nil {
			keep := true
			c.AWS.KeepAlive = &keep
		}
		for i := range c.AWS.Steps {
			if c.AWS.Steps[i].ActionOnFailure == "" {
				c.AWS.Steps[i].ActionOnFailure = "CONTINUE"
			}
		}
	}
}

func defaultAliyun(c *Cluster) {
	if c.DeployMode == "" {
		c.DeployMode = DeployNormal
	}
	if c.SecurityMode == "" {
		c.SecurityMode = SecurityNormal
	}
	if c.Payment == nil {
		c.Payment = &Payment{}
	}
	if c.Payment.Type == "" && c.Payment.Subscription == nil {
		c.Payment.Type = PaymentPayAsYouGo
	}
	if s := c.Payment.Subscription; s != nil {
		if s.Unit == "" {
			s.Unit = Month
		}
		if s.AutoRenew && s.AutoRenewUnit == "" {
			s.AutoRenewUnit = Month
		}
	}
	if c.Network == nil {
		c.Network = &Network{}
	}
	if c.Network.RAMRole == "" {
		c.Network.RAMRole = DefaultRAMRole
	}
	if (slices.Contains(c.Applications, "HIVE") || slices.Contains(c.Applications, "RANGER")) &&
		!slices.Contains(c.Applications, "MYSQL") {
		c.Applications = append(c.Applications, "MYSQL")
	}
	if slices.Contains(c.Applications, "HIVE") && c.DeployMode == DeployNormal &&
		(c.Metastore == nil || c.Metastore.Type == "") && rawConfigIndex(c, hiveKey(keyMetastoreType)) < 0 {
		if c.Metastore == nil {
			c.Metastore = &Metastore{}
		}
		if c.Metastore.RDS == nil {
			c.Metastore.Type = MetastoreLocal
		}
	}
	for i := range c.NodeGroups {
		defaultNodeGroup(c, &c.NodeGroups[i])
	}
	for i := range c.BootstrapScripts {
		b := &c.BootstrapScripts[i]
		if b.Moment == "" {
			b.Moment = BeforeInstall
		}
		if b.FailStrategy == "" {
			b.FailStrategy = FailedBlock
		}
		if b.NodeSelector == nil {
			b.NodeSelector = &NodeSelector{}
		}
		if b.NodeSelector.Type == "" {
			b.NodeSelector.Type = SelectCluster
		}
	}
}

func defaultNodeGroup(c *Cluster, g *NodeGroup) {
	if g.PaymentType == "" && c.Payment != nil {
		g.PaymentType = c.Payment.Type
	}
	if len(g.VSwitchIDs) == 0 && c.Network != nil && len(c.Network.VSwitchIDs) > 0 {
		g.VSwitchIDs = slices.Clone(c.Network.VSwitchIDs)
	}
	if g.SystemDisk == nil {
		g.SystemDisk = &SystemDisk{}
	}
	if g.SystemDisk.Category == "" {
		g.SystemDisk.Category = DiskESSD
	}
	if g.SystemDisk.Size == 0 {
		g.SystemDisk.Size = DefaultSystemDiskSize
	}
	if g.DataDisks == nil {
		g.DataDisks = []DataDisk{{}}
	}
	for i := range g.DataDisks {
		d := &g.DataDisks[i]
		if d.Category == "" {
			d.Category = DiskESSD
		}
		if d.Size == 0 {
			d.Size = DefaultDataDiskSize
		}
		if d.Count == 0 {
			d.Count = DefaultDataDiskCount
		}
	}
}
