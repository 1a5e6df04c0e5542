package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/validate"
)

// NodeGroupContext is what the rules of a node group added to an existing
// cluster need to know about the cluster.
type NodeGroupContext struct {
	// Provider is the cluster's cloud (default aliyun).
	Provider       Provider
	ClusterType    ClusterType
	ReleaseVersion string
	DeployMode     DeployMode
	PaymentType    PaymentType
	// VSwitchIDs are used when the group names none.
	VSwitchIDs []string
}

// LoadNodeGroup reads one node group (YAML or JSON); unknown fields are
// errors.
func LoadNodeGroup(data []byte) (*NodeGroup, error) {
	var g NodeGroup
	d := yaml.NewDecoder(bytes.NewReader(data))
	d.KnownFields(true)
	if err := d.Decode(&g); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("node group spec is empty")
		}
		return nil, fmt.Errorf("node group spec: %w", err)
	}
	return &g, nil
}

// ValidateNodeGroup fills a node group's defaults (as SetDefaults does for
// the groups of a spec) and checks it with the same rules (role support,
// instance types, disks, spot, counts against the policy limit).
func ValidateNodeGroup(g *NodeGroup, ctx NodeGroupContext, opts ValidateOptions) Problems {
	if ctx.Provider == ProviderAWS {
		return validateAWSGroup(g, opts)
	}
	c := &Cluster{
		Provider: ProviderAliyun, ClusterType: ctx.ClusterType, ReleaseVersion: ctx.ReleaseVersion, DeployMode: ctx.DeployMode,
		Payment: &Payment{Type: ctx.PaymentType}, Network: &Network{VSwitchIDs: ctx.VSwitchIDs},
	}
	defaultNodeGroup(c, g)
	c.NodeGroups = []NodeGroup{*g}
	v := &validator{c: c, opts: opts.withDefaults()}
	v.aliyunNodeGroup("nodeGroup", *g)
	return v.out
}

// validateAWSGroup checks an instance group added to a running AWS
// cluster: only TASK groups can be added; one instance type; spot as the
// market; the node count within the policy's limit.
func validateAWSGroup(g *NodeGroup, opts ValidateOptions) Problems {
	c := &Cluster{Provider: ProviderAWS, NodeGroups: []NodeGroup{*g}}
	v := &validator{c: c, opts: opts.withDefaults()}
	const p = "nodeGroup"
	if g.Role != RoleTask {
		v.errorf(ruleAWSInstances, p+".role", "add TASK groups; MASTER and CORE groups are created with the cluster", "%s groups cannot be added to a running cluster", validate.Render(string(g.Role)))
	}
	v.nodeCount(p, *g)
	v.instanceTypes(p, *g, validate.AWSInstanceType)
	if len(g.InstanceTypes) > 1 {
		v.errorf(ruleAWSInstances, p+".instanceTypes", "list one type, or add an instance fleet for several", "an instance group has one instance type, %d given", len(g.InstanceTypes))
	}
	v.awsGroupFields(p, *g)
	v.awsSpot(p, *g)
	return v.out
}
