package spec

import (
	"fmt"
	"strings"
)

// Summary is the confirmation list seed 000 asks to show before a create:
// name, type, version, components, node specs, network, payment, metastore,
// and totals. It holds no secrets, only the names of their variables.
type Summary struct {
	Name               string             `json:"name"`
	Provider           string             `json:"provider"`
	Region             string             `json:"region"`
	ClusterType        string             `json:"clusterType,omitempty"`
	ReleaseVersion     string             `json:"releaseVersion"`
	DeployMode         string             `json:"deployMode,omitempty"`
	SecurityMode       string             `json:"securityMode,omitempty"`
	Components         []string           `json:"components"`
	Storage            string             `json:"storage,omitempty"`
	Metastore          string             `json:"metastore,omitempty"`
	Network            string             `json:"network"`
	Login              string             `json:"login,omitempty"`
	Payment            string             `json:"payment"`
	DeletionProtection bool               `json:"deletionProtection"`
	NodeGroups         []NodeGroupSummary `json:"nodeGroups"`
	TotalNodes         int                `json:"totalNodes"`
	// TotalVCPUs is the sum over groups whose instance type was known;
	// VCPUsComplete says whether every group was.
	TotalVCPUs    int  `json:"totalVCPUs,omitempty"`
	VCPUsComplete bool `json:"vcpusComplete"`
}

// NodeGroupSummary is one node group in a Summary.
type NodeGroupSummary struct {
	Name          string   `json:"name"`
	Role          string   `json:"role"`
	Count         int      `json:"count"`
	InstanceTypes []string `json:"instanceTypes"`
	Disks         string   `json:"disks,omitempty"`
	Placement     string   `json:"placement,omitempty"`
	Billing       string   `json:"billing,omitempty"`
	// VCPUsPerNode is of the first instance type, 0 when unknown.
	VCPUsPerNode int `json:"vcpusPerNode,omitempty"`
}

// Summarize builds the confirmation list of a (defaulted) spec. vCPU
// totals are added with WithVCPUs.
func Summarize(c *Cluster) Summary {
	s := Summary{
		Name: c.Name, Provider: string(c.Provider), Region: c.Region, ClusterType: string(c.ClusterType),
		ReleaseVersion: c.ReleaseVersion, DeployMode: string(c.DeployMode), SecurityMode: string(c.SecurityMode),
		Components: append([]string(nil), c.Applications...), DeletionProtection: c.DeletionProtection,
	}
	if c.Provider == ProviderAWS {
		s.summarizeAWS(c)
	} else {
		s.summarizeAliyun(c)
	}
	for _, g := range c.NodeGroups {
		gs := NodeGroupSummary{Name: g.Name, Role: string(g.Role), Count: count(g), InstanceTypes: append([]string(nil), g.InstanceTypes...)}
		gs.Disks = diskSummary(g)
		gs.Placement = strings.Join(g.VSwitchIDs, ", ")
		gs.Billing = billingSummary(g)
		s.NodeGroups = append(s.NodeGroups, gs)
		s.TotalNodes += gs.Count
	}
	if c.AWS != nil {
		for _, f := range c.AWS.InstanceFleets {
			var types []string
			for _, t := range f.InstanceTypeConfigs {
				types = append(types, t.InstanceType)
			}
			n := f.TargetOnDemandCapacity + f.TargetSpotCapacity
			s.NodeGroups = append(s.NodeGroups, NodeGroupSummary{
				Name: f.Name, Role: string(f.Role), Count: n, InstanceTypes: types,
				Billing: fmt.Sprintf("fleet: %d on-demand + %d spot units", f.TargetOnDemandCapacity, f.TargetSpotCapacity),
			})
			s.TotalNodes += n
		}
	}
	return s
}

func (s *Summary) summarizeAliyun(c *Cluster) {
	switch {
	case c.HasApplication(appOSSHDFS) && c.OSSHDFS != nil:
		s.Storage = "OSS-HDFS (storage-compute separated) at " + c.OSSHDFS.RootURI
	case c.HasApplication(appOSSHDFS):
		s.Storage = "OSS-HDFS (storage-compute separated)"
	case c.HasApplication("HDFS"):
		s.Storage = "HDFS on CORE nodes (storage-compute integrated)"
	}
	if c.HasApplication(appHive) {
		switch t := c.MetastoreType(); t {
		case MetastoreLocal:
			s.Metastore = "LOCAL (MySQL on the MASTER node; lost with the cluster)"
		case MetastoreDLF:
			s.Metastore = "DLF (Data Lake Formation)"
		case MetastoreUserRDS:
			s.Metastore = "USER_RDS"
			if m := c.Metastore; m != nil && m.RDS != nil {
				s.Metastore = fmt.Sprintf("USER_RDS %s as %s, password from $%s", m.RDS.URL, m.RDS.Username, m.RDS.PasswordEnv)
			}
		case "":
			s.Metastore = "not set"
		default:
			s.Metastore = string(t)
		}
	}
	if n := c.Network; n != nil {
		s.Network = fmt.Sprintf("VPC %s, zone %s, security group %s", n.VpcID, n.ZoneID, n.SecurityGroupID)
		switch {
		case n.KeyPairName != "" && n.MasterRootPasswordEnv != "":
			s.Login = fmt.Sprintf("key pair %s; root password from $%s", n.KeyPairName, n.MasterRootPasswordEnv)
		case n.KeyPairName != "":
			s.Login = "key pair " + n.KeyPairName
		case n.MasterRootPasswordEnv != "":
			s.Login = "root password from $" + n.MasterRootPasswordEnv
		}
	}
	if p := c.Payment; p != nil {
		s.Payment = string(p.Type)
		if sub := p.Subscription; sub != nil && p.Type == PaymentSubscription {
			s.Payment += fmt.Sprintf(", %d %s", sub.Duration, sub.Unit)
			if sub.AutoRenew {
				s.Payment += fmt.Sprintf(", auto-renew %d %s", sub.AutoRenewDuration, sub.AutoRenewUnit)
			}
		}
	}
}

func (s *Summary) summarizeAWS(c *Cluster) {
	s.Payment = "on-demand and spot, billed per second"
	a := c.AWS
	if a == nil {
		return
	}
	subnet := a.EC2SubnetID
	if subnet == "" {
		subnet = strings.Join(a.EC2SubnetIDs, ", ")
	}
	s.Network = fmt.Sprintf("subnet %s, roles %s / %s", orNone(subnet), a.ServiceRole, a.JobFlowRole)
	if a.EC2KeyName != "" {
		s.Login = "key pair " + a.EC2KeyName
	}
	s.DeletionProtection = a.TerminationProtected
}

func orNone(s string) string {
	if s == "" {
		return "(default)"
	}
	return s
}

func diskSummary(g NodeGroup) string {
	var parts []string
	if d := g.SystemDisk; d != nil {
		parts = append(parts, fmt.Sprintf("system %s %d GB%s", d.Category, d.Size, pl(d.PerformanceLevel)))
	}
	for _, d := range g.DataDisks {
		parts = append(parts, fmt.Sprintf("data %s %d GB × %d%s", d.Category, d.Size, d.Count, pl(d.PerformanceLevel)))
	}
	return strings.Join(parts, "; ")
}

func pl(p PerformanceLevel) string {
	if p == "" {
		return ""
	}
	return " " + string(p)
}

func billingSummary(g NodeGroup) string {
	b := string(g.PaymentType)
	if s := g.Spot; s != nil && s.Strategy != "" && s.Strategy != NoSpot {
		if b != "" {
			b += ", "
		}
		b += "spot " + string(s.Strategy)
		if s.BidPrice != "" {
			b += " max $" + s.BidPrice
		}
	}
	if g.PublicIP {
		b += ", public IP"
	}
	return strings.TrimPrefix(b, ", ")
}

// WithVCPUs adds per-node and total vCPU counts, looking instance types up
// with vcpus (e.g. from ListInstanceTypes). A group counts with its first
// instance type, the one tried first.
func (s Summary) WithVCPUs(vcpus func(instanceType string) (int, bool)) Summary {
	s.NodeGroups = append([]NodeGroupSummary(nil), s.NodeGroups...)
	s.TotalVCPUs, s.VCPUsComplete = 0, true
	for i := range s.NodeGroups {
		g := &s.NodeGroups[i]
		n, ok := 0, false
		if len(g.InstanceTypes) > 0 && vcpus != nil {
			n, ok = vcpus(g.InstanceTypes[0])
		}
		if !ok {
			s.VCPUsComplete = false
			continue
		}
		g.VCPUsPerNode = n
		s.TotalVCPUs += n * g.Count
	}
	return s
}

// String renders the summary as the aligned list shown before a create.
func (s Summary) String() string {
	var b strings.Builder
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-20s %s\n", label+":", value)
		}
	}
	b.WriteString("Cluster to create:\n")
	row("Name", s.Name)
	row("Provider", s.Provider+" ("+s.Region+")")
	row("Type", s.ClusterType)
	row("Version", s.ReleaseVersion)
	mode := s.DeployMode
	if s.SecurityMode != "" && s.SecurityMode != string(SecurityNormal) {
		mode += ", security " + s.SecurityMode
	}
	row("Deploy mode", mode)
	row("Components", strings.Join(s.Components, ", "))
	row("Storage", s.Storage)
	row("Hive metastore", s.Metastore)
	row("Network", s.Network)
	row("Login", s.Login)
	row("Payment", s.Payment)
	protection := "off"
	if s.DeletionProtection {
		protection = "on"
	}
	row("Deletion protection", protection)
	b.WriteString("  Node groups:\n")
	for _, g := range s.NodeGroups {
		fmt.Fprintf(&b, "    %-12s %-13s %3d × %s", g.Name, g.Role, g.Count, strings.Join(g.InstanceTypes, " | "))
		if g.VCPUsPerNode > 0 {
			fmt.Fprintf(&b, " (%d vCPU each)", g.VCPUsPerNode)
		}
		b.WriteString("\n")
		for _, extra := range [][2]string{{"disks", g.Disks}, {"vSwitches", g.Placement}, {"billing", g.Billing}} {
			if extra[1] != "" {
				fmt.Fprintf(&b, "      %-10s %s\n", extra[0]+":", extra[1])
			}
		}
	}
	total := fmt.Sprintf("%d nodes", s.TotalNodes)
	switch {
	case s.TotalVCPUs > 0 && s.VCPUsComplete:
		total += fmt.Sprintf(", %d vCPUs", s.TotalVCPUs)
	case s.TotalVCPUs > 0:
		total += fmt.Sprintf(", at least %d vCPUs (some instance types unknown)", s.TotalVCPUs)
	}
	row("Total", total)
	return b.String()
}
