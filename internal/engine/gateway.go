package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/emrctl/emrctl/internal/provider"
)

// Gateway modes: how a machine with the cluster's client tools and
// configuration, but no services, is set up.
const (
	// GatewayNodeGroup is a GATEWAY node group of the cluster itself.
	GatewayNodeGroup = "node-group"
	// GatewayEnvironment is the client environment on an ECS instance.
	GatewayEnvironment = "environment"
	// GatewayCluster is a separate EMR cluster of gateway nodes only.
	GatewayCluster = "gateway-cluster"
	// GatewayEdgeNode is an EC2 instance configured from an AWS cluster.
	GatewayEdgeNode = "edge-node"
)

// deployNote says what an environment deploy does and does not do.
const deployNote = "next step, on the gateway machine (--root / for the real layout): writes the client configuration and the environment profile, not the Hadoop/Spark binaries; gateway refresh, status and rollback keep it in sync"

// GatewayMode is one way to give a cluster a gateway, and whether it fits.
type GatewayMode struct {
	Mode        string `json:"mode"`
	Applies     bool   `json:"applies"`
	Recommended bool   `json:"recommended"`
	Reason      string `json:"reason"`
}

// GatewayStep is a command that follows from a plan. Available is false
// for a command this version of emrctl does not have yet; Manual marks
// another tool's command (EMR-CLI, the console).
type GatewayStep struct {
	Mode      string `json:"mode"`
	Command   string `json:"command"`
	Available bool   `json:"available"`
	Manual    bool   `json:"manual,omitempty"`
	Note      string `json:"note,omitempty"`
}

// GatewayPlan says which gateway modes apply to a cluster, which one to
// use, why, and what to run next.
type GatewayPlan struct {
	ClusterID       string `json:"clusterId"`
	ClusterName     string `json:"clusterName,omitempty"`
	Provider        string `json:"provider"`
	Type            string `json:"type,omitempty"`
	ReleaseVersion  string `json:"releaseVersion"`
	State           string `json:"state"`
	Region          string `json:"region"`
	ZoneID          string `json:"zoneId,omitempty"`
	VpcID           string `json:"vpcId,omitempty"`
	SecurityGroupID string `json:"securityGroupId,omitempty"`
	// GatewayGroups are the cluster's GATEWAY node groups, if it has any.
	GatewayGroups []string      `json:"gatewayGroups"`
	Modes         []GatewayMode `json:"modes"`
	// Recommended is the mode to use; empty when none applies or the
	// release cannot be read.
	Recommended string        `json:"recommended,omitempty"`
	NextSteps   []GatewayStep `json:"nextSteps"`
	// Requirements are what the gateway machine needs, with the
	// cluster's own values filled in.
	Requirements []string `json:"requirements,omitempty"`
	// Notes are what the person should know first (cluster not running,
	// a release that cannot be read).
	Notes []string `json:"notes,omitempty"`
}

// PlanGateway reads a cluster and its node groups and says which gateway
// modes apply (the EMR table: node group, environment on ECS, gateway
// cluster; on AWS an edge node), which one is recommended and why, and
// the commands that follow. It changes nothing.
func (e *Engine) PlanGateway(ctx context.Context, clusterID string) (*GatewayPlan, error) {
	c, err := e.GetCluster(ctx, clusterID)
	if err != nil {
		return nil, err
	}
	groups, err := read(ctx, e, func(ctx context.Context) ([]provider.NodeGroup, error) {
		return e.opts.Provider.ListNodeGroups(ctx, clusterID, provider.NodeGroupFilter{})
	})
	if err != nil {
		return nil, fmt.Errorf("plan gateway of %s: read node groups: %w", clusterID, err)
	}
	return planGateway(c, groups), nil
}

// planGateway is the decision itself, on what was read.
func planGateway(c *provider.Cluster, groups []provider.NodeGroup) *GatewayPlan {
	p := &GatewayPlan{
		ClusterID: c.ID, ClusterName: c.Name, Provider: c.Provider, Type: c.Type,
		ReleaseVersion: c.ReleaseVersion, State: c.State, Region: c.Region,
		GatewayGroups: []string{}, NextSteps: []GatewayStep{},
	}
	if a := c.Aliyun; a != nil {
		p.ZoneID, p.VpcID, p.SecurityGroupID = a.ZoneID, a.VpcID, a.SecurityGroupID
	}
	master := ""
	for _, g := range groups {
		switch g.Role {
		case "GATEWAY":
			p.GatewayGroups = append(p.GatewayGroups, g.ID)
		case "MASTER":
			if len(g.InstanceTypes) > 0 {
				master = g.InstanceTypes[0]
			}
		}
	}
	if c.State != provider.ClusterRunning && c.State != provider.ClusterWaiting {
		p.Notes = append(p.Notes, fmt.Sprintf("the cluster is %s: a gateway needs a running cluster to take its configuration from", c.State))
	}
	if c.Provider == provider.AWS {
		planEdgeNode(p)
		return p
	}
	planAliyun(p, master)
	return p
}

// planAliyun applies the EMR table of gateway modes.
func planAliyun(p *GatewayPlan, masterType string) {
	rel, relOK := parseRelease(p.ReleaseVersion)
	node, decided := nodeGroupMode(p, rel, relOK)
	if !decided {
		p.Notes = append(p.Notes, fmt.Sprintf("release version %q does not say whether a GATEWAY node group fits (expected EMR-X.Y.Z, e.g. EMR-5.17.1): "+
			"no mode is recommended; check the release with 'emrctl cluster get %s'", p.ReleaseVersion, p.ClusterID))
	}
	env := GatewayMode{Mode: GatewayEnvironment}
	switch p.Type {
	case "DATALAKE", "DATAFLOW", "OLAP", "CUSTOM":
		env.Applies = true
		env.Reason = fmt.Sprintf("%s clusters of any release can use a gateway environment on an ECS instance; its client configuration is kept in sync by hand", p.Type)
	default:
		env.Reason = fmt.Sprintf("gateway environments exist for DATALAKE, DATAFLOW, OLAP and CUSTOM clusters, not %s", orNone(p.Type))
	}
	gwc := GatewayMode{Mode: GatewayCluster}
	switch p.Type {
	case "HADOOP", "KAFKA":
		gwc.Applies = true
		gwc.Reason = fmt.Sprintf("%s clusters (the older cluster types) get their gateway as a separate gateway cluster whose configuration is synchronized automatically", p.Type)
	default:
		gwc.Reason = fmt.Sprintf("gateway clusters exist for HADOOP and KAFKA clusters only, not %s", orNone(p.Type))
	}
	switch {
	case node.Applies:
		node.Recommended = true
	case env.Applies && decided:
		env.Recommended = true
	case gwc.Applies:
		gwc.Recommended = true
	}
	p.Modes = []GatewayMode{node, env, gwc}
	for _, m := range p.Modes {
		if m.Recommended {
			p.Recommended = m.Mode
		}
	}
	if !node.Applies && !env.Applies && !gwc.Applies {
		p.Notes = append(p.Notes, fmt.Sprintf("no gateway mode of EMR covers %s clusters", orNone(p.Type)))
	}
	p.NextSteps = aliyunSteps(p, node, env, gwc, masterType)
	if env.Applies {
		p.Requirements = ecsRequirements(p)
	}
}

// nodeGroupMode decides the GATEWAY node group mode: DATALAKE and
// DATAFLOW from EMR-5.10.1, CUSTOM from EMR-5.17.1. decided is false when
// the release cannot tell.
func nodeGroupMode(p *GatewayPlan, rel release, relOK bool) (m GatewayMode, decided bool) {
	m = GatewayMode{Mode: GatewayNodeGroup}
	var need release
	switch p.Type {
	case "DATALAKE", "DATAFLOW":
		need = release{5, 10, 1}
	case "CUSTOM":
		need = release{5, 17, 1}
	default:
		m.Reason = fmt.Sprintf("GATEWAY node groups exist for DATALAKE, DATAFLOW and CUSTOM clusters, not %s", orNone(p.Type))
		return m, true
	}
	if !relOK {
		m.Reason = fmt.Sprintf("cannot tell: %s clusters need %s or later, and release %q cannot be read", p.Type, need, p.ReleaseVersion)
		return m, false
	}
	ok, known := rel.atLeast(need)
	switch {
	case !known:
		m.Reason = fmt.Sprintf("cannot tell: %s clusters need %s or later, and %s does not say which %s release it is", p.Type, need, p.ReleaseVersion, rel)
	case !ok:
		m.Reason = fmt.Sprintf("%s clusters have GATEWAY node groups from %s; this one runs %s", p.Type, need, p.ReleaseVersion)
	case len(p.GatewayGroups) > 0:
		m.Applies = true
		m.Reason = fmt.Sprintf("the cluster already has GATEWAY node group %s: its nodes are the gateway, with configurations synchronized automatically", strings.Join(p.GatewayGroups, ", "))
	default:
		m.Applies = true
		m.Reason = fmt.Sprintf("%s %s is %s or later: a GATEWAY node group gets the client configuration synchronized automatically, with the least upkeep", p.Type, p.ReleaseVersion, need)
	}
	return m, known
}

// aliyunSteps lists the commands that follow, emrctl's own first.
func aliyunSteps(p *GatewayPlan, node, env, gwc GatewayMode, masterType string) []GatewayStep {
	steps := []GatewayStep{}
	if node.Applies {
		if len(p.GatewayGroups) > 0 {
			steps = append(steps, GatewayStep{Mode: GatewayNodeGroup, Available: true,
				Command: fmt.Sprintf("emrctl node list %s --node-group %s", p.ClusterID, p.GatewayGroups[0]),
				Note:    "the gateway nodes that exist; nothing to deploy"})
		} else {
			steps = append(steps,
				GatewayStep{Mode: GatewayNodeGroup, Available: true, Command: "emrctl gateway deploy " + p.ClusterID + " --mode node-group",
					Note: "next step: one GATEWAY node of the MASTER group's instance type (--count, --instance-type to change), through the policy and confirmation of any node group"},
				GatewayStep{Mode: GatewayNodeGroup, Available: true,
					Command: fmt.Sprintf("emrctl nodegroup create %s --name gateway --role GATEWAY --count 1 --instance-type %s", p.ClusterID, orPlaceholder(masterType, "<instance-type>")),
					Note:    "the same with every setting of a node group in your hands"})
		}
	}
	if env.Applies {
		steps = append(steps,
			GatewayStep{Mode: GatewayEnvironment, Available: true, Command: "emrctl gateway deploy " + p.ClusterID + " --root DIR", Note: deployNote},
			GatewayStep{Mode: GatewayEnvironment, Available: true, Manual: true,
				Command: "emrcli gateway deploy --clusterId " + p.ClusterID + " --appNames HDFS,YARN",
				Note:    "EMR-CLI on the ECS instance (install it first: see the EMR gateway documentation); it overwrites an existing client"})
	}
	if gwc.Applies {
		steps = append(steps, GatewayStep{Mode: GatewayCluster, Manual: true,
			Command: "EMR console: Create a gateway cluster for " + p.ClusterID,
			Note:    "emrctl does not create gateway clusters; new HADOOP or KAFKA clusters are open only to accounts that created one by 2022-12-19 17:00 (UTC+8)"})
	}
	return steps
}

// ecsRequirements are the seed's ECS settings, with the cluster's values.
func ecsRequirements(p *GatewayPlan) []string {
	where := p.Region
	if p.ZoneID != "" {
		where += ", zone " + p.ZoneID
	}
	req := []string{"an ECS instance in " + where + ", not a node of the cluster"}
	if p.VpcID != "" {
		req = append(req, "in VPC "+p.VpcID)
	}
	if p.SecurityGroupID != "" {
		req = append(req, "in security group "+p.SecurityGroupID+" (the master group's)")
	}
	return append(req,
		"a system disk of at least 60 GiB ESSD, and an image matching the cluster nodes' operating system",
		"a RAM role for ECS with AliyunEMRFullAccess, AliyunOSSFullAccess and AliyunDLFFullAccess attached to the instance")
}

// planEdgeNode is the AWS plan: EMR there has no gateway node groups.
func planEdgeNode(p *GatewayPlan) {
	p.Modes = []GatewayMode{{Mode: GatewayEdgeNode, Applies: true, Recommended: true,
		Reason: "AWS EMR has no gateway node groups: an edge node is an EC2 instance in the cluster's subnet given the client configuration from the cluster's configurations and the master's address"}}
	p.Recommended = GatewayEdgeNode
	p.NextSteps = []GatewayStep{
		{Mode: GatewayEdgeNode, Available: true, Command: "emrctl gateway deploy " + p.ClusterID + " --root DIR", Note: deployNote},
		{Mode: GatewayEdgeNode, Available: true, Manual: true,
			Command: "aws emr describe-cluster --cluster-id " + p.ClusterID + " --query Cluster.Configurations",
			Note:    "the configurations an edge node copies; the master's address is Cluster.MasterPublicDnsName"},
	}
}

func orNone(s string) string {
	if s == "" {
		return "clusters of no type"
	}
	return s
}

func orPlaceholder(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// release is an EMR release version (EMR-5.10.1): its numbers, major
// first. A series (EMR-3.x) has fewer numbers; what it leaves out is
// unknown, never zero.
type release []int

// parseRelease reads EMR-X.Y.Z, EMR-X.Y.x or EMR-X.x (any case). It
// reports false for anything else.
func parseRelease(s string) (release, bool) {
	rest, ok := cutPrefixFold(strings.TrimSpace(s), "EMR-")
	if !ok || rest == "" {
		return nil, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) > 3 {
		return nil, false
	}
	var r release
	for i, part := range parts {
		if strings.EqualFold(part, "x") && i > 0 && i == len(parts)-1 {
			return r, true
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || part != strconv.Itoa(n) {
			return nil, false
		}
		r = append(r, n)
	}
	if len(r) < 3 {
		return nil, false
	}
	return r, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// atLeast compares numerically; known is false when the parts r leaves
// out would decide.
func (r release) atLeast(need release) (ok, known bool) {
	for i, n := range need {
		if i >= len(r) {
			return false, false
		}
		if r[i] != n {
			return r[i] > n, true
		}
	}
	return true, true
}

// String writes the release as EMR-X.Y.Z, or EMR-X.x for a series.
func (r release) String() string {
	parts := make([]string, 0, len(r)+1)
	for _, n := range r {
		parts = append(parts, strconv.Itoa(n))
	}
	if len(r) < 3 {
		parts = append(parts, "x")
	}
	return "EMR-" + strings.Join(parts, ".")
}
