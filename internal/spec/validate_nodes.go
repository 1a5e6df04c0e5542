package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/validate"
)

// Disk bounds. System disks: 60-500 GB, the range the EMR console offers
// (the API example uses 60, the recommendation is 120). Cloud data disks:
// 20-32768 GB, the ECS cloud disk range. ESSD performance levels need a
// minimum size (ECS: PL2 461 GB, PL3 1261 GB). At most 16 cloud data disks
// per node (the ECS limit for most families); local disks come with the
// instance type, up to 32.
const (
	minSystemDisk   = 60
	maxSystemDisk   = 500
	minDataDisk     = 20
	maxDataDisk     = 32768
	maxCloudDisks   = 16
	maxLocalDisks   = 32
	minPL2Size      = 461
	minPL3Size      = 1261
	maxVSwitches    = 20
	maxInstanceType = 100
	maxExtraSGs     = 4
)

// oldFamilies are instance families whose data disks reject one cloud_essd
// disk ("dataDiskCount is not supported", seed 000 and api-reference.md).
func oldFamilies() []string {
	return []string{"g5", "g5ne", "g6", "hfg5", "hfg6", "c5", "c6", "hfc6", "r5", "r6", "hfr6", "sn1ne", "sn2ne", "se1ne", "ic5"}
}

// family returns the family of an ECS instance type: "g6" for ecs.g6.xlarge.
func family(instanceType string) string {
	parts := strings.Split(instanceType, ".")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

func (v *validator) aliyunNodeGroups() {
	c := v.c
	if len(c.NodeGroups) == 0 {
		v.errorf(ruleMasterGroup, "nodeGroups", "add a MASTER group (and CORE groups)", "no node groups")
		return
	}
	var masters []int
	total, core := 0, 0
	firstCore := -1
	for i, g := range c.NodeGroups {
		p := fmt.Sprintf("nodeGroups[%d]", i)
		v.aliyunNodeGroup(p, g)
		total += count(g)
		switch g.Role {
		case RoleMaster:
			masters = append(masters, i)
		case RoleCore:
			core += count(g)
			if firstCore < 0 {
				firstCore = i
			}
		}
	}
	switch len(masters) {
	case 0:
		v.errorf(ruleMasterGroup, "nodeGroups", "add a node group with role: MASTER", "no MASTER node group")
	case 1:
		g := c.NodeGroups[masters[0]]
		p := fmt.Sprintf("nodeGroups[%d].count", masters[0])
		if g.Count != nil {
			switch {
			case c.DeployMode == DeployHA && *g.Count != 3:
				v.errorf(ruleMasterCount, p, "set count: 3", "HA needs 3 MASTER nodes, not %d", *g.Count)
			case c.DeployMode == DeployNormal && *g.Count != 1:
				v.errorf(ruleMasterCount, p, "set count: 1, or deployMode: HA with count: 3", "NORMAL mode has 1 MASTER node, not %d", *g.Count)
			}
		}
	default:
		v.errorf(ruleMasterGroup, fmt.Sprintf("nodeGroups[%d].role", masters[1]), "keep one MASTER group", "%d MASTER groups; a cluster has exactly one", len(masters))
	}
	if core < 2 {
		p := "nodeGroups"
		if firstCore >= 0 {
			p = fmt.Sprintf("nodeGroups[%d].count", firstCore)
		}
		v.warnf(ruleCoreCount, p, "use at least 2 CORE nodes", "%d CORE nodes; at least 2 are recommended for HDFS replicas and YARN capacity", core)
	}
	v.totalNodes(total)
}

func (v *validator) aliyunNodeGroup(p string, g NodeGroup) {
	c := v.c
	if enum(v, ruleNodeRole, p+".role", g.Role, true) {
		v.roleSupport(p, g)
	}
	v.nodeCount(p, g)
	v.instanceTypes(p, g, validate.InstanceType)
	if len(g.VSwitchIDs) == 0 {
		v.errorf(ruleVSwitchRequired, p+".vSwitchIds", "set vSwitchIds on the group or network.vSwitchIds; RunCluster fails with 'VSwitchIds is not valid' without them",
			"the node group has no vSwitchIds")
	} else if len(g.VSwitchIDs) > maxVSwitches {
		v.errorf(ruleVSwitchRequired, p+".vSwitchIds", fmt.Sprintf("use at most %d", maxVSwitches), "%d vSwitches given", len(g.VSwitchIDs))
	}
	for j, id := range g.VSwitchIDs {
		q := fmt.Sprintf("%s.vSwitchIds[%d]", p, j)
		v.input(ruleVSwitchRequired, q, validate.ID(validate.VSwitchID, q, id))
	}
	v.disks(p, g)
	if enum(v, ruleNodeGroupPayment, p+".paymentType", g.PaymentType, true) && g.PaymentType == PaymentSubscription &&
		c.Payment != nil && c.Payment.Type == PaymentPayAsYouGo {
		v.errorf(ruleNodeGroupPayment, p+".paymentType", "use PayAsYouGo, or make the cluster a Subscription cluster",
			"a Subscription node group needs a Subscription cluster")
	}
	v.spot(p, g)
	v.costOptimized(p, g)
	enum(v, ruleDeploymentSet, p+".deploymentSetStrategy", g.DeploymentSetStrategy, false)
	if len(g.AdditionalSecurityGroupIDs) > maxExtraSGs {
		v.errorf(ruleNetwork, p+".additionalSecurityGroupIds", fmt.Sprintf("use at most %d", maxExtraSGs), "%d additional security groups given", len(g.AdditionalSecurityGroupIDs))
	}
	for j, id := range g.AdditionalSecurityGroupIDs {
		q := fmt.Sprintf("%s.additionalSecurityGroupIds[%d]", p, j)
		v.input(ruleNetwork, q, validate.ID(validate.SecurityGroupID, q, id))
	}
	if pp := g.PrivatePool; pp != nil {
		enum(v, rulePrivatePool, p+".privatePool.matchCriteria", pp.MatchCriteria, true)
		if pp.MatchCriteria == "Target" && len(pp.IDs) == 0 {
			v.errorf(rulePrivatePool, p+".privatePool.ids", "list the private pool IDs", "matchCriteria Target needs ids")
		}
	}
	if g.PublicIP && c.DeployMode == DeployHA {
		v.warnf(rulePublicIP, p+".publicIp", "reach production nodes through a jump host or VPN instead", "public IPs on an HA (production) cluster")
	}
}

// roleSupport checks the roles that only some clusters have.
func (v *validator) roleSupport(p string, g NodeGroup) {
	c := v.c
	rel, ok := parseRelease(c.ReleaseVersion, "EMR-")
	switch g.Role {
	case RoleMasterExtend:
		if c.DeployMode != DeployHA {
			v.errorf(ruleMasterExtend, p+".role", "use deployMode: HA or remove the group", "MASTER-EXTEND groups exist only in HA clusters")
		}
		if ok && !(rel[0] == 3 && rel.atLeast(version{3, 51, 1})) && !(rel[0] >= 5 && rel.atLeast(version{5, 17, 1})) {
			v.errorf(ruleMasterExtend, p+".role", "use EMR-5.17.1 or later (EMR-3.51.1 or later on 3.x)", "MASTER-EXTEND needs EMR-5.17.1+ or EMR-3.51.1+, not %s", c.ReleaseVersion)
		}
	case RoleGateway:
		var need version
		switch c.ClusterType {
		case ClusterTypeDataLake, ClusterTypeDataFlow:
			need = version{5, 10, 1}
		case ClusterTypeCustom:
			need = version{5, 17, 1}
		case "":
			return
		default:
			v.errorf(ruleGateway, p+".role", "GATEWAY groups exist for DATALAKE, DATAFLOW and CUSTOM clusters", "%s clusters have no GATEWAY groups", c.ClusterType)
			return
		}
		if ok && (rel[0] < 5 || !rel.atLeast(need)) {
			v.errorf(ruleGateway, p+".role", fmt.Sprintf("use EMR-%d.%d.%d or later", need[0], need[1], need[2]),
				"GATEWAY on %s needs EMR-%d.%d.%d+, not %s", c.ClusterType, need[0], need[1], need[2], c.ReleaseVersion)
		}
	}
}

// instanceTypes checks the list of instance types of a group.
func (v *validator) instanceTypes(p string, g NodeGroup, kind validate.Kind) {
	if len(g.InstanceTypes) == 0 {
		v.errorf(ruleInstanceTypes, p+".instanceTypes", "list at least one, e.g. [ecs.g8i.xlarge] (ListInstanceTypes lists them)", "instanceTypes is required")
		return
	}
	if len(g.InstanceTypes) > maxInstanceType {
		v.errorf(ruleInstanceTypes, p+".instanceTypes", fmt.Sprintf("use at most %d", maxInstanceType), "%d instance types given", len(g.InstanceTypes))
	}
	seen := map[string]bool{}
	for j, t := range g.InstanceTypes {
		q := fmt.Sprintf("%s.instanceTypes[%d]", p, j)
		if !v.input(ruleInstanceTypes, q, validate.ID(kind, q, t)) {
			continue
		}
		if seen[t] {
			v.errorf(ruleInstanceTypes, q, "remove the repeated entry", "%s is listed twice", t)
		}
		seen[t] = true
	}
}

func (v *validator) disks(p string, g NodeGroup) {
	sd := g.SystemDisk
	sp := p + ".systemDisk"
	if sd == nil {
		v.errorf(ruleDiskCategory, sp, "set systemDisk: {category: cloud_essd, size: 120}", "systemDisk is required")
	} else {
		if enum(v, ruleDiskCategory, sp+".category", sd.Category, true) {
			v.diskCategory(sp+".category", sd.Category, true)
		}
		if sd.Size < minSystemDisk || sd.Size > maxSystemDisk {
			v.errorf(ruleDiskSize, sp+".size", fmt.Sprintf("use %d-%d GB (120 is recommended)", minSystemDisk, maxSystemDisk),
				"system disk size %d GB is outside %d-%d GB", sd.Size, minSystemDisk, maxSystemDisk)
		}
		v.performanceLevel(sp, sd.Category, sd.PerformanceLevel, sd.Size)
	}
	switch {
	case len(g.DataDisks) == 0:
		v.errorf(ruleDiskCount, p+".dataDisks", "set dataDisks: [{category: cloud_essd, size: 80, count: 1}]", "a node group needs a data disk entry")
		return
	case len(g.DataDisks) > 1:
		v.errorf(ruleDiskCount, p+".dataDisks", "use one entry and set its count for several disks", "RunCluster takes one data disk entry, %d given", len(g.DataDisks))
	}
	for j, d := range g.DataDisks {
		dp := fmt.Sprintf("%s.dataDisks[%d]", p, j)
		if enum(v, ruleDiskCategory, dp+".category", d.Category, true) {
			v.diskCategory(dp+".category", d.Category, false)
		}
		maxCount := maxCloudDisks
		if d.Category.local() {
			maxCount = maxLocalDisks
			if d.Size <= 0 {
				v.errorf(ruleDiskSize, dp+".size", "use the local disk size of the instance type (ListInstanceTypes)", "size must be positive")
			}
		} else if d.Size < minDataDisk || d.Size > maxDataDisk {
			v.errorf(ruleDiskSize, dp+".size", fmt.Sprintf("use %d-%d GB", minDataDisk, maxDataDisk), "data disk size %d GB is outside %d-%d GB", d.Size, minDataDisk, maxDataDisk)
		}
		if d.Count < 1 || d.Count > maxCount {
			v.errorf(ruleDiskCount, dp+".count", fmt.Sprintf("use 1-%d", maxCount), "data disk count %d is outside 1-%d", d.Count, maxCount)
		}
		v.performanceLevel(dp, d.Category, d.PerformanceLevel, d.Size)
		if d.Category == DiskESSD && d.Count == 1 {
			for _, t := range g.InstanceTypes {
				if slices.Contains(oldFamilies(), family(t)) {
					v.errorf(ruleDiskOldFamily, dp, "use category cloud_efficiency, or count 4 or more (or a newer family such as g8i)",
						"%s does not take a single cloud_essd data disk: RunCluster fails with 'dataDiskCount is not supported'", t)
					break
				}
			}
		}
		switch v.c.ClusterType {
		case ClusterTypeOLAP, ClusterTypeDataFlow, ClusterTypeCustom:
			if d.Category == DiskEfficiency && d.Count < 4 {
				v.warnf(ruleDiskEfficiencyCount, dp+".count", "use count 4 or more",
					"%s clusters with cloud_efficiency data disks work better with at least 4 disks", v.c.ClusterType)
			}
		}
	}
}

// diskCategory checks where a valid category may be used.
func (v *validator) diskCategory(p string, cat DiskCategory, system bool) {
	switch {
	case system && cat.local():
		v.errorf(ruleDiskCategory, p, "use cloud_essd", "%s is a local disk and cannot be a system disk", cat)
	case cat == DiskSSD || cat == DiskBasic:
		v.warnf(ruleDiskCategory, p, "use cloud_essd", "%s is an older disk generation, not recommended for new clusters", cat)
	}
}

// performanceLevel checks an ESSD performance level and its minimum size.
func (v *validator) performanceLevel(p string, cat DiskCategory, pl PerformanceLevel, size int) {
	if pl == "" {
		return
	}
	if cat != DiskESSD {
		v.errorf(ruleDiskPerformance, p+".performanceLevel", "remove performanceLevel or use cloud_essd", "performanceLevel applies to cloud_essd only, not %s", cat)
		return
	}
	if !enum(v, ruleDiskPerformance, p+".performanceLevel", pl, false) {
		return
	}
	minSize := map[PerformanceLevel]int{"PL2": minPL2Size, "PL3": minPL3Size}[pl]
	if size < minSize {
		v.errorf(ruleDiskSize, p+".size", fmt.Sprintf("use at least %d GB for %s, or a lower level", minSize, pl), "an ESSD %s disk needs at least %d GB, not %d", pl, minSize, size)
	}
}

func (v *validator) spot(p string, g NodeGroup) {
	s := g.Spot
	if s == nil {
		if g.SpotInstanceRemedy {
			v.warnf(ruleSpot, p+".spotInstanceRemedy", "set spot or remove spotInstanceRemedy", "spotInstanceRemedy only applies to spot node groups")
		}
		return
	}
	sp := p + ".spot"
	if !enum(v, ruleSpot, sp+".strategy", s.Strategy, true) {
		return
	}
	if s.BidPrice != "" {
		v.errorf(ruleProviderFields, sp+".bidPrice", "use spot.bidPrices: [{instanceType, price}]", "spot.bidPrice applies to provider aws only")
	}
	switch {
	case s.Strategy == SpotWithPriceLimit && len(s.BidPrices) == 0:
		v.errorf(ruleSpot, sp+".bidPrices", "list a bid price for each instance type, or use SpotAsPriceGo", "SpotWithPriceLimit needs bidPrices")
	case s.Strategy != SpotWithPriceLimit && len(s.BidPrices) > 0:
		v.errorf(ruleSpot, sp+".bidPrices", "set strategy: SpotWithPriceLimit or remove bidPrices", "bidPrices only apply to SpotWithPriceLimit")
	}
	seen := map[string]bool{}
	for j, b := range s.BidPrices {
		bp := fmt.Sprintf("%s.bidPrices[%d]", sp, j)
		if !slices.Contains(g.InstanceTypes, b.InstanceType) {
			v.errorf(ruleSpot, bp+".instanceType", "use one of the group's instanceTypes", "%q is not one of the group's instance types", b.InstanceType)
		} else if seen[b.InstanceType] {
			v.errorf(ruleSpot, bp+".instanceType", "keep one price per instance type", "%s has two bid prices", b.InstanceType)
		}
		seen[b.InstanceType] = true
		if b.Price <= 0 {
			v.errorf(ruleSpot, bp+".price", "set the highest hourly price to pay", "price must be positive")
		}
	}
	if s.Strategy == NoSpot {
		return
	}
	v.spotRole(sp, g)
	if g.PaymentType == PaymentSubscription {
		v.errorf(ruleSpot, sp+".strategy", "use paymentType PayAsYouGo for spot groups", "spot instances cannot be subscribed")
	}
}

// spotRole allows spot on TASK, warns on CORE and refuses it elsewhere.
func (v *validator) spotRole(sp string, g NodeGroup) {
	switch g.Role {
	case RoleTask:
	case RoleCore:
		v.warnf(ruleSpot, sp+".strategy", "use spot on TASK groups; CORE nodes hold HDFS data", "spot instances on a CORE group can be reclaimed with their data")
	default:
		v.errorf(ruleSpot, sp+".strategy", "use spot on TASK groups only", "spot instances on a %s group", g.Role)
	}
}

func (v *validator) costOptimized(p string, g NodeGroup) {
	if !enum(v, ruleCostOptimized, p+".resizeStrategy", g.ResizeStrategy, false) {
		return
	}
	co := g.ResizeStrategy == ResizeCostOptimized
	if g.CostOptimized != nil && !co {
		v.errorf(ruleCostOptimized, p+".costOptimized", "set resizeStrategy: COST_OPTIMIZED or remove costOptimized", "costOptimized only applies to resizeStrategy COST_OPTIMIZED")
	}
	if g.CompensateWithOnDemand && !co {
		v.warnf(ruleCostOptimized, p+".compensateWithOnDemand", "set resizeStrategy: COST_OPTIMIZED or remove it", "compensateWithOnDemand only applies to resizeStrategy COST_OPTIMIZED")
	}
	if co && g.Role != RoleTask {
		v.warnf(ruleCostOptimized, p+".resizeStrategy", "use COST_OPTIMIZED on TASK groups", "COST_OPTIMIZED mixes spot instances into a %s group", g.Role)
	}
	if x := g.CostOptimized; x != nil {
		if x.OnDemandBaseCapacity < 0 || x.OnDemandBaseCapacity > v.opts.NodeGroupMaxAtCreate {
			v.errorf(ruleCostOptimized, p+".costOptimized.onDemandBaseCapacity", fmt.Sprintf("use 0-%d", v.opts.NodeGroupMaxAtCreate), "onDemandBaseCapacity %d is out of range", x.OnDemandBaseCapacity)
		}
		if x.OnDemandPercentageAboveBaseCapacity < 0 || x.OnDemandPercentageAboveBaseCapacity > 100 {
			v.errorf(ruleCostOptimized, p+".costOptimized.onDemandPercentageAboveBaseCapacity", "use 0-100", "onDemandPercentageAboveBaseCapacity %d is not a percentage", x.OnDemandPercentageAboveBaseCapacity)
		}
		if x.SpotInstancePools < 0 || x.SpotInstancePools > 10 {
			v.errorf(ruleCostOptimized, p+".costOptimized.spotInstancePools", "use 1-10", "spotInstancePools %d is out of range", x.SpotInstancePools)
		}
	}
}

// decimal reports whether s is a positive decimal price such as "0.10".
func decimal(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f > 0 && match(`^\d+(\.\d{1,6})?$`, s)
}
