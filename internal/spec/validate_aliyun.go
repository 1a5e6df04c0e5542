package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/validate"
)

// version is a release number such as 5.21.0.
type version [3]int

// parseRelease reads "EMR-5.21.0" (prefix "EMR-") or "emr-7.2.0".
func parseRelease(s, prefix string) (version, bool) {
	if !match(`^`+prefix+`\d{1,3}\.\d{1,3}\.\d{1,3}$`, s) {
		return version{}, false
	}
	var out version
	for i, part := range strings.Split(strings.TrimPrefix(s, prefix), ".") {
		out[i], _ = strconv.Atoi(part)
	}
	return out, true
}

// atLeast reports whether v >= w.
func (v version) atLeast(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] > w[i]
		}
	}
	return true
}

func (v *validator) aliyun() {
	c := v.c
	if c.AWS != nil {
		v.errorf(ruleProviderFields, "aws", "remove the aws block or set provider: aws", "the aws block applies to provider aws only")
	}
	enum(v, ruleClusterType, "clusterType", c.ClusterType, true)
	if v.required(ruleReleaseVersion, "releaseVersion", c.ReleaseVersion, "set the EMR release, e.g. EMR-5.21.0 (ListReleaseVersions lists them)") {
		if _, ok := parseRelease(c.ReleaseVersion, "EMR-"); !ok {
			v.errorf(ruleReleaseVersion, "releaseVersion", "write it as EMR-x.y.z, e.g. EMR-5.21.0", "%q is not an EMR release version", c.ReleaseVersion)
		}
	}
	enum(v, ruleDeployMode, "deployMode", c.DeployMode, true)
	if enum(v, ruleSecurityMode, "securityMode", c.SecurityMode, true) && c.SecurityMode == SecurityKerberos && !c.HasApplication("KERBEROS") {
		v.warnf(ruleSecurityMode, "securityMode", "add KERBEROS to applications", "securityMode KERBEROS without the KERBEROS component")
	}
	v.payment()
	if c.ResourceGroupID != "" {
		v.input(ruleResourceGroup, "resourceGroupId", validate.ID(validate.ResourceGroupID, "resourceGroupId", c.ResourceGroupID))
	}
	v.applications()
	v.metastore()
	v.ossHDFS()
	v.appConfigs()
	v.network()
	v.diskEncryption()
	v.aliyunNodeGroups()
	v.bootstrap("oss", 10)
	if c.DeployMode == DeployHA && !c.DeletionProtection {
		v.warnf(ruleDeletionProtection, "deletionProtection", "set deletionProtection: true for production clusters",
			"an HA (production) cluster without deletion protection")
	}
}

func (v *validator) payment() {
	c := v.c
	p := c.Payment
	if p == nil {
		v.errorf(rulePayment, "payment.type", "set payment.type: PayAsYouGo or Subscription", "payment.type is required")
		return
	}
	if !enum(v, rulePayment, "payment.type", p.Type, true) {
		return
	}
	s := p.Subscription
	if p.Type == PaymentPayAsYouGo {
		if s != nil {
			v.warnf(ruleSubscription, "payment.subscription", "remove it, or set payment.type: Subscription", "subscription is ignored for PayAsYouGo")
		}
		return
	}
	if s == nil {
		v.errorf(ruleSubscription, "payment.subscription", "set payment.subscription: {duration: 1, unit: Month}", "a Subscription cluster needs payment.subscription")
		return
	}
	months, ok := v.term("payment.subscription.duration", "payment.subscription.unit", s.Duration, s.Unit)
	if ok && months > v.opts.SubscriptionMaxMonths {
		v.warnf(ruleSubscriptionAck, "payment.subscription.duration", "confirm the cost explicitly, or choose a shorter term",
			"a %d-month subscription is longer than %d months and needs an explicit cost acknowledgement", months, v.opts.SubscriptionMaxMonths)
	}
	if s.AutoRenew {
		v.term("payment.subscription.autoRenewDuration", "payment.subscription.autoRenewUnit", s.AutoRenewDuration, s.AutoRenewUnit)
	} else if s.AutoRenewDuration != 0 || s.AutoRenewUnit != "" {
		v.warnf(ruleSubscription, "payment.subscription.autoRenew", "set autoRenew: true or remove autoRenewDuration and autoRenewUnit",
			"autoRenewDuration and autoRenewUnit are ignored without autoRenew")
	}
}

// term checks a subscription duration and returns it in months.
func (v *validator) term(durPath, unitPath string, d int, unit DurationUnit) (int, bool) {
	if !enum(v, ruleSubscription, unitPath, unit, true) {
		return 0, false
	}
	const fix = "use 1-9, 12, 24, 36, 48 or 60 months, or 1-5 years"
	switch unit {
	case Month:
		if !slices.Contains([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60}, d) {
			v.errorf(ruleSubscription, durPath, fix, "%d months is not a subscription term", d)
			return 0, false
		}
		return d, true
	default:
		if d < 1 || d > 5 {
			v.errorf(ruleSubscription, durPath, fix, "%d years is not a subscription term", d)
			return 0, false
		}
		return d * 12, true
	}
}

func (v *validator) applications() {
	c := v.c
	if len(c.Applications) == 0 {
		v.errorf(ruleApplicationsRequired, "applications", "select at least one, e.g. "+strings.Join(RecommendedComponents(ClusterTypeDataLake), ", "),
			"no application is selected")
		return
	}
	known := allComponents()
	offered := ComponentsForType(c.ClusterType)
	var valid []string
	seen := map[string]int{}
	for i, a := range c.Applications {
		p := fmt.Sprintf("applications[%d]", i)
		if j, dup := seen[a]; dup {
			v.errorf(ruleComponentDuplicate, p, "remove the repeated entry", "%s is already listed at applications[%d]", a, j)
			continue
		}
		seen[a] = i
		switch {
		case slices.Contains(internalComponents(), a):
			v.warnf(ruleComponentUnknown, p, "remove it", "%s is an internal service EMR installs by itself", a)
		case !slices.Contains(known, a):
			fix := "use a component name such as " + strings.Join(RecommendedComponents(ClusterTypeDataLake), ", ")
			if s := suggestName(a, known); s != "" {
				fix = fmt.Sprintf("did you mean %q?", s)
			}
			v.errorf(ruleComponentUnknown, p, fix, "%q is not an EMR component", a)
		case offered != nil && !slices.Contains(offered, a):
			valid = append(valid, a)
			v.errorf(ruleComponentType, p, fmt.Sprintf("remove %s or use a cluster type that offers it (%s)", a, strings.Join(typesOffering(a), ", ")),
				"%s is not offered for %s clusters", a, c.ClusterType)
		default:
			valid = append(valid, a)
		}
	}
	for _, pair := range exclusivePairs() {
		if slices.Contains(valid, pair[0]) && slices.Contains(valid, pair[1]) {
			v.errorf(ruleComponentExclusive, "applications", fmt.Sprintf("keep only one of %s and %s", pair[0], pair[1]),
				"%s and %s cannot be selected together", pair[0], pair[1])
		}
	}
	for _, m := range missingDependencies(valid) {
		want := strings.Join(m.choice, " or ")
		v.errorf(ruleComponentDependency, "applications", fmt.Sprintf("add %s to applications", want),
			"%s is required by %s", want, strings.Join(m.neededBy, ", "))
	}
	if c.DeployMode == DeployHA && !c.HasApplication("ZOOKEEPER") {
		v.errorf(ruleHAZooKeeper, "applications", "add ZOOKEEPER to applications",
			"HA needs ZOOKEEPER for master failover (NameNode, ResourceManager)")
	}
}

// typesOffering lists the cluster types that offer a component.
func typesOffering(component string) []string {
	var out []string
	for _, t := range ClusterType("").Values() {
		if slices.Contains(ComponentsForType(ClusterType(t)), component) {
			out = append(out, t)
		}
	}
	return out
}

func (v *validator) metastore() {
	c := v.c
	hive := c.HasApplication(appHive)
	m := c.Metastore
	if m != nil {
		if m.Type == "" {
			v.errorf(ruleMetastore, "metastore.type", "set metastore.type: LOCAL, USER_RDS or DLF", "metastore.type is required")
		} else {
			enum(v, ruleMetastore, "metastore.type", m.Type, true)
		}
		if !hive {
			v.warnf(ruleMetastore, "metastore", "add HIVE to applications or remove metastore", "metastore is only used with HIVE and is ignored")
		}
		if m.Type == MetastoreUserRDS {
			v.rds(m.RDS)
		} else if m.RDS != nil {
			v.warnf(ruleMetastore, "metastore.rds", "set metastore.type: USER_RDS or remove rds", "metastore.rds is only used with USER_RDS")
		}
	}
	if !hive {
		return
	}
	typ := c.MetastoreType()
	if typ == "" {
		v.errorf(ruleHiveMetastore, "metastore.type",
			"set metastore.type: LOCAL (NORMAL mode only), USER_RDS or DLF; RunCluster fails with 'ApplicationConfigs missing item' without it",
			"HIVE needs a metastore type (hive.metastore.type)")
	}
	if spark := sparkApp(c.Applications); spark != "" && (m == nil || m.Type == "") && typ != "" {
		// Written as raw applicationConfigs: Spark's item must be there too.
		i := rawConfigIndex(c, sparkMetastoreKey(spark))
		switch {
		case i < 0:
			v.errorf(ruleSparkMetastore, "applicationConfigs",
				fmt.Sprintf("add {application: %s, file: hive-site.xml, key: hive.metastore.type, value: %s}, or use the metastore block", spark, typ),
				"%s needs hive-site.xml hive.metastore.type, the same as HIVE's", spark)
		case c.ApplicationConfigs[i].Value != string(typ):
			v.errorf(ruleSparkMetastore, fmt.Sprintf("applicationConfigs[%d].value", i), fmt.Sprintf("set it to %s", typ),
				"%s's metastore type differs from HIVE's (%s)", spark, typ)
		}
	}
	if c.DeployMode == DeployHA && typ != MetastoreUserRDS && typ != MetastoreDLF {
		v.errorf(ruleHAMetastore, "metastore.type",
			"set metastore: {type: USER_RDS, rds: {url, username, passwordEnv, vpcId}} with an RDS MySQL in the cluster's VPC (or DLF)",
			"HA needs an external Hive metastore shared by the 3 MASTER nodes")
	}
}

func (v *validator) rds(r *RDS) {
	const p = "metastore.rds"
	if r == nil {
		v.errorf(ruleMetastoreRDS, p, "set rds: {url: jdbc:mysql://<host>:3306/<db>, username, passwordEnv, vpcId}", "USER_RDS needs the RDS connection")
		return
	}
	if v.required(ruleMetastoreRDS, p+".url", r.URL, "set url: jdbc:mysql://<host>:3306/<database>") &&
		!match(`^jdbc:mysql://[A-Za-z0-9.-]+(:\d{1,5})?/[A-Za-z0-9_$-]+(\?[^\s]*)?$`, r.URL) {
		v.errorf(ruleMetastoreRDS, p+".url", "write jdbc:mysql://<host>[:port]/<database>[?options]", "url is not a MySQL JDBC URL with a database")
	}
	if v.required(ruleMetastoreRDS, p+".username", r.Username, "set the RDS account name") &&
		!match(`^[A-Za-z][A-Za-z0-9_]{0,31}$`, r.Username) {
		v.errorf(ruleMetastoreRDS, p+".username", "use 1-32 letters, digits and '_', starting with a letter", "username is not an RDS account name")
	}
	if v.required(ruleMetastoreRDS, p+".passwordEnv", r.PasswordEnv, "set passwordEnv to the name of the environment variable holding the password, e.g. "+DefaultMetastorePasswordEnv) &&
		!validEnvName(r.PasswordEnv) {
		v.errorf(ruleMetastoreRDS, p+".passwordEnv", "write the variable's name, e.g. "+DefaultMetastorePasswordEnv+", and put the password in that variable",
			"passwordEnv must name an environment variable, not hold the password")
	}
	vpc := ""
	if v.c.Network != nil {
		vpc = v.c.Network.VpcID
	}
	switch {
	case r.VpcID == "":
		v.warnf(ruleMetastoreVPC, p+".vpcId", "confirm the RDS instance is in "+orUnset(vpc)+" and allows MySQL port 3306 from the cluster, then set rds.vpcId",
			"the RDS instance's VPC is not given")
	case v.input(ruleMetastoreVPC, p+".vpcId", validate.ID(validate.VPCID, p+".vpcId", r.VpcID)) && vpc != "" && r.VpcID != vpc:
		v.errorf(ruleMetastoreVPC, p+".vpcId", "use an RDS instance in the cluster's VPC "+vpc,
			"the RDS instance is in %s, not in the cluster's VPC %s: the metastore would be unreachable", r.VpcID, vpc)
	}
}

func orUnset(s string) string {
	if s == "" {
		return "the cluster's VPC"
	}
	return s
}

func (v *validator) ossHDFS() {
	c := v.c
	if !c.HasApplication(appOSSHDFS) {
		if c.OSSHDFS != nil {
			v.warnf(ruleOSSHDFSRoot, "ossHdfs", "add OSS-HDFS to applications or remove ossHdfs", "ossHdfs is only used with OSS-HDFS and is ignored")
		}
		return
	}
	root := ""
	path := "ossHdfs.rootUri"
	if c.OSSHDFS != nil {
		root = c.OSSHDFS.RootURI
	} else if i := rawConfigIndex(c, ossRootKey()); i >= 0 {
		root, path = c.ApplicationConfigs[i].Value, fmt.Sprintf("applicationConfigs[%d].value", i)
	}
	fix := fmt.Sprintf("enable HDFS for the bucket in the OSS console and set ossHdfs.rootUri: oss://<bucket>.%s.oss-dls.aliyuncs.com/", orRegion(c.Region))
	if root == "" {
		v.errorf(ruleOSSHDFSRoot, path, fix, "OSS-HDFS needs the bucket's root URI")
		return
	}
	m := regexpSubmatch(`^oss://([a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.([a-z0-9-]+)\.oss-dls\.aliyuncs\.com/$`, root)
	if m == nil {
		v.errorf(ruleOSSHDFSRoot, path, fix, "rootUri is not an OSS-HDFS root URI")
		return
	}
	if c.Region != "" && m[2] != c.Region {
		v.errorf(ruleOSSHDFSRoot, path, fmt.Sprintf("use a bucket in %s", c.Region), "the bucket is in %s, not in the cluster's region %s", m[2], c.Region)
	}
}

func orRegion(r string) string {
	if r == "" {
		return "<region>"
	}
	return r
}

func (v *validator) appConfigs() {
	c := v.c
	names := v.groupNames()
	type ident struct {
		app, file, key string
		scope          ConfigScope
		group          string
	}
	seen := map[ident]int{}
	for i, ac := range c.ApplicationConfigs {
		p := fmt.Sprintf("applicationConfigs[%d]", i)
		if v.required(ruleAppConfig, p+".application", ac.Application, "name the application, e.g. HDFS") && !c.HasApplication(ac.Application) {
			v.errorf(ruleAppConfig, p+".application", "add it to applications or remove this item", "%s is not in applications", ac.Application)
		}
		v.required(ruleAppConfig, p+".file", ac.File, "name the configuration file, e.g. hdfs-site.xml")
		v.required(ruleAppConfig, p+".key", ac.Key, "name the configuration item, e.g. dfs.replication")
		enum(v, ruleAppConfig, p+".scope", ac.Scope, false)
		switch {
		case ac.Scope == ScopeNodeGroup && !slices.Contains(names, ac.NodeGroupName):
			v.errorf(ruleAppConfig, p+".nodeGroupName", "use the name of one of nodeGroups", "scope NODE_GROUP needs the name of a node group")
		case ac.Scope != ScopeNodeGroup && ac.NodeGroupName != "":
			v.errorf(ruleAppConfig, p+".scope", "set scope: NODE_GROUP or remove nodeGroupName", "nodeGroupName is only used with scope NODE_GROUP")
		}
		id := ident{ac.Application, ac.File, ac.Key, ac.Scope, ac.NodeGroupName}
		if j, dup := seen[id]; dup {
			v.errorf(ruleAppConfig, p, "keep one of them", "the same item is already set at applicationConfigs[%d]", j)
		}
		seen[id] = i
		if hiveKey(keyConnectionPass).matches(ac) {
			v.errorf(ruleInlineSecret, p+".value", "remove this item and use metastore: {type: USER_RDS, rds: {passwordEnv: "+DefaultMetastorePasswordEnv+"}}",
				"a password is never written in a spec")
			continue
		}
		lower := strings.ToLower(ac.Key)
		if strings.Contains(lower, "password") || strings.Contains(lower, "secret") || strings.Contains(lower, "accesskey") {
			v.warnf(ruleInlineSecret, p+".value", "do not write secrets in a spec file; configure them on the cluster after creation",
				"%s looks like a secret", ac.Key)
		}
		for _, k := range managedKeys() {
			if !k.matches(ac) {
				continue
			}
			if k == ossRootKey() && c.OSSHDFS != nil {
				v.errorf(ruleAppConfig, p, "remove this item; ossHdfs.rootUri sets it", "OSS_ROOT_URI is set by ossHdfs.rootUri")
			} else if k != ossRootKey() && c.Metastore != nil && c.Metastore.Type != "" {
				v.errorf(ruleAppConfig, p, "remove this item; the metastore block sets it", "%s is set by the metastore block", ac.Key)
			}
		}
	}
}

func (v *validator) network() {
	c := v.c
	n := c.Network
	if n == nil {
		n = &Network{}
	}
	const fix = "see the VPC and vSwitch IDs with DescribeVpcs/DescribeVSwitches and regular security groups with DescribeSecurityGroups"
	if v.required(ruleNetwork, "network.vpcId", n.VpcID, fix) {
		v.input(ruleNetwork, "network.vpcId", validate.ID(validate.VPCID, "network.vpcId", n.VpcID))
	}
	if v.required(ruleNetwork, "network.zoneId", n.ZoneID, "set the zone of the vSwitches, e.g. cn-hangzhou-h") &&
		v.input(ruleNetwork, "network.zoneId", validate.ID(validate.ZoneID, "network.zoneId", n.ZoneID)) &&
		c.Region != "" && !strings.HasPrefix(n.ZoneID, c.Region+"-") {
		v.errorf(ruleNetwork, "network.zoneId", "use a zone of "+c.Region, "zone %s is not in region %s", n.ZoneID, c.Region)
	}
	if v.required(ruleNetwork, "network.securityGroupId", n.SecurityGroupID, "use a regular (not enterprise) security group of the VPC") {
		v.input(ruleNetwork, "network.securityGroupId", validate.ID(validate.SecurityGroupID, "network.securityGroupId", n.SecurityGroupID))
	}
	for i, id := range n.VSwitchIDs {
		p := fmt.Sprintf("network.vSwitchIds[%d]", i)
		v.input(ruleNetwork, p, validate.ID(validate.VSwitchID, p, id))
	}
	if n.RAMRole != "" && !match(`^[A-Za-z0-9._-]{1,64}$`, n.RAMRole) {
		v.errorf(ruleNetwork, "network.ramRole", "use the RAM role name, e.g. "+DefaultRAMRole, "ramRole is not a RAM role name")
	}
	if n.KeyPairName == "" && n.MasterRootPasswordEnv == "" {
		v.errorf(ruleLogin, "network.keyPairName", "set network.keyPairName (recommended) or network.masterRootPasswordEnv",
			"nodes need a login: a key pair or a root password")
	}
	if n.KeyPairName != "" {
		v.input(ruleLogin, "network.keyPairName", validate.ID(validate.KeyPairName, "network.keyPairName", n.KeyPairName))
	}
	if n.MasterRootPasswordEnv != "" && !validEnvName(n.MasterRootPasswordEnv) {
		v.errorf(ruleLogin, "network.masterRootPasswordEnv", "write the variable's name, e.g. "+DefaultRootPasswordEnv+", and put the password in that variable",
			"masterRootPasswordEnv must name an environment variable, not hold the password")
	}
}

func (v *validator) diskEncryption() {
	e := v.c.DiskEncryption
	if e == nil {
		return
	}
	if e.SystemDiskKMSKeyID != "" && !e.SystemDisk {
		v.errorf(ruleDiskEncryption, "diskEncryption.systemDiskKmsKeyId", "set systemDisk: true or remove the key ID", "a KMS key without system disk encryption")
	}
	if e.DataDiskKMSKeyID != "" && !e.DataDisk {
		v.errorf(ruleDiskEncryption, "diskEncryption.dataDiskKmsKeyId", "set dataDisk: true or remove the key ID", "a KMS key without data disk encryption")
	}
	for _, k := range []struct{ path, id string }{{"diskEncryption.systemDiskKmsKeyId", e.SystemDiskKMSKeyID}, {"diskEncryption.dataDiskKmsKeyId", e.DataDiskKMSKeyID}} {
		if k.id != "" && !match(`^[A-Za-z0-9-]{8,64}$`, k.id) {
			v.errorf(ruleDiskEncryption, k.path, "use the KMS key ID", "not a KMS key ID")
		}
	}
}

// regexpSubmatch returns the submatches of pattern in s, nil when none.
func regexpSubmatch(pattern, s string) []string { return compile(pattern).FindStringSubmatch(s) }
