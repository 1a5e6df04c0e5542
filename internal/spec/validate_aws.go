package spec

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/validate"
)

// AWS bounds: RunJobFlow's idle timeout range (60 s to 7 days), step
// concurrency (1-256), bootstrap actions (16), instance types per fleet (30).
const (
	minIdleTimeout     = time.Minute
	maxIdleTimeout     = 7 * 24 * time.Hour
	maxStepConcurrency = 256
	maxAWSBootstrap    = 16
	maxFleetTypes      = 30
)

func (v *validator) aws() {
	c := v.c
	v.aliyunOnlyFields()
	if v.required(ruleReleaseVersion, "releaseVersion", c.ReleaseVersion, "set the EMR release label, e.g. emr-7.2.0") {
		if _, ok := parseRelease(c.ReleaseVersion, "emr-"); !ok {
			v.errorf(ruleReleaseVersion, "releaseVersion", "write the release label as emr-x.y.z, e.g. emr-7.2.0", "%q is not an EMR release label", c.ReleaseVersion)
		}
	}
	v.awsApplications()
	a := c.AWS
	if a == nil {
		a = &AWS{}
	}
	v.required(ruleAWSRoles, "aws.serviceRole", a.ServiceRole, "set the EMR service role, e.g. EMR_DefaultRole")
	v.required(ruleAWSRoles, "aws.jobFlowRole", a.JobFlowRole, "set the EC2 instance profile, e.g. EMR_EC2_DefaultRole")
	for _, r := range []struct{ path, v string }{{"aws.serviceRole", a.ServiceRole}, {"aws.jobFlowRole", a.JobFlowRole}, {"aws.securityConfiguration", a.SecurityConfiguration}} {
		if r.v != "" && !match(`^(arn:aws[a-z-]*:iam::\d{12}:[A-Za-z-]+/)?[\w+=,.@/-]{1,128}$`, r.v) {
			v.errorf(ruleAWSRoles, r.path, "use the name or ARN", "not an IAM role, instance profile or configuration name")
		}
	}
	v.logURI(a.LogURI)
	v.subnets(a)
	if a.EC2KeyName != "" {
		v.input(ruleLogin, "aws.ec2KeyName", validate.ID(validate.KeyPairName, "aws.ec2KeyName", a.EC2KeyName))
	}
	if a.AutoTerminationIdleTimeout != "" {
		d, err := time.ParseDuration(a.AutoTerminationIdleTimeout)
		if err != nil || d < minIdleTimeout || d > maxIdleTimeout {
			v.errorf(ruleAWSIdleTimeout, "aws.autoTerminationIdleTimeout", "write a duration from 1m to 168h, e.g. 1h",
				"autoTerminationIdleTimeout is not a duration from 1 minute to 7 days")
		}
	}
	if a.StepConcurrencyLevel != 0 && (a.StepConcurrencyLevel < 1 || a.StepConcurrencyLevel > maxStepConcurrency) {
		v.errorf(ruleAWSStepConcurrency, "aws.stepConcurrencyLevel", "use 1-256", "stepConcurrencyLevel %d is out of range", a.StepConcurrencyLevel)
	}
	v.configurations("aws.configurations", a.Configurations, 0)
	for i, s := range a.Steps {
		v.step(fmt.Sprintf("aws.steps[%d]", i), s)
	}
	if a.KeepAlive != nil && !*a.KeepAlive && len(a.Steps) == 0 {
		v.warnf(ruleAWSKeepAlive, "aws.keepAlive", "add steps, or set keepAlive: true", "with keepAlive false and no steps the cluster terminates as soon as it is ready")
	}
	v.awsInstances(a)
	v.managedScaling(a)
	v.bootstrap("s3", maxAWSBootstrap)
}

// aliyunOnlyFields refuses Alibaba fields in an AWS spec.
func (v *validator) aliyunOnlyFields() {
	c := v.c
	set := []struct {
		field string
		isSet bool
	}{
		{"clusterType", c.ClusterType != ""},
		{"deployMode", c.DeployMode != ""},
		{"securityMode", c.SecurityMode != ""},
		{"payment", c.Payment != nil},
		{"resourceGroupId", c.ResourceGroupID != ""},
		{"metastore", c.Metastore != nil},
		{"ossHdfs", c.OSSHDFS != nil},
		{"applicationConfigs", len(c.ApplicationConfigs) > 0},
		{"network", c.Network != nil},
		{"diskEncryption", c.DiskEncryption != nil},
		{"deletionProtection", c.DeletionProtection},
	}
	for _, s := range set {
		if s.isSet {
			fix := "remove it"
			switch s.field {
			case "network":
				fix = "use aws.ec2SubnetId(s) and aws.ec2KeyName"
			case "applicationConfigs":
				fix = "use aws.configurations"
			case "deletionProtection":
				fix = "use aws.terminationProtected"
			}
			v.errorf(ruleProviderFields, s.field, fix, "%s applies to provider aliyun only", s.field)
		}
	}
}

func (v *validator) awsApplications() {
	c := v.c
	if len(c.Applications) == 0 {
		v.errorf(ruleApplicationsRequired, "applications", "select at least one, e.g. [Hadoop, Spark]", "no application is selected")
		return
	}
	known := awsApplications()
	seen := map[string]int{}
	for i, a := range c.Applications {
		p := fmt.Sprintf("applications[%d]", i)
		if j, dup := seen[a]; dup {
			v.errorf(ruleComponentDuplicate, p, "remove the repeated entry", "%s is already listed at applications[%d]", a, j)
			continue
		}
		seen[a] = i
		if slices.Contains(known, a) {
			continue
		}
		fix := "use an EMR application name such as Hadoop, Spark or Hive"
		if s := awsNameForAliyun(a); s != "" {
			fix = fmt.Sprintf("%s is an Alibaba component name; on AWS use %q", a, s)
		} else if s := suggestName(a, known); s != "" {
			fix = fmt.Sprintf("did you mean %q?", s)
		}
		v.errorf(ruleAWSApplications, p, fix, "%q is not an EMR application", a)
	}
}

func (v *validator) logURI(uri string) {
	if uri == "" {
		v.warnf(ruleAWSLogURI, "aws.logUri", "set logUri: s3://<bucket>/emr-logs/", "without a log URI, step and bootstrap logs cannot be read after the fact")
		return
	}
	u, ok := validate.ParseObjectURI(uri)
	if !ok || u.Scheme != "s3" || validate.Bucket("aws.logUri", u.Bucket) != nil || strings.ContainsAny(uri, " ?#") {
		v.errorf(ruleAWSLogURI, "aws.logUri", "write s3://<bucket>/<prefix>/", "logUri is not an s3:// location")
	}
}

func (v *validator) subnets(a *AWS) {
	const pattern = `^subnet-[0-9a-f]{8,17}$`
	if a.EC2SubnetID != "" && !match(pattern, a.EC2SubnetID) {
		v.errorf(ruleAWSSubnet, "aws.ec2SubnetId", "use a subnet ID such as subnet-0abc1234", "not a subnet ID")
	}
	for i, s := range a.EC2SubnetIDs {
		if !match(pattern, s) {
			v.errorf(ruleAWSSubnet, fmt.Sprintf("aws.ec2SubnetIds[%d]", i), "use a subnet ID such as subnet-0abc1234", "not a subnet ID")
		}
	}
	switch {
	case a.EC2SubnetID != "" && len(a.EC2SubnetIDs) > 0:
		v.errorf(ruleAWSSubnet, "aws.ec2SubnetIds", "set ec2SubnetId (instance groups) or ec2SubnetIds (instance fleets), not both", "both ec2SubnetId and ec2SubnetIds are set")
	case len(a.EC2SubnetIDs) > 0 && len(a.InstanceFleets) == 0:
		v.errorf(ruleAWSSubnet, "aws.ec2SubnetIds", "use ec2SubnetId with instance groups", "ec2SubnetIds only apply to instance fleets")
	}
}

func (v *validator) configurations(p string, cs []AWSConfiguration, depth int) {
	for i, cf := range cs {
		q := fmt.Sprintf("%s[%d]", p, i)
		if v.required(ruleAWSConfigurations, q+".classification", cf.Classification, "name the classification, e.g. spark-defaults") &&
			!match(`^[A-Za-z0-9._-]{1,128}$`, cf.Classification) {
			v.errorf(ruleAWSConfigurations, q+".classification", "use the classification name, e.g. spark-defaults", "not a classification name")
		}
		if depth >= 2 && len(cf.Configurations) > 0 {
			v.errorf(ruleAWSConfigurations, q+".configurations", "nest at most three levels", "configurations are nested too deeply")
			continue
		}
		v.configurations(q+".configurations", cf.Configurations, depth+1)
	}
}

func (v *validator) step(p string, s AWSStep) {
	if v.required(ruleAWSSteps, p+".name", s.Name, "name the step") {
		v.input(ruleAWSSteps, p+".name", validate.Text(p+".name", s.Name))
	}
	enum(v, ruleAWSSteps, p+".actionOnFailure", s.ActionOnFailure, false)
	if !enum(v, ruleAWSSteps, p+".type", s.Type, true) {
		return
	}
	code := func(field, value, what string) {
		if v.required(ruleAWSSteps, p+"."+field, value, "set "+field+" to the s3:// location of the "+what) {
			v.input(ruleAWSSteps, p+"."+field, validate.ScriptPath(p+"."+field, value, "s3", nil))
		}
	}
	unused := func(fields ...string) {
		vals := map[string]bool{"jar": s.Jar != "", "mainClass": s.MainClass != "", "script": s.Script != "", "command": s.Command != "",
			"deployMode": s.DeployMode != "", "sparkConf": len(s.SparkConf) > 0}
		for _, f := range fields {
			if vals[f] {
				v.errorf(ruleAWSSteps, p+"."+f, "remove it", "%s does not apply to %s steps", f, s.Type)
			}
		}
	}
	switch s.Type {
	case StepSpark:
		code("jar", s.Jar, "application jar")
		unused("script", "command")
	case StepPySpark:
		code("script", s.Script, "Python script")
		unused("jar", "mainClass", "command")
	case StepHive:
		code("script", s.Script, "HiveQL script")
		unused("jar", "mainClass", "command", "deployMode", "sparkConf")
	case StepJar:
		code("jar", s.Jar, "jar")
		unused("script", "command", "deployMode", "sparkConf")
	case StepCommand:
		if v.required(ruleAWSSteps, p+".command", s.Command, "name the program, e.g. s3-dist-cp") && !match(`^[A-Za-z0-9._/-]{1,128}$`, s.Command) {
			v.errorf(ruleAWSSteps, p+".command", "name one program; pass its arguments in args", "command is not a program name")
		}
		unused("jar", "mainClass", "script", "deployMode", "sparkConf")
		v.warnf(ruleAWSSteps, p+".type", "use a typed step (spark, pyspark, hive, jar) when one fits", "command steps run arbitrary programs; only people may submit them, never agents")
	}
	enum(v, ruleAWSSteps, p+".deployMode", s.DeployMode, false)
	if s.MainClass != "" && !match(`^[A-Za-z_$][A-Za-z0-9_$.]*$`, s.MainClass) {
		v.errorf(ruleAWSSteps, p+".mainClass", "use a fully qualified class name", "mainClass is not a Java class name")
	}
	for i, a := range s.Args {
		if strings.ContainsFunc(a, isControl) {
			v.errorf(ruleAWSSteps, fmt.Sprintf("%s.args[%d]", p, i), "remove control characters", "the argument contains a control character")
		}
	}
}

func (v *validator) awsInstances(a *AWS) {
	c := v.c
	groups, fleets := len(c.NodeGroups) > 0, len(a.InstanceFleets) > 0
	switch {
	case groups && fleets:
		v.errorf(ruleAWSInstances, "aws.instanceFleets", "use nodeGroups (instance groups) or aws.instanceFleets, not both", "both instance groups and instance fleets are set")
		return
	case !groups && !fleets:
		v.errorf(ruleAWSInstances, "nodeGroups", "add nodeGroups (instance groups) or aws.instanceFleets with a MASTER", "no instances")
		return
	case fleets:
		v.fleets(a.InstanceFleets)
		return
	}
	roles := map[NodeRole][]int{}
	total := 0
	for i, g := range c.NodeGroups {
		p := fmt.Sprintf("nodeGroups[%d]", i)
		total += count(g)
		if enum(v, ruleNodeRole, p+".role", g.Role, true) {
			if !slices.Contains([]NodeRole{RoleMaster, RoleCore, RoleTask}, g.Role) {
				v.errorf(ruleAWSInstances, p+".role", "use MASTER, CORE or TASK", "%s is an Alibaba role; AWS instance groups are MASTER, CORE or TASK", g.Role)
			}
			roles[g.Role] = append(roles[g.Role], i)
		}
		v.nodeCount(p, g)
		v.instanceTypes(p, g, validate.AWSInstanceType)
		if len(g.InstanceTypes) > 1 {
			v.errorf(ruleAWSInstances, p+".instanceTypes", "list one type, or use aws.instanceFleets for several", "an instance group has one instance type, %d given", len(g.InstanceTypes))
		}
		v.awsGroupFields(p, g)
		v.awsSpot(p, g)
	}
	switch m := roles[RoleMaster]; {
	case len(m) == 0:
		v.errorf(ruleAWSInstances, "nodeGroups", "add a group with role: MASTER", "no MASTER instance group")
	case len(m) > 1:
		v.errorf(ruleAWSInstances, fmt.Sprintf("nodeGroups[%d].role", m[1]), "keep one MASTER group", "%d MASTER instance groups", len(m))
	default:
		if g := c.NodeGroups[m[0]]; g.Count != nil && *g.Count != 1 && *g.Count != 3 {
			v.errorf(ruleMasterCount, fmt.Sprintf("nodeGroups[%d].count", m[0]), "use 1, or 3 for multiple primary nodes", "a MASTER group has 1 or 3 nodes, not %d", *g.Count)
		}
	}
	if cg := roles[RoleCore]; len(cg) > 1 {
		v.errorf(ruleAWSInstances, fmt.Sprintf("nodeGroups[%d].role", cg[1]), "keep one CORE group", "a cluster has at most one CORE instance group")
	}
	v.totalNodes(total)
}

// awsGroupFields refuses Alibaba node group fields on an instance group.
func (v *validator) awsGroupFields(p string, g NodeGroup) {
	set := []struct {
		field string
		isSet bool
	}{
		{"vSwitchIds", len(g.VSwitchIDs) > 0}, {"systemDisk", g.SystemDisk != nil}, {"dataDisks", len(g.DataDisks) > 0},
		{"publicIp", g.PublicIP}, {"paymentType", g.PaymentType != ""}, {"gracefulShutdown", g.GracefulShutdown},
		{"spotInstanceRemedy", g.SpotInstanceRemedy}, {"compensateWithOnDemand", g.CompensateWithOnDemand},
		{"resizeStrategy", g.ResizeStrategy != ""}, {"costOptimized", g.CostOptimized != nil},
		{"deploymentSetStrategy", g.DeploymentSetStrategy != ""}, {"additionalSecurityGroupIds", len(g.AdditionalSecurityGroupIDs) > 0},
		{"privatePool", g.PrivatePool != nil},
	}
	for _, s := range set {
		if s.isSet {
			v.errorf(ruleProviderFields, p+"."+s.field, "remove it", "%s applies to provider aliyun only", s.field)
		}
	}
}

func (v *validator) awsSpot(p string, g NodeGroup) {
	s := g.Spot
	if s == nil {
		return
	}
	sp := p + ".spot"
	if !enum(v, ruleSpot, sp+".strategy", s.Strategy, true) {
		return
	}
	if len(s.BidPrices) > 0 {
		v.errorf(ruleProviderFields, sp+".bidPrices", "use spot.bidPrice (USD per hour)", "spot.bidPrices applies to provider aliyun only")
	}
	switch {
	case s.Strategy == SpotWithPriceLimit && s.BidPrice == "":
		v.errorf(ruleSpot, sp+".bidPrice", "set bidPrice, e.g. \"0.10\", or use SpotAsPriceGo (capped at the on-demand price)", "SpotWithPriceLimit needs bidPrice")
	case s.Strategy != SpotWithPriceLimit && s.BidPrice != "":
		v.errorf(ruleSpot, sp+".bidPrice", "set strategy: SpotWithPriceLimit or remove bidPrice", "bidPrice only applies to SpotWithPriceLimit")
	case s.BidPrice != "" && !decimal(s.BidPrice):
		v.errorf(ruleSpot, sp+".bidPrice", "write a positive price in USD, e.g. \"0.10\"", "bidPrice is not a price")
	}
	if s.Strategy != NoSpot {
		v.spotRole(sp, g)
	}
}

func (v *validator) fleets(fs []AWSInstanceFleet) {
	roles := map[NodeRole][]int{}
	total := 0
	for i, f := range fs {
		p := fmt.Sprintf("aws.instanceFleets[%d]", i)
		if v.required(ruleAWSFleets, p+".name", f.Name, "name the fleet") {
			v.input(ruleAWSFleets, p+".name", validate.Name(p+".name", f.Name))
		}
		if enum(v, ruleAWSFleets, p+".role", f.Role, true) {
			if !slices.Contains([]NodeRole{RoleMaster, RoleCore, RoleTask}, f.Role) {
				v.errorf(ruleAWSFleets, p+".role", "use MASTER, CORE or TASK", "%s is not an instance fleet type", f.Role)
			}
			roles[f.Role] = append(roles[f.Role], i)
		}
		capacity := f.TargetOnDemandCapacity + f.TargetSpotCapacity
		total += capacity
		switch {
		case f.TargetOnDemandCapacity < 0 || f.TargetSpotCapacity < 0:
			v.errorf(ruleAWSFleets, p, "use 0 or more", "target capacities must not be negative")
		case f.Role == RoleMaster && capacity != 1:
			v.errorf(ruleAWSFleets, p, "set targetOnDemandCapacity: 1 (or targetSpotCapacity: 1)", "the MASTER fleet has a target capacity of 1, not %d", capacity)
		case f.Role == RoleCore && capacity == 0:
			v.errorf(ruleAWSFleets, p, "set targetOnDemandCapacity or targetSpotCapacity", "the CORE fleet has no target capacity")
		case capacity > v.opts.NodeGroupMaxAtCreate:
			v.errorf(ruleNodeCount, p, fmt.Sprintf("create with at most %d units and scale out in confirmed batches", v.opts.NodeGroupMaxAtCreate),
				"target capacity %d is above the policy limit of %d at creation", capacity, v.opts.NodeGroupMaxAtCreate)
		}
		if f.TargetSpotCapacity > 0 && f.Role == RoleMaster {
			v.errorf(ruleSpot, p+".targetSpotCapacity", "use on-demand capacity for the MASTER fleet", "spot capacity on the MASTER fleet")
		}
		switch n := len(f.InstanceTypeConfigs); {
		case n == 0:
			v.errorf(ruleAWSFleets, p+".instanceTypeConfigs", "list at least one instance type", "instanceTypeConfigs is required")
		case n > maxFleetTypes:
			v.errorf(ruleAWSFleets, p+".instanceTypeConfigs", fmt.Sprintf("use at most %d", maxFleetTypes), "%d instance types given", n)
		}
		for j, t := range f.InstanceTypeConfigs {
			q := fmt.Sprintf("%s.instanceTypeConfigs[%d]", p, j)
			v.input(ruleAWSFleets, q+".instanceType", validate.ID(validate.AWSInstanceType, q+".instanceType", t.InstanceType))
			if t.WeightedCapacity < 0 {
				v.errorf(ruleAWSFleets, q+".weightedCapacity", "use 1 or more", "weightedCapacity must be positive")
			}
			switch {
			case t.BidPrice != "" && t.BidPriceAsPercentageOfOnDemandPrice != 0:
				v.errorf(ruleAWSFleets, q, "set bidPrice or bidPriceAsPercentageOfOnDemandPrice, not both", "two bid prices are set")
			case t.BidPrice != "" && !decimal(t.BidPrice):
				v.errorf(ruleAWSFleets, q+".bidPrice", "write a positive price in USD, e.g. \"0.10\"", "bidPrice is not a price")
			case t.BidPriceAsPercentageOfOnDemandPrice < 0 || t.BidPriceAsPercentageOfOnDemandPrice > 1000:
				v.errorf(ruleAWSFleets, q+".bidPriceAsPercentageOfOnDemandPrice", "use a percentage above 0 and up to 1000", "percentage out of range")
			}
		}
		enum(v, ruleAWSFleets, p+".spotTimeoutAction", f.SpotTimeoutAction, false)
		if f.SpotTimeoutMinutes != 0 && (f.SpotTimeoutMinutes < 5 || f.SpotTimeoutMinutes > 1440) {
			v.errorf(ruleAWSFleets, p+".spotTimeoutMinutes", "use 5-1440", "spotTimeoutMinutes %d is out of range", f.SpotTimeoutMinutes)
		}
		if (f.SpotTimeoutMinutes != 0 || f.SpotTimeoutAction != "") && f.TargetSpotCapacity == 0 {
			v.warnf(ruleAWSFleets, p+".spotTimeoutAction", "set targetSpotCapacity or remove the spot timeout", "the spot timeout applies to spot capacity only")
		}
	}
	for _, r := range []NodeRole{RoleCore, RoleTask} {
		if idx := roles[r]; len(idx) > 1 {
			v.errorf(ruleAWSFleets, fmt.Sprintf("aws.instanceFleets[%d].role", idx[1]), "keep one "+string(r)+" fleet", "a cluster has at most one %s fleet", r)
		}
	}
	switch m := roles[RoleMaster]; len(m) {
	case 0:
		v.errorf(ruleAWSInstances, "aws.instanceFleets", "add a fleet with role: MASTER", "no MASTER instance fleet")
	case 1:
	default:
		v.errorf(ruleAWSInstances, fmt.Sprintf("aws.instanceFleets[%d].role", m[1]), "keep one MASTER fleet", "%d MASTER fleets", len(m))
	}
	v.totalNodes(total)
}

func (v *validator) managedScaling(a *AWS) {
	m := a.ManagedScaling
	if m == nil {
		return
	}
	const p = "aws.managedScaling"
	if enum(v, ruleAWSManagedScaling, p+".unitType", m.UnitType, true) && m.UnitType == "InstanceFleetUnits" && len(a.InstanceFleets) == 0 {
		v.errorf(ruleAWSManagedScaling, p+".unitType", "use Instances with instance groups", "InstanceFleetUnits needs instance fleets")
	}
	if m.MinimumCapacityUnits < 1 {
		v.errorf(ruleAWSManagedScaling, p+".minimumCapacityUnits", "use 1 or more", "minimumCapacityUnits must be at least 1")
	}
	switch {
	case m.MaximumCapacityUnits < m.MinimumCapacityUnits:
		v.errorf(ruleAWSManagedScaling, p+".maximumCapacityUnits", "make the maximum at least the minimum", "maximumCapacityUnits %d is below minimumCapacityUnits %d", m.MaximumCapacityUnits, m.MinimumCapacityUnits)
	case m.MaximumCapacityUnits > v.opts.ManagedScalingMaxCapacity:
		v.errorf(ruleAWSManagedScaling, p+".maximumCapacityUnits", fmt.Sprintf("use at most %d", v.opts.ManagedScalingMaxCapacity),
			"maximumCapacityUnits %d is above the policy limit of %d: uncontrolled cost", m.MaximumCapacityUnits, v.opts.ManagedScalingMaxCapacity)
	}
	if m.MaximumOnDemandCapacityUnits > m.MaximumCapacityUnits {
		v.errorf(ruleAWSManagedScaling, p+".maximumOnDemandCapacityUnits", "keep it at most maximumCapacityUnits", "maximumOnDemandCapacityUnits is above maximumCapacityUnits")
	}
	if m.MaximumCoreCapacityUnits > m.MaximumCapacityUnits {
		v.errorf(ruleAWSManagedScaling, p+".maximumCoreCapacityUnits", "keep it at most maximumCapacityUnits", "maximumCoreCapacityUnits is above maximumCapacityUnits")
	}
}
