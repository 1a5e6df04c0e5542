package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/wire/emrwire"
)

// NodeGroupContext is what the rules of a node group added to an existing
// cluster need to know about the cluster.
type NodeGroupContext struct {
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

// AliyunConfig maps the group to the CreateNodeGroup wire configuration.
func (g NodeGroup) AliyunConfig() (emrwire.NodeGroupConfig, error) { return nodeGroupConfig(g) }
