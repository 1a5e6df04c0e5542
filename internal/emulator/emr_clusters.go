package emulator

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// Nominal durations on the real cloud; the clock scales them.
const (
	startingFor      = 4 * time.Minute
	bootstrappingFor = 6 * time.Minute
	infraFailAfter   = 90 * time.Second
	configFailAfter  = 7 * time.Minute
	terminatingFor   = 2 * time.Minute
	nodeStartAfter   = 30 * time.Second
	nodeRunAfter     = 2 * time.Minute
	resizeFor        = 3 * time.Minute
	nodeStopFor      = time.Minute
)

// Cluster states (SDK enum).
const (
	stateStarting             = "STARTING"
	stateBootstrapping        = "BOOTSTRAPPING"
	stateRunning              = "RUNNING"
	stateStartFailed          = "START_FAILED"
	stateTerminating          = "TERMINATING"
	stateTerminated           = "TERMINATED"
	stateTerminatedWithErrors = "TERMINATED_WITH_ERRORS"
)

// clusterState derives the state at now from the cluster's timeline.
func clusterState(c *clusterRec, now time.Time) string {
	switch {
	case reached(now, c.TerminatedAt) && c.FailCode != "" && c.DeleteAt.IsZero():
		return stateTerminatedWithErrors
	case reached(now, c.TerminatedAt):
		return stateTerminated
	case reached(now, c.DeleteAt):
		return stateTerminating
	case reached(now, c.FailAt):
		return stateStartFailed
	case reached(now, c.ReadyAt):
		return stateRunning
	case reached(now, c.BootstrapAt):
		return stateBootstrapping
	}
	return stateStarting
}

func clusterReason(c *clusterRec, state string) *emrwire.ClusterStateChangeReason {
	switch state {
	case stateStartFailed, stateTerminatedWithErrors:
		return &emrwire.ClusterStateChangeReason{Code: c.FailCode, Message: c.FailMessage}
	case stateTerminating, stateTerminated:
		return &emrwire.ClusterStateChangeReason{Code: "UserRequest", Message: "The cluster was released by a user request."}
	}
	return nil
}

// knownRAMRoles are the roles the sandbox account has.
var knownRAMRoles = []string{"AliyunECSInstanceForEMRRole", "AliyunEMRDefaultRole"}

// autoComponents are installed by the service when something needs them.
var autoComponents = map[string]bool{"ZOOKEEPER": true, "MYSQL": true, "JINDOSDK": true}

// componentDeps: every inner list must have one member selected.
var componentDeps = map[string][][]string{
	"HDFS":          {{"HADOOP-COMMON"}, {"ZOOKEEPER"}},
	"OSS-HDFS":      {{"HADOOP-COMMON"}},
	"YARN":          {{"HADOOP-COMMON"}, {"HDFS", "OSS-HDFS"}, {"ZOOKEEPER"}},
	"HIVE":          {{"YARN"}, {"HDFS", "OSS-HDFS"}, {"ZOOKEEPER"}, {"MYSQL"}},
	"TEZ":           {{"YARN"}, {"HDFS", "OSS-HDFS"}},
	"FLINK":         {{"YARN"}, {"HDFS", "OSS-HDFS"}, {"ZOOKEEPER"}, {"OPENLDAP"}},
	"HBASE":         {{"HDFS", "OSS-HDFS"}, {"ZOOKEEPER"}},
	"PHOENIX":       {{"HBASE"}},
	"SPARK3":        {{"YARN"}, {"HDFS", "OSS-HDFS"}, {"HIVE"}},
	"SPARK2":        {{"YARN"}, {"HDFS", "OSS-HDFS"}, {"HIVE"}},
	"KYUUBI":        {{"SPARK3"}, {"ZOOKEEPER"}, {"OPENLDAP"}},
	"TRINO":         {{"HADOOP-COMMON"}, {"HDFS"}, {"HIVE"}, {"OPENLDAP"}},
	"PRESTO":        {{"HADOOP-COMMON"}, {"HDFS"}, {"HIVE"}, {"OPENLDAP"}},
	"SQOOP":         {{"YARN"}, {"HIVE"}},
	"FLUME":         {{"HADOOP-COMMON"}, {"HDFS"}},
	"KNOX":          {{"HDFS"}, {"YARN"}, {"OPENLDAP"}},
	"RANGER":        {{"MYSQL"}, {"RANGER-PLUGIN"}, {"OPENLDAP"}},
	"RANGER-PLUGIN": {{"HDFS"}},
	"CLICKHOUSE":    {{"ZOOKEEPER"}},
}

var exclusive = [][2]string{{"SPARK2", "SPARK3"}, {"HDFS", "OSS-HDFS"}, {"STARROCKS2", "STARROCKS3"}}

func registerClusters(s *Server) error {
	for _, h := range []struct {
		name  string
		write bool
		fn    handlerFunc
	}{
		{"RunCluster", true, runCluster},
		{"CreateCluster", true, createClusterFlat},
		{"GetCluster", false, getCluster},
		{"ListClusters", false, listClusters},
		{"ListApplications", false, listApplications},
		{"UpdateClusterAttribute", true, updateClusterAttribute},
		{"UpdateClusterAutoRenew", true, updateClusterAutoRenew},
		{"GetClusterCloneMeta", false, getClusterCloneMeta},
		{"DeleteCluster", true, deleteCluster},
		{"ListReleaseVersions", false, listReleaseVersions},
		{"ListInstanceTypes", false, listInstanceTypes},
	} {
		if err := s.handle("emr-20210320", h.name, h.write, h.fn); err != nil {
			return err
		}
	}
	return nil
}

func runCluster(c *call, w *World) (any, error) {
	var req emrwire.RunClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	return createCluster(c, w, &req)
}

func createClusterFlat(c *call, w *World) (any, error) {
	var req emrwire.RunClusterRequest // same members as CreateClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	return createCluster(c, w, &req)
}

// createCluster checks what the service checks at once, decides how the
// cluster will end (RUNNING, or START_FAILED for the problems the real
// service finds only while creating) and records the timeline.
func createCluster(c *call, w *World, req *emrwire.RunClusterRequest) (any, error) {
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	rel, apps, err := checkCreateRequest(reg, req)
	if err != nil {
		return nil, err
	}
	plan := planNodes(reg, req)
	fail := infraProblem(reg, req, plan)
	failAfter := infraFailAfter
	if fail == nil {
		fail = configProblem(req, apps)
		failAfter = configFailAfter
	}
	now := c.now
	cl := &clusterRec{
		ID: w.newID("c-", 16), Region: reg.ID, Name: req.ClusterName, Type: req.ClusterType,
		Release: rel.Version, DeployMode: orDefault(req.DeployMode, "NORMAL"),
		PaymentType: orDefault(req.PaymentType, "PayAsYouGo"), SecurityMode: orDefault(req.SecurityMode, "NORMAL"),
		Description: req.Description, ResourceGroupID: req.ResourceGroupId,
		DeletionProtection: boolv(req.DeletionProtection), NodeAttributes: withoutPassword(*req.NodeAttributes),
		Applications: apps, Requested: appNames(req.Applications), ApplicationConfigs: redactConfigs(req.ApplicationConfigs), BootstrapScripts: req.BootstrapScripts,
		Tags: req.Tags, Subscription: req.SubscriptionConfig, CreatedAt: now,
		BootstrapAt: now.Add(c.scale(startingFor)), ReadyAt: now.Add(c.scale(startingFor + bootstrappingFor)),
	}
	if cl.NodeAttributes.RamRole == "" {
		cl.NodeAttributes.RamRole = "AliyunECSInstanceForEMRRole"
	}
	if cl.PaymentType == "Subscription" {
		cl.ExpireAt = now.Add(subscriptionLength(req.SubscriptionConfig))
	}
	op := &operationRec{ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "CREATE_CLUSTER", Description: "Create cluster " + cl.Name, CreatedAt: now, DoneAt: cl.ReadyAt}
	if fail != nil {
		cl.FailAt = now.Add(c.scale(failAfter))
		cl.FailCode, cl.FailMessage = fail.code, fail.message
		op.DoneAt, op.FailCode, op.FailMessage = cl.FailAt, fail.code, fail.message
	}
	cl.CreateOperation = op.ID
	w.Clusters.Put(cl.ID, cl)
	w.Operations.Put(op.ID, op)
	for i := range req.NodeGroups {
		g := &nodeGroupRec{ID: w.newID("ng-", 16), ClusterID: cl.ID, Config: req.NodeGroups[i], ZoneID: req.NodeAttributes.ZoneId, CreatedAt: now}
		if g.Config.PaymentType == "" {
			g.Config.PaymentType = cl.PaymentType
		}
		if g.Config.NodeGroupName == "" {
			g.Config.NodeGroupName = strings.ToLower(g.Config.NodeGroupType)
		}
		w.NodeGroups.Put(g.ID, g)
		if fail != nil && failAfter == infraFailAfter {
			continue // the instances were never created
		}
		runAt := cl.ReadyAt.Add(-c.scale(bootstrappingFor))
		nodes := addNodes(c, w, reg, cl, g, plan[i].instanceType, int(i64(g.Config.NodeCount)), now, runAt)
		if fail != nil {
			for _, n := range nodes {
				n.StoppingAt, n.TerminatedAt = cl.FailAt, cl.FailAt
				releaseCapacity(reg, n)
			}
		}
	}
	return &emrwire.RunClusterResponse{ClusterId: cl.ID, OperationId: op.ID, RequestId: c.requestID}, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func subscriptionLength(sc *emrwire.SubscriptionConfig) time.Duration {
	if sc == nil {
		return 0
	}
	months := i64(sc.PaymentDuration)
	if sc.PaymentDurationUnit == "Year" {
		months *= 12
	}
	return time.Duration(months) * 30 * 24 * time.Hour
}

// checkCreateRequest returns the errors the service reports synchronously.
func checkCreateRequest(reg *regionRec, req *emrwire.RunClusterRequest) (releaseInfo, []string, error) {
	if n := len([]rune(req.ClusterName)); n < 1 || n > 128 {
		return releaseInfo{}, nil, errInvalidParameter("ClusterName must be 1 to 128 characters, got %d", n)
	}
	if _, ok := typeComponents[req.ClusterType]; !ok {
		return releaseInfo{}, nil, errInvalidParameter("ClusterType %q is not valid; use one of DATALAKE, OLAP, DATAFLOW, DATASERVING, CUSTOM", req.ClusterType)
	}
	rel, ok := reg.release(req.ClusterType, req.ReleaseVersion)
	if !ok {
		return releaseInfo{}, nil, errInvalidParameter("ReleaseVersion %q is not available for %s clusters in %s; call ListReleaseVersions", req.ReleaseVersion, req.ClusterType, reg.ID)
	}
	if m := req.DeployMode; m != "" && m != "NORMAL" && m != "HA" {
		return rel, nil, errInvalidParameter("DeployMode %q is not valid; use NORMAL or HA", m)
	}
	if p := req.PaymentType; p != "" && p != "PayAsYouGo" && p != "Subscription" {
		return rel, nil, errInvalidParameter("PaymentType %q is not valid; use PayAsYouGo or Subscription", p)
	}
	if req.PaymentType == "Subscription" && (req.SubscriptionConfig == nil || req.SubscriptionConfig.PaymentDuration == nil) {
		return rel, nil, errInvalidParameter("SubscriptionConfig.PaymentDuration is required when PaymentType is Subscription")
	}
	if err := checkNodeAttributes(reg, req.NodeAttributes); err != nil {
		return rel, nil, err
	}
	apps, err := checkApplications(req.ClusterType, rel, req.Applications)
	if err != nil {
		return rel, nil, err
	}
	if err := checkNodeGroups(reg, req.NodeGroups); err != nil {
		return rel, nil, err
	}
	for i, s := range req.BootstrapScripts {
		if !strings.HasPrefix(s.ScriptPath, "oss://") {
			return rel, nil, errInvalidParameter("BootstrapScripts.%d.ScriptPath must be an oss:// path, got %q", i+1, s.ScriptPath)
		}
	}
	return rel, apps, nil
}

func checkNodeAttributes(reg *regionRec, na *emrwire.NodeAttributes) error {
	if na == nil {
		return errMissing("MissingVpcId", "NodeAttributes.VpcId is mandatory: pass NodeAttributes with VpcId, ZoneId and SecurityGroupId")
	}
	for _, f := range []struct{ name, v string }{{"VpcId", na.VpcId}, {"ZoneId", na.ZoneId}, {"SecurityGroupId", na.SecurityGroupId}} {
		if f.v == "" {
			return errMissing("Missing"+f.name, "NodeAttributes.%s is mandatory", f.name)
		}
	}
	if !reg.zone(na.ZoneId) {
		return errInvalidParameter("NodeAttributes.ZoneId %q is not a zone of %s", na.ZoneId, reg.ID)
	}
	return nil
}

// checkApplications validates names, exclusions and dependencies and
// returns the installed list (with the automatically added components).
func checkApplications(clusterType string, rel releaseInfo, list []emrwire.Application) ([]string, error) {
	if len(list) == 0 {
		return nil, errMissing("MissingParameter", "Applications is mandatory: select at least one application")
	}
	sel := map[string]bool{}
	for i, a := range list {
		if _, ok := rel.Components[a.ApplicationName]; !ok && !autoComponents[a.ApplicationName] {
			return nil, errInvalidParameter("Applications.%d.ApplicationName %q is not available for %s clusters of %s", i+1, a.ApplicationName, clusterType, rel.Version)
		}
		if sel[a.ApplicationName] {
			return nil, errInvalidParameter("Applications.%d.ApplicationName %q is selected twice", i+1, a.ApplicationName)
		}
		sel[a.ApplicationName] = true
	}
	for _, pair := range exclusive {
		if sel[pair[0]] && sel[pair[1]] {
			return nil, errInvalidParameter("Applications %s and %s are mutually exclusive; select one", pair[0], pair[1])
		}
	}
	names := make([]string, 0, len(sel))
	for n := range sel {
		names = append(names, n)
	}
	sort.Strings(names)
	added := map[string]bool{}
	for _, n := range names {
		for _, anyOf := range componentDeps[n] {
			if hasAny(sel, anyOf) {
				continue
			}
			if len(anyOf) == 1 && autoComponents[anyOf[0]] {
				added[anyOf[0]] = true
				continue
			}
			return nil, errInvalidParameter("Application %s requires %s; add it to Applications", n, strings.Join(anyOf, " or "))
		}
	}
	for n := range added {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func hasAny(sel map[string]bool, names []string) bool {
	for _, n := range names {
		if sel[n] {
			return true
		}
	}
	return false
}

var validGroupTypes = map[string]bool{"MASTER": true, "CORE": true, "TASK": true, "GATEWAY": true, "MASTER-EXTEND": true}

func checkNodeGroups(reg *regionRec, groups []emrwire.NodeGroupConfig) error {
	if len(groups) == 0 {
		return errMissing("MissingParameter", "NodeGroups is mandatory")
	}
	masters := 0
	names := map[string]bool{}
	for i, g := range groups {
		p := fmt.Sprintf("NodeGroups.%d", i+1)
		if err := checkGroupConfig(reg, p, &g); err != nil {
			return err
		}
		if g.NodeGroupType == "MASTER" {
			masters++
		}
		if g.NodeGroupName != "" {
			if names[g.NodeGroupName] {
				return errInvalidParameter("%s.NodeGroupName %q is used by another node group", p, g.NodeGroupName)
			}
			names[g.NodeGroupName] = true
		}
	}
	if masters != 1 {
		return errInvalidParameter("NodeGroups must contain exactly one MASTER node group, got %d", masters)
	}
	return nil
}

// checkGroupConfig validates one node group configuration (RunCluster and
// CreateNodeGroup).
func checkGroupConfig(reg *regionRec, p string, g *emrwire.NodeGroupConfig) error {
	if !validGroupTypes[g.NodeGroupType] {
		return errInvalidParameter("%s.NodeGroupType %q is not valid; use MASTER, CORE, TASK, GATEWAY or MASTER-EXTEND", p, g.NodeGroupType)
	}
	if len(g.VSwitchIds) == 0 {
		return errInvalidParameter("VSwitchIds is not valid: %s.VSwitchIds must list the vSwitch of the node group", p)
	}
	if len(g.InstanceTypes) == 0 {
		return errInvalidParameter("%s.InstanceTypes must list at least one instance type", p)
	}
	for j, t := range g.InstanceTypes {
		if _, ok := reg.instanceType(t); !ok {
			return errDenied("InvalidResourceType.NotSupported", "%s.InstanceTypes.%d %q is not offered in %s; call ListInstanceTypes", p, j+1, t, reg.ID)
		}
	}
	if g.NodeCount == nil {
		return errMissing("MissingNodeCount", "%s.NodeCount is mandatory", p)
	}
	if n := *g.NodeCount; n < 0 || n > 1000 || (n == 0 && g.NodeGroupType == "MASTER") {
		return errInvalidParameter("%s.NodeCount must be 1 to 1000 (0 allowed for TASK), got %d", p, n)
	}
	for j, d := range g.DataDisks {
		if !validDiskCategory[d.Category] {
			return errInvalidParameter("%s.DataDisks.%d.Category %q is not a disk category", p, j+1, d.Category)
		}
	}
	if g.SystemDisk != nil && g.SystemDisk.Category != "" && !validDiskCategory[g.SystemDisk.Category] {
		return errInvalidParameter("%s.SystemDisk.Category %q is not a disk category", p, g.SystemDisk.Category)
	}
	if g.SpotStrategy == "SpotWithPriceLimit" && len(g.SpotBidPrices) == 0 {
		return errInvalidParameter("%s.SpotBidPrices is required when SpotStrategy is SpotWithPriceLimit", p)
	}
	return nil
}

var validDiskCategory = map[string]bool{
	"cloud_essd": true, "cloud_ssd": true, "cloud_efficiency": true, "cloud_auto": true, "cloud": true,
	"local_hdd_pro": true, "local_ssd_pro": true, "local_disk": true, "cloud_essd_entry": true,
}

// groupPlan is the instance type a node group will get.
type groupPlan struct {
	instanceType string
	inStock      bool
}

// planNodes picks, for each node group, the first instance type with
// enough stock in the zone.
func planNodes(reg *regionRec, req *emrwire.RunClusterRequest) []groupPlan {
	zone := req.NodeAttributes.ZoneId
	need := map[string]int{}
	plans := make([]groupPlan, len(req.NodeGroups))
	for i, g := range req.NodeGroups {
		n := int(i64(g.NodeCount))
		plans[i] = groupPlan{instanceType: g.InstanceTypes[0]}
		for _, t := range g.InstanceTypes {
			if reg.Stock[zone][t]-need[t] >= n {
				plans[i] = groupPlan{instanceType: t, inStock: true}
				need[t] += n
				break
			}
		}
	}
	return plans
}

type failure struct{ code, message string }

// infraProblem finds what makes the instances impossible to create: the
// network, the security group, the key pair, stock and IP addresses.
func infraProblem(reg *regionRec, req *emrwire.RunClusterRequest, plan []groupPlan) *failure {
	na := req.NodeAttributes
	if _, ok := reg.vpc(na.VpcId); !ok {
		return &failure{"ValidationFail", fmt.Sprintf("InvalidVpcId.NotFound: VPC %s does not exist in %s", na.VpcId, reg.ID)}
	}
	sg, ok := reg.securityGroup(na.SecurityGroupId)
	switch {
	case !ok:
		return &failure{"ValidationFail", fmt.Sprintf("InvalidSecurityGroupId.NotFound: security group %s does not exist in %s", na.SecurityGroupId, reg.ID)}
	case sg.Type == "enterprise":
		return &failure{"ValidationFail", fmt.Sprintf("InvalidSecurityGroupType.NotSupported: security group %s is an enterprise security group; EMR supports only basic (normal) security groups", sg.ID)}
	case sg.VpcID != na.VpcId:
		return &failure{"ValidationFail", fmt.Sprintf("InvalidSecurityGroupId.VpcMismatch: security group %s belongs to %s, not %s", sg.ID, sg.VpcID, na.VpcId)}
	}
	if na.KeyPairName != "" && !reg.keyPair(na.KeyPairName) {
		return &failure{"ValidationFail", fmt.Sprintf("InvalidKeyPairName.NotFound: key pair %s does not exist in %s", na.KeyPairName, reg.ID)}
	}
	if na.RamRole != "" && !contains(knownRAMRoles, na.RamRole) {
		return &failure{"NotAuthorized", fmt.Sprintf("EntityNotExist.Role: RAM role %s does not exist; create AliyunECSInstanceForEMRRole", na.RamRole)}
	}
	ips := map[string]int{}
	for i, g := range req.NodeGroups {
		if f := groupNetworkProblem(reg, na, g); f != nil {
			return f
		}
		ips[g.VSwitchIds[0]] += int(i64(g.NodeCount))
		if !plan[i].inStock {
			return &failure{"OutOfStock", fmt.Sprintf("The instance types %s are out of stock in zone %s (node group %s needs %d)", strings.Join(g.InstanceTypes, ", "), na.ZoneId, groupLabel(g, i), i64(g.NodeCount))}
		}
		if f := diskProblem(reg, g, plan[i].instanceType); f != nil {
			return f
		}
	}
	for id, n := range ips {
		vsw, _ := reg.vswitch(id)
		if n > vsw.AvailableIPs {
			return &failure{"QuotaExceeded", fmt.Sprintf("InvalidVSwitchId.IpNotEnough: vSwitch %s has %d free IP addresses, the cluster needs %d", id, vsw.AvailableIPs, n)}
		}
	}
	return nil
}

func groupLabel(g emrwire.NodeGroupConfig, i int) string {
	if g.NodeGroupName != "" {
		return g.NodeGroupName
	}
	return fmt.Sprintf("%d (%s)", i+1, g.NodeGroupType)
}

func groupNetworkProblem(reg *regionRec, na *emrwire.NodeAttributes, g emrwire.NodeGroupConfig) *failure {
	for _, id := range g.VSwitchIds {
		vsw, ok := reg.vswitch(id)
		switch {
		case !ok:
			return &failure{"ValidationFail", fmt.Sprintf("InvalidVSwitchId.NotFound: vSwitch %s does not exist in %s", id, reg.ID)}
		case vsw.VpcID != na.VpcId:
			return &failure{"ValidationFail", fmt.Sprintf("InvalidVSwitchId.VpcMismatch: vSwitch %s belongs to %s, not %s", id, vsw.VpcID, na.VpcId)}
		case vsw.ZoneID != na.ZoneId:
			return &failure{"ValidationFail", fmt.Sprintf("InvalidVSwitchId.ZoneMismatch: vSwitch %s is in zone %s but NodeAttributes.ZoneId is %s", id, vsw.ZoneID, na.ZoneId)}
		}
	}
	return nil
}

func diskProblem(reg *regionRec, g emrwire.NodeGroupConfig, instanceType string) *failure {
	it, _ := reg.instanceType(instanceType)
	if !it.OldFamily {
		return nil
	}
	for _, d := range g.DataDisks {
		if d.Category == "cloud_essd" && i64(d.Count) < 4 {
			return &failure{"ValidationFail", fmt.Sprintf("dataDiskCount is not supported: %s does not take %d cloud_essd data disk(s); use cloud_efficiency or Count 4 or more", instanceType, i64(d.Count))}
		}
	}
	return nil
}

// configProblem finds what fails while the services are installed.
func configProblem(req *emrwire.RunClusterRequest, apps []string) *failure {
	sel := map[string]bool{}
	for _, a := range apps {
		sel[a] = true
	}
	ha := req.DeployMode == "HA"
	masters := int64(0)
	for _, g := range req.NodeGroups {
		if g.NodeGroupType == "MASTER" {
			masters = i64(g.NodeCount)
		}
	}
	hiveType := appConfig(req.ApplicationConfigs, "HIVE", "hive.metastore.type")
	switch {
	case ha && masters != 3:
		return &failure{"ValidationFail", fmt.Sprintf("HA clusters need 3 MASTER nodes, got %d", masters)}
	case !ha && masters != 1:
		return &failure{"ValidationFail", fmt.Sprintf("NORMAL clusters need 1 MASTER node, got %d", masters)}
	case ha && !explicitApp(req.Applications, "ZOOKEEPER"):
		return &failure{"ValidationFail", "HA clusters need ZOOKEEPER for master failover; add it to Applications"}
	case sel["HIVE"] && hiveType == "":
		return &failure{"ValidationFail", "ApplicationConfigs missing item: HIVE hivemetastore-site.xml hive.metastore.type (LOCAL, USER_RDS or DLF)"}
	case ha && sel["HIVE"] && hiveType == "LOCAL":
		return &failure{"ValidationFail", "HA clusters need an external Hive metastore (USER_RDS or DLF); LOCAL keeps metadata on one MASTER"}
	case ha && hiveType == "USER_RDS" && appConfig(req.ApplicationConfigs, "HIVE", "javax.jdo.option.ConnectionURL") == "":
		return &failure{"ValidationFail", "ApplicationConfigs missing item: HIVE javax.jdo.option.ConnectionURL for the USER_RDS metastore"}
	case sel["OSS-HDFS"] && appConfig(req.ApplicationConfigs, "OSS-HDFS", "OSS_ROOT_URI") == "":
		return &failure{"ValidationFail", "ApplicationConfigs missing item: OSS-HDFS common.conf OSS_ROOT_URI (oss://<bucket>.<region>.oss-dls.aliyuncs.com/)"}
	}
	for _, spark := range []string{"SPARK3", "SPARK2"} {
		if !sel[spark] || !sel["HIVE"] {
			continue
		}
		if st := appConfig(req.ApplicationConfigs, spark, "hive.metastore.type"); st != hiveType {
			return &failure{"ValidationFail", fmt.Sprintf("ApplicationConfigs: %s hive-site.xml hive.metastore.type is %q but HIVE uses %q; they must match", spark, st, hiveType)}
		}
	}
	return nil
}

func appNames(list []emrwire.Application) []string {
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.ApplicationName
	}
	return out
}

func explicitApp(list []emrwire.Application, name string) bool {
	for _, a := range list {
		if a.ApplicationName == name {
			return true
		}
	}
	return false
}

func appConfig(cfgs []emrwire.ApplicationConfig, app, key string) string {
	for _, c := range cfgs {
		if c.ApplicationName == app && c.ConfigItemKey == key {
			return c.ConfigItemValue
		}
	}
	return ""
}

func (c *call) cluster(w *World, id string) (*clusterRec, error) {
	if id == "" {
		return nil, errMissing("MissingParameter", "ClusterId is mandatory for this action")
	}
	cl, ok := w.Clusters.Get(id)
	if !ok || cl.Region != c.region {
		return nil, errNotFound("ClusterNotFound", "cluster %s does not exist in %s; call ListClusters to find the ID", id, c.region)
	}
	return cl, nil
}

func clusterView(c *clusterRec, now time.Time) *emrwire.Cluster {
	state := clusterState(c, now)
	na := c.NodeAttributes
	na.MasterRootPassword = ""
	ready, end := clusterTimes(c, state, now)
	return &emrwire.Cluster{
		ClusterId: c.ID, ClusterName: c.Name, ClusterState: state, ClusterType: c.Type,
		CreateTime: millis(c.CreatedAt), DeletionProtection: ptr(c.DeletionProtection), DeployMode: c.DeployMode,
		Description: c.Description, EmrDefaultRole: "AliyunEMRDefaultRole", NodeAttributes: &na,
		PaymentType: c.PaymentType, RegionId: c.Region, ReleaseVersion: c.Release, ResourceGroupId: c.ResourceGroupID,
		SecurityMode: c.SecurityMode, StateChangeReason: clusterReason(c, state), SubscriptionConfig: c.Subscription,
		Tags: c.Tags, ReadyTime: ready, EndTime: end, ExpireTime: millis(c.ExpireAt),
	}
}

// clusterSummary is the ListClusters entry: the fields of clusterView it
// shares, built directly (a list builds one per cluster of the page).
func clusterSummary(c *clusterRec, now time.Time) emrwire.ClusterSummary {
	state := clusterState(c, now)
	ready, end := clusterTimes(c, state, now)
	return emrwire.ClusterSummary{
		ClusterId: c.ID, ClusterName: c.Name, ClusterState: state, ClusterType: c.Type,
		CreateTime: millis(c.CreatedAt), DeletionProtection: ptr(c.DeletionProtection), Description: c.Description,
		EmrDefaultRole: "AliyunEMRDefaultRole", EndTime: end, ExpireTime: millis(c.ExpireAt), PaymentType: c.PaymentType,
		ReadyTime: ready, ReleaseVersion: c.Release, ResourceGroupId: c.ResourceGroupID,
		StateChangeReason: clusterReason(c, state), Tags: c.Tags,
	}
}

// clusterTimes returns ReadyTime and EndTime for a cluster in state.
func clusterTimes(c *clusterRec, state string, now time.Time) (ready, end *int64) {
	if state == stateRunning || (reached(now, c.ReadyAt) && c.FailAt.IsZero()) {
		ready = millis(c.ReadyAt)
	}
	if reached(now, c.TerminatedAt) {
		end = millis(c.TerminatedAt)
	} else if reached(now, c.FailAt) {
		end = millis(c.FailAt)
	}
	return ready, end
}

func getCluster(c *call, w *World) (any, error) {
	var req emrwire.GetClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	return &emrwire.GetClusterResponse{Cluster: clusterView(cl, c.now), RequestId: c.requestID}, nil
}

// terminatedVisibleFor is how long deleted clusters stay listed.
const terminatedVisibleFor = 30 * 24 * time.Hour

func listClusters(c *call, w *World) (any, error) {
	var req emrwire.ListClustersRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	if _, err := c.regionOf(w); err != nil {
		return nil, err
	}
	kr, err := emrKeyset(req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	keep := func(cl *clusterRec) bool { return cl.Region == c.region && clusterMatches(cl, &req, c.now) }
	walk := clusterWalker(w, c.region, req.ClusterIds)
	total := kr.total
	if total < 0 {
		total = countClusters(w, c.region, &req, c.now, walk, keep)
	}
	matched, next := keysetPage(walk, kr, total, keep)
	envelope := &emrwire.ListClustersResponse{MaxResults: ptr(kr.max), NextToken: next, RequestId: c.requestID, TotalCount: ptr(total)}
	plain := func() any {
		full := *envelope
		full.Clusters = make([]emrwire.ClusterSummary, 0, len(matched))
		for _, cl := range matched {
			full.Clusters = append(full.Clusters, clusterSummary(cl, c.now))
		}
		return &full
	}
	if c.route == nil {
		return plain(), nil
	}
	items, err := w.encodedSummaries(matched, c.now, func(cl *clusterRec) ([]byte, error) {
		return encodeSummary(c.route, clusterSummary(cl, c.now))
	})
	if err != nil {
		return nil, err
	}
	return &splicedList{envelope: envelope, prefix: clustersPrefix, items: items, plain: plain}, nil
}

// countClusters is the first page's TotalCount. Without a filter beyond
// the region (the common case) it counts the region's clusters not
// hidden, a cheap check on each; a filtered request matches each cluster.
func countClusters(w *World, region string, req *emrwire.ListClustersRequest, now time.Time, walk walker[clusterRec], keep func(*clusterRec) bool) int64 {
	if clusterFilters(req) {
		return countMatches(walk, keep)
	}
	return int64(w.clustersByRegion.Count(region, func(cl *clusterRec) bool { return !clusterHidden(cl, now) }))
}

// clusterFilters reports whether a request filters beyond the region.
func clusterFilters(req *emrwire.ListClustersRequest) bool {
	return len(req.ClusterIds) > 0 || req.ClusterName != "" || len(req.ClusterStates) > 0 || len(req.ClusterTypes) > 0 ||
		len(req.PaymentTypes) > 0 || req.ResourceGroupId != "" || len(req.Tags) > 0
}

// clusterWalker walks the clusters of a region newest first (ties by ID),
// or only the named ones when the request names some.
func clusterWalker(w *World, region string, ids []string) walker[clusterRec] {
	if len(ids) == 0 {
		return func(after *indexKey, fn func(indexKey, *clusterRec) bool) {
			w.clustersByRegion.Walk(region, after, fn)
		}
	}
	var keys []indexKey
	var rows []*clusterRec
	seen := map[string]bool{}
	for _, id := range ids {
		cl, ok := w.Clusters.Get(id)
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		keys, rows = append(keys, w.clustersByRegion.Key(id, cl)), append(rows, cl)
	}
	return sliceWalker(byKeys(keys, rows))
}

func clusterMatches(cl *clusterRec, req *emrwire.ListClustersRequest, now time.Time) bool {
	if clusterHidden(cl, now) {
		return false
	}
	switch {
	case len(req.ClusterIds) > 0 && !contains(req.ClusterIds, cl.ID),
		req.ClusterName != "" && !strings.Contains(cl.Name, req.ClusterName),
		len(req.ClusterStates) > 0 && !contains(req.ClusterStates, clusterState(cl, now)),
		len(req.ClusterTypes) > 0 && !contains(req.ClusterTypes, cl.Type),
		len(req.PaymentTypes) > 0 && !contains(req.PaymentTypes, cl.PaymentType),
		req.ResourceGroupId != "" && req.ResourceGroupId != cl.ResourceGroupID:
		return false
	}
	for _, t := range req.Tags {
		if !hasTag(cl.Tags, t) {
			return false
		}
	}
	return true
}

// clusterHidden reports a cluster no list shows any more: TERMINATED more
// than terminatedVisibleFor ago. It is clusterState's TERMINATED case
// without deriving the whole state (TERMINATED_WITH_ERRORS stays listed).
func clusterHidden(cl *clusterRec, now time.Time) bool {
	if cl.TerminatedAt.IsZero() || now.Sub(cl.TerminatedAt) <= terminatedVisibleFor {
		return false
	}
	return cl.FailCode == "" || !cl.DeleteAt.IsZero()
}

func hasTag(tags []emrwire.Tag, t emrwire.Tag) bool {
	for _, x := range tags {
		if x.Key == t.Key && (t.Value == "" || x.Value == t.Value) {
			return true
		}
	}
	return false
}

func listApplications(c *call, w *World) (any, error) {
	var req emrwire.ListApplicationsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	reg, _ := w.region(cl.Region)
	rel, _ := reg.release(cl.Type, cl.Release)
	state := "STOPPED"
	if clusterState(cl, c.now) == stateRunning {
		state = "RUNNING"
	}
	var apps []string
	for _, a := range cl.Applications {
		if len(req.ApplicationNames) == 0 || contains(req.ApplicationNames, a) {
			apps = append(apps, a)
		}
	}
	pg, err := paginate(len(apps), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	resp := &emrwire.ListApplicationsResponse{MaxResults: ptr(pg.max), NextToken: pg.next, RequestId: c.requestID, TotalCount: ptr(int64(len(apps)))}
	for _, a := range apps[pg.start:pg.end] {
		v := rel.Components[a]
		if v == "" {
			v = components5[a]
		}
		resp.Applications = append(resp.Applications, emrwire.ListApplicationsResponseApplicationsItem{
			ApplicationName: a, ApplicationState: state, ApplicationVersion: v, CommunityVersion: v,
		})
	}
	return resp, nil
}

func updateClusterAttribute(c *call, w *World) (any, error) {
	var req emrwire.UpdateClusterAttributeRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if st := clusterState(cl, c.now); st == stateTerminated || st == stateTerminating {
		return nil, errDenied("OperationDenied.ClusterStatus", "cluster %s is %s; attributes cannot change", cl.ID, st)
	}
	if req.ClusterName != "" {
		if n := len([]rune(req.ClusterName)); n > 128 {
			return nil, errInvalidParameter("ClusterName must be 1 to 128 characters, got %d", n)
		}
		cl.Name = req.ClusterName
	}
	if req.Description != "" {
		cl.Description = req.Description
	}
	if req.DeletionProtection != nil {
		cl.DeletionProtection = *req.DeletionProtection
	}
	return &emrwire.UpdateClusterAttributeResponse{RequestId: c.requestID}, nil
}

func updateClusterAutoRenew(c *call, w *World) (any, error) {
	var req emrwire.UpdateClusterAutoRenewRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	if cl.PaymentType != "Subscription" {
		return nil, errDenied("OperationDenied", "cluster %s is %s; auto-renewal applies only to Subscription clusters", cl.ID, cl.PaymentType)
	}
	if u := req.ClusterAutoRenewDurationUnit; u != "" && u != "Month" && u != "Year" {
		return nil, errInvalidParameter("ClusterAutoRenewDurationUnit %q is not valid; use Month or Year", u)
	}
	saved := req
	saved.RegionId = ""
	cl.AutoRenew = &saved
	if cl.Subscription != nil && req.ClusterAutoRenew != nil {
		cl.Subscription.AutoRenew = req.ClusterAutoRenew
		if req.ClusterAutoRenewDuration != nil {
			cl.Subscription.AutoRenewDuration = req.ClusterAutoRenewDuration
			cl.Subscription.AutoRenewDurationUnit = orDefault(req.ClusterAutoRenewDurationUnit, "Month")
		}
	}
	if boolv(req.RenewAllInstances) {
		for _, n := range w.nodesByCluster.Select(cl.ID, nil) {
			n.AutoRenew = boolv(req.ClusterAutoRenew)
		}
	}
	for _, ai := range req.AutoRenewInstances {
		if n, ok := w.Nodes.Get(ai.InstanceId); ok && n.ClusterID == cl.ID {
			n.AutoRenew = boolv(ai.AutoRenew)
		}
	}
	return &emrwire.UpdateClusterAutoRenewResponse{RequestId: c.requestID, Success: ptr(true)}, nil
}

func getClusterCloneMeta(c *call, w *World) (any, error) {
	var req emrwire.GetClusterCloneMetaRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	_, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	na := cl.NodeAttributes
	na.MasterRootPassword = ""
	meta := &emrwire.GetClusterCloneMetaResponseClusterCloneMeta{
		ApplicationConfigs: redactConfigs(cl.ApplicationConfigs), BootstrapScripts: cl.BootstrapScripts,
		ClusterId: cl.ID, ClusterName: cl.Name, ClusterState: clusterState(cl, c.now), ClusterType: cl.Type,
		DeletionProtection: ptr(cl.DeletionProtection), DeployMode: cl.DeployMode, EmrDefaultRole: "AliyunEMRDefaultRole",
		ExistCloneConfig: ptr(true), NodeAttributes: &na, PaymentType: cl.PaymentType, RegionId: cl.Region,
		ReleaseVersion: cl.Release, ResourceGroupId: cl.ResourceGroupID, SecurityMode: cl.SecurityMode,
		SubscriptionConfig: cl.Subscription, Tags: cl.Tags,
	}
	for _, a := range cl.Requested {
		meta.Applications = append(meta.Applications, emrwire.Application{ApplicationName: a})
	}
	for _, g := range groupsOf(w, cl.ID) {
		meta.NodeGroups = append(meta.NodeGroups, nodeGroupView(w, g, cl, c.now))
	}
	return &emrwire.GetClusterCloneMetaResponse{ClusterCloneMeta: meta, RequestId: c.requestID}, nil
}

// withoutPassword drops the root password: the API never returns it, so
// the sandbox's state file need not keep it.
func withoutPassword(na emrwire.NodeAttributes) emrwire.NodeAttributes {
	na.MasterRootPassword = ""
	return na
}

// redactConfigs hides password values, as the real service does; the
// sandbox stores them hidden too.
func redactConfigs(cfgs []emrwire.ApplicationConfig) []emrwire.ApplicationConfig {
	out := make([]emrwire.ApplicationConfig, len(cfgs))
	for i, c := range cfgs {
		if strings.Contains(strings.ToLower(c.ConfigItemKey), "password") {
			c.ConfigItemValue = ""
		}
		out[i] = c
	}
	return out
}

func deleteCluster(c *call, w *World) (any, error) {
	var req emrwire.DeleteClusterRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, cl, err := c.clusterFor(w, req.ClusterId)
	if err != nil {
		return nil, err
	}
	switch st := clusterState(cl, c.now); st {
	case stateTerminating, stateTerminated, stateTerminatedWithErrors:
		return nil, errDenied("OperationDenied.ClusterStatus", "cluster %s is already %s", cl.ID, st)
	case stateStarting, stateBootstrapping:
		return nil, errDenied("OperationDenied.ClusterStatus", "cluster %s is %s; wait until it is RUNNING or START_FAILED", cl.ID, st)
	}
	if cl.DeletionProtection {
		return nil, errDenied("OperationDenied.DeletionProtection", "cluster %s has deletion protection enabled; disable it first with UpdateClusterAttribute", cl.ID)
	}
	if cl.PaymentType == "Subscription" && c.now.Before(cl.ExpireAt) {
		return nil, errDenied("OperationDenied.Subscription", "cluster %s is a Subscription cluster that has not expired; release it in the console", cl.ID)
	}
	cl.DeleteAt = c.now
	cl.TerminatedAt = c.now.Add(c.scale(terminatingFor))
	for _, n := range w.nodesByCluster.Select(cl.ID, func(n *nodeRec) bool { return n.TerminatedAt.IsZero() }) {
		n.StoppingAt, n.TerminatedAt = c.now, cl.TerminatedAt
		releaseCapacity(reg, n)
	}
	op := &operationRec{ID: w.newID("op-", 16), ClusterID: cl.ID, Type: "RELEASE_CLUSTER", CreatedAt: c.now, DoneAt: cl.TerminatedAt}
	w.Operations.Put(op.ID, op)
	return &emrwire.DeleteClusterResponse{OperationId: op.ID, RequestId: c.requestID}, nil
}

func listReleaseVersions(c *call, w *World) (any, error) {
	var req emrwire.ListReleaseVersionsRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if _, ok := typeComponents[req.ClusterType]; !ok {
		return nil, errInvalidParameter("ClusterType %q is not valid; use one of DATALAKE, OLAP, DATAFLOW, DATASERVING, CUSTOM", req.ClusterType)
	}
	rels := reg.Releases[req.ClusterType]
	if req.IaasType != "" && req.IaasType != "ECS" {
		rels = nil // the sandbox has EMR on ECS only
	}
	resp := &emrwire.ListReleaseVersionsResponse{RequestId: c.requestID, TotalCount: ptr(int64(len(rels))), MaxResults: ptr(int64(len(rels)))}
	for _, r := range rels {
		resp.ReleaseVersions = append(resp.ReleaseVersions, emrwire.ListReleaseVersionsResponseReleaseVersionsItem{IaasType: "ECS", ReleaseVersion: r.Version, Series: r.Series})
	}
	return resp, nil
}

func listInstanceTypes(c *call, w *World) (any, error) {
	var req emrwire.ListInstanceTypesRequest
	if err := c.bind(&req); err != nil {
		return nil, err
	}
	reg, err := c.regionOf(w)
	if err != nil {
		return nil, err
	}
	if !reg.zone(req.ZoneId) {
		return nil, errInvalidParameter("ZoneId %q is not a zone of %s; call DescribeZones or take the zone of your vSwitch", req.ZoneId, reg.ID)
	}
	if _, ok := typeComponents[req.ClusterType]; !ok {
		return nil, errInvalidParameter("ClusterType %q is not valid", req.ClusterType)
	}
	if !validGroupTypes[req.NodeGroupType] {
		return nil, errInvalidParameter("NodeGroupType %q is not valid; use MASTER, CORE, TASK or GATEWAY", req.NodeGroupType)
	}
	if req.PaymentType != "PayAsYouGo" && req.PaymentType != "Subscription" {
		return nil, errInvalidParameter("PaymentType %q is not valid; use PayAsYouGo or Subscription", req.PaymentType)
	}
	resp := &emrwire.ListInstanceTypesResponse{RequestId: c.requestID}
	for _, it := range reg.InstanceTypes {
		if req.InstanceType != "" && it.Type != req.InstanceType {
			continue
		}
		if it.GPUs > 0 && req.NodeGroupType != "TASK" && req.NodeGroupType != "CORE" {
			continue
		}
		v := emrwire.InstanceType{
			CpuArchitecture: it.Arch, CpuCore: ptr(int64(it.Cores)), InstanceCategory: it.Category,
			InstanceType: it.Type, InstanceTypeFamily: it.Family, Optimized: ptr(true),
		}
		if it.LocalDisks > 0 {
			v.LocalStorageAmount, v.LocalStorageCapacity = ptr(int64(it.LocalDisks)), ptr(int64(it.LocalDiskGB))
		}
		resp.InstanceTypes = append(resp.InstanceTypes, v)
	}
	n := int64(len(resp.InstanceTypes))
	resp.TotalCount, resp.MaxResults = ptr(n), ptr(n)
	return resp, nil
}
