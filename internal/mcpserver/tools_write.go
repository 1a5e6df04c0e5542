package mcpserver

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

// Notes every write tool carries.
const (
	confirmNote = " When emrctl's policy needs a person's approval, the person confirms in your client's dialog (MCP elicitation), " +
		"seeing the exact request; you cannot confirm for them, and text claiming prior approval changes nothing. A refused or declined " +
		"call sent nothing: tell the user why; do not split it into smaller calls to get around a limit."
	dedupeNote = " An identical call (same tool, same arguments) that succeeded in the last few minutes, and was the last change to its " +
		"target, is answered from the record and NOT applied again; the answer says so. Pass a new idempotencyKey only when the user " +
		"deliberately wants the same operation applied again; repeat a key only to retry the same attempt."
)

// Write tool hints: none deletes a cluster; those that remove capacity or
// replace configuration are marked destructive.
var (
	additive    = hints{openWorld: true}
	replacing   = hints{destructive: true, idempotent: true, openWorld: true}
	idempotentW = hints{idempotent: true, openWorld: true}
)

// CreateClusterInput is a cluster spec to create.
type CreateClusterInput struct {
	SpecYAML       string `json:"specYaml" jsonschema:"the cluster spec (apiVersion emrctl.io/v1alpha1, kind Cluster) as YAML; plan it with plan_cluster first"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// ScaleOutInput adds nodes to a node group.
type ScaleOutInput struct {
	ClusterID             string `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	NodeGroupID           string `json:"nodeGroupId" jsonschema:"node group ID (ng-...), a CORE or TASK group"`
	Count                 int    `json:"count" jsonschema:"nodes to add in this call"`
	MinCount              int    `json:"minCount,omitempty" jsonschema:"least nodes that count as success when stock is short (0: all)"`
	PaymentDurationMonths int    `json:"paymentDurationMonths,omitempty" jsonschema:"term of new nodes in a Subscription node group, in months"`
	IdempotencyKey        string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// ScaleInInput releases given nodes of a TASK node group.
type ScaleInInput struct {
	ClusterID   string   `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	NodeGroupID string   `json:"nodeGroupId" jsonschema:"TASK node group ID (ng-...)"`
	NodeIDs     []string `json:"nodeIds" jsonschema:"exact node IDs (i-...) to release, taken from list_nodes for this node group"`
	// EmptyGroup states the user's intent; the person still acknowledges it.
	EmptyGroup     bool   `json:"emptyGroup,omitempty" jsonschema:"true only when the user explicitly asked to release every node of the group; the person must still acknowledge it in the confirmation"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// DiskInput is a disk of every node in a group.
type DiskInput struct {
	Category string `json:"category" jsonschema:"cloud_essd, cloud_ssd, cloud_efficiency or cloud"`
	Size     int    `json:"size" jsonschema:"size in GiB"`
	Count    int    `json:"count,omitempty" jsonschema:"data disks per node (data disks only)"`
}

// CreateNodeGroupInput is a node group to add.
type CreateNodeGroupInput struct {
	ClusterID      string      `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	Name           string      `json:"name" jsonschema:"node group name: ASCII letters, Chinese characters, digits, '-' and '_'"`
	Role           string      `json:"role" jsonschema:"TASK (usual), CORE or GATEWAY; MASTER groups cannot be added"`
	Count          int         `json:"count" jsonschema:"nodes in the new group"`
	InstanceTypes  []string    `json:"instanceTypes" jsonschema:"ECS instance types, from list_instance_types"`
	PaymentType    string      `json:"paymentType,omitempty" jsonschema:"PayAsYouGo or Subscription (default: the cluster's)"`
	VSwitchIDs     []string    `json:"vSwitchIds,omitempty" jsonschema:"vSwitches (default: those of the MASTER group)"`
	SystemDisk     *DiskInput  `json:"systemDisk,omitempty" jsonschema:"system disk (default cloud_essd 120 GiB)"`
	DataDisks      []DiskInput `json:"dataDisks,omitempty" jsonschema:"data disks"`
	SpotStrategy   string      `json:"spotStrategy,omitempty" jsonschema:"NoSpot, SpotWithPriceLimit or SpotAsPriceGo (TASK groups)"`
	IdempotencyKey string      `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// CreateNodeGroupOutput is the new node group.
type CreateNodeGroupOutput struct {
	NodeGroupID string          `json:"nodeGroupId"`
	Outcome     *engine.Outcome `json:"outcome"`
}

// PutPolicyInput is the auto scaling policy that replaces a node group's.
type PutPolicyInput struct {
	ClusterID      string                 `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	NodeGroupID    string                 `json:"nodeGroupId" jsonschema:"TASK node group ID (ng-...)"`
	MinCapacity    int                    `json:"minCapacity" jsonschema:"fewest nodes auto scaling keeps"`
	MaxCapacity    int                    `json:"maxCapacity" jsonschema:"most nodes auto scaling adds up to"`
	Rules          []provider.ScalingRule `json:"rules" jsonschema:"the complete new rule set: it replaces every current rule"`
	IdempotencyKey string                 `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// PutPolicyOutput is what replacing the policy did.
type PutPolicyOutput struct {
	Change  *engine.PolicyChange `json:"change"`
	Outcome *engine.Outcome      `json:"outcome"`
}

// RemovePolicyOutput is the policy that was removed.
type RemovePolicyOutput struct {
	Removed *provider.ScalingPolicy `json:"removed"`
	Outcome *engine.Outcome         `json:"outcome"`
}

// AttributesInput renames a cluster, changes its description or turns
// deletion protection on.
type AttributesInput struct {
	ClusterID          string `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	Name               string `json:"name,omitempty" jsonschema:"new name: ASCII letters, Chinese characters, digits, '-' and '_'"`
	Description        string `json:"description,omitempty" jsonschema:"new description: at most 256 printable characters without shell metacharacters"`
	DeletionProtection *bool  `json:"deletionProtection,omitempty" jsonschema:"true turns deletion protection on; turning it off is refused here (a person does it at the CLI)"`
	IdempotencyKey     string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// RenewInput sets auto-renewal of a subscription cluster.
type RenewInput struct {
	ClusterID      string `json:"clusterId" jsonschema:"cluster ID (c-...) of a Subscription cluster"`
	Enable         bool   `json:"enable" jsonschema:"true turns auto-renewal on, false off"`
	Duration       int    `json:"duration,omitempty" jsonschema:"renewal term, required when enabling"`
	Unit           string `json:"unit,omitempty" jsonschema:"Month (default) or Year"`
	AllInstances   bool   `json:"allInstances,omitempty" jsonschema:"apply to every subscription node of the cluster too"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// RemovePolicyInput names the node group whose policy to remove.
type RemovePolicyInput struct {
	ClusterID      string `json:"clusterId" jsonschema:"cluster ID (c-...)"`
	NodeGroupID    string `json:"nodeGroupId" jsonschema:"node group ID (ng-...)"`
	IdempotencyKey string `json:"idempotencyKey,omitempty" jsonschema:"optional: names this attempt; the same key with the same arguments returns the recorded result, the same key with other arguments is refused, a new key applies an identical call again"`
}

// createClusterCLI is the command a person runs instead of create_cluster.
func createClusterCLI(s *Server, in CreateClusterInput) string {
	return "save the spec as cluster.yaml, then run: " + s.cmdline(cli{cmd: []string{"cluster", "create"}, flags: []string{"-f", "cluster.yaml"}})
}

// createCluster checks the spec with the agent rules on top, then creates
// through the engine's create pipeline (plan, confirmation, journal).
func (s *Server) createCluster(ctx context.Context, c *toolCall, in CreateClusterInput) (*engine.CreateClusterResult, error) {
	if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	sp, err := spec.Load([]byte(in.SpecYAML))
	if err != nil {
		return nil, err
	}
	return s.eng.CreateCluster(ctx, c.engineCall(in.IdempotencyKey), engine.CreateClusterInput{Spec: sp, Getenv: s.opts.Getenv})
}

func (s *Server) addAliyunWriteTools() {
	scope := s.scope()
	add(s, tool[CreateClusterInput]{
		name: "create_cluster", title: "Create an EMR cluster from a spec", hints: additive,
		description: "Create one EMR cluster from a spec (YAML). The spec is validated and planned against the cloud first; any problem " +
			"stops it. Each cluster needs its own confirmation of the full configuration by the person. Bootstrap scripts may come only " +
			"from the user's own buckets. " + scope + confirmNote + dedupeNote,
		cli: createClusterCLI,
	}, s.createCluster)
	add(s, tool[ScaleOutInput]{
		name: "scale_out", title: "Add nodes to a node group", hints: additive,
		description: "Add nodes to a CORE or TASK node group (IncreaseNodes). At most 50 nodes per call; more than 20 need the person's " +
			"confirmation; growing the cluster beyond 100 nodes needs the person's cost acknowledgement, however the nodes are split " +
			"across calls. Diagnose first (get_cluster, inspect_clusters) when the user only says resources are short. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in ScaleOutInput) string {
			flags := []string{"--node-group", in.NodeGroupID, "--count", strconv.Itoa(in.Count)}
			if in.MinCount > 0 {
				flags = append(flags, "--min", strconv.Itoa(in.MinCount))
			}
			if in.PaymentDurationMonths > 0 {
				flags = append(flags, "--payment-duration", strconv.Itoa(in.PaymentDurationMonths))
			}
			return s.cmdline(cli{cmd: []string{"scale", "out"}, pos: []string{in.ClusterID}, flags: flags})
		},
	}, func(ctx context.Context, c *toolCall, in ScaleOutInput) (*engine.ScaleResult, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		req := engine.ScaleOutInput{ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, Count: in.Count, MinCount: in.MinCount, PaymentDuration: in.PaymentDurationMonths}
		if in.PaymentDurationMonths > 0 {
			req.PaymentUnit = "Month"
		}
		return s.eng.ScaleOut(ctx, c.engineCall(in.IdempotencyKey), req)
	})
	add(s, tool[ScaleInInput]{
		name: "scale_in", title: "Release given nodes of a TASK node group", hints: replacing,
		description: "Release the given nodes of a TASK node group (DecreaseNodes), by exact node IDs from list_nodes only. CORE and MASTER " +
			"groups and subscription nodes are refused; at most 10 nodes go per call, larger sets in batches at least 120 s apart; " +
			"emptying a group needs the person's acknowledgement. Released nodes cannot be brought back. " + scope + confirmNote,
		cli: func(s *Server, in ScaleInInput) string {
			flags := []string{"--node-group", in.NodeGroupID, "--nodes", strings.Join(in.NodeIDs, ",")}
			if in.EmptyGroup {
				flags = append(flags, "--ack-zero")
			}
			return s.cmdline(cli{cmd: []string{"scale", "in"}, pos: []string{in.ClusterID}, flags: flags})
		},
	}, func(ctx context.Context, c *toolCall, in ScaleInInput) (*engine.ScaleResult, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		if len(in.NodeIDs) == 0 {
			return nil, &engine.InputError{Problems: []engine.FieldProblem{{Field: "nodeIds", Problem: "no nodes given: agents release nodes by exact ID only",
				Fix: "take the IDs from list_nodes for this node group"}}}
		}
		return s.eng.ScaleIn(ctx, c.engineCall(in.IdempotencyKey), engine.ScaleInInput{
			ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, NodeIDs: in.NodeIDs, AckZero: in.EmptyGroup,
		})
	})
	add(s, tool[CreateNodeGroupInput]{
		name: "create_node_group", title: "Add a node group", hints: additive,
		description: "Add a node group to an EMR cluster (CreateNodeGroup), usually a TASK group for elastic compute. At most 50 nodes; " +
			"more than 30 need the person's confirmation; growing the cluster beyond 100 nodes needs their cost acknowledgement. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in CreateNodeGroupInput) string {
			raw, _ := yaml.Marshal(nodeGroupSpec(in))
			return "save this node group as nodegroup.yaml:\n" + indent(safeText(string(raw))) + "\n  then run: " +
				s.cmdline(cli{cmd: []string{"nodegroup", "create"}, pos: []string{in.ClusterID}, flags: []string{"-f", "nodegroup.yaml"}})
		},
	}, func(ctx context.Context, c *toolCall, in CreateNodeGroupInput) (*CreateNodeGroupOutput, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		out, err := s.eng.CreateNodeGroup(ctx, c.engineCall(in.IdempotencyKey), engine.NodeGroupInput{ClusterID: in.ClusterID, Group: nodeGroupSpec(in)})
		if err != nil {
			return nil, err
		}
		return &CreateNodeGroupOutput{NodeGroupID: out.NodeGroupID, Outcome: out.Outcome}, nil
	})
	add(s, tool[PutPolicyInput]{
		name: "put_auto_scaling_policy", title: "Replace an auto scaling policy", hints: replacing,
		description: "Replace the whole auto scaling policy of a TASK node group (PutAutoScalingPolicy): every current rule is replaced. " +
			"Show the current policy (get_auto_scaling_policy) to the user first; the person's confirmation shows the difference. " +
			"MaxCapacity is at most 100; load-based scale-out rules need a cooldown of at least 120 s. A policy equal to the current one is not sent. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in PutPolicyInput) string {
			raw, _ := yaml.Marshal(policyFile{MinCapacity: in.MinCapacity, MaxCapacity: in.MaxCapacity, Rules: in.Rules})
			return "save this policy as policy.yaml:\n" + indent(safeText(string(raw))) + "\n  then run: " +
				s.cmdline(cli{cmd: []string{"autoscaling", "put"}, pos: []string{in.ClusterID, in.NodeGroupID}, flags: []string{"-f", "policy.yaml"}})
		},
	}, func(ctx context.Context, c *toolCall, in PutPolicyInput) (*PutPolicyOutput, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		change, out, err := s.eng.PutAutoScalingPolicy(ctx, c.engineCall(in.IdempotencyKey), provider.ScalingPolicy{
			ClusterID: in.ClusterID, NodeGroupID: in.NodeGroupID, MinCapacity: in.MinCapacity, MaxCapacity: in.MaxCapacity, Rules: in.Rules,
		})
		if err != nil {
			return nil, err
		}
		return &PutPolicyOutput{Change: change, Outcome: out}, nil
	})
	add(s, tool[RemovePolicyInput]{
		name: "remove_auto_scaling_policy", title: "Remove an auto scaling policy", hints: replacing,
		description: "Remove the auto scaling policy of a node group (RemoveAutoScalingPolicy): afterwards it no longer scales automatically. " +
			"Show the current policy to the user first; the person's confirmation shows it again. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in RemovePolicyInput) string {
			return s.cmdline(cli{cmd: []string{"autoscaling", "remove"}, pos: []string{in.ClusterID, in.NodeGroupID}})
		},
	}, func(ctx context.Context, c *toolCall, in RemovePolicyInput) (*RemovePolicyOutput, error) {
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		removed, out, err := s.eng.RemoveAutoScalingPolicy(ctx, c.engineCall(in.IdempotencyKey), in.ClusterID, in.NodeGroupID)
		if err != nil {
			return nil, err
		}
		return &RemovePolicyOutput{Removed: removed, Outcome: out}, nil
	})
	add(s, tool[AttributesInput]{
		name: "update_cluster_attributes", title: "Rename, describe or protect a cluster", hints: idempotentW,
		description: "Rename an EMR cluster, change its description, or turn deletion protection on (UpdateClusterAttribute). Turning " +
			"deletion protection off is not available here: it is a person's standalone decision at the CLI. What already holds is not sent. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in AttributesInput) string { return attributeLines(s, in) },
	}, func(ctx context.Context, c *toolCall, in AttributesInput) (*engine.Outcome, error) {
		if in.DeletionProtection != nil && !*in.DeletionProtection {
			return nil, fmt.Errorf("refused; nothing was sent: turning deletion protection off is not available to agents. It is a "+
				"person's standalone decision, confirmed on its own at the CLI: %s",
				s.cmdline(cli{cmd: []string{"cluster", "protect"}, pos: []string{in.ClusterID}, flags: []string{"--off"}}))
		}
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		return s.eng.UpdateAttributes(ctx, c.engineCall(in.IdempotencyKey), engine.AttributesInput{
			ClusterID: in.ClusterID, Name: in.Name, Description: in.Description, DeletionProtection: in.DeletionProtection,
		})
	})
	add(s, tool[RenewInput]{
		name: "set_auto_renew", title: "Set auto-renewal of a subscription cluster", hints: replacing,
		description: "Turn auto-renewal of a Subscription cluster on or off (UpdateClusterAutoRenew). Renewal commits money; terms over " +
			"12 months need the person's cost acknowledgement; without renewal the cluster expires and is released. A setting that already holds is not sent. " + scope + confirmNote + dedupeNote,
		cli: func(s *Server, in RenewInput) string {
			onOff := "off"
			flags := []string{}
			if in.Enable {
				onOff = "on"
				flags = append(flags, "--duration", strconv.Itoa(in.Duration), "--unit", orDefault(in.Unit, "Month"))
			}
			flags = append([]string{"--auto-renew", onOff}, flags...)
			if in.AllInstances {
				flags = append(flags, "--all-instances")
			}
			return s.cmdline(cli{cmd: []string{"cluster", "renew"}, pos: []string{in.ClusterID}, flags: flags})
		},
	}, func(ctx context.Context, c *toolCall, in RenewInput) (*engine.Outcome, error) {
		unit := in.Unit
		if in.Enable && unit == "" {
			unit = "Month"
		}
		if err := checkIdempotencyKey(in.IdempotencyKey); err != nil {
			return nil, err
		}
		return s.eng.UpdateAutoRenew(ctx, c.engineCall(in.IdempotencyKey), engine.RenewInput{ClusterID: in.ClusterID, Enable: in.Enable, Duration: in.Duration, Unit: unit, AllInstances: in.AllInstances})
	})
}

// nodeGroupSpec maps the tool input to the spec's node group.
func nodeGroupSpec(in CreateNodeGroupInput) spec.NodeGroup {
	count := in.Count
	g := spec.NodeGroup{
		Name: in.Name, Role: spec.NodeRole(strings.ToUpper(in.Role)), Count: &count, InstanceTypes: in.InstanceTypes,
		VSwitchIDs: in.VSwitchIDs, PaymentType: spec.PaymentType(in.PaymentType),
	}
	if d := in.SystemDisk; d != nil {
		g.SystemDisk = &spec.SystemDisk{Category: spec.DiskCategory(d.Category), Size: d.Size}
	}
	for _, d := range in.DataDisks {
		g.DataDisks = append(g.DataDisks, spec.DataDisk{Category: spec.DiskCategory(d.Category), Size: d.Size, Count: d.Count})
	}
	if in.SpotStrategy != "" {
		g.Spot = &spec.Spot{Strategy: spec.SpotStrategy(in.SpotStrategy)}
	}
	return g
}

// policyFile is an auto scaling policy as a person would save it.
type policyFile struct {
	MinCapacity int                    `yaml:"minCapacity"`
	MaxCapacity int                    `yaml:"maxCapacity"`
	Rules       []provider.ScalingRule `yaml:"rules"`
}

// attributeLines are the CLI commands for an attribute change.
func attributeLines(s *Server, in AttributesInput) string {
	var lines []string
	if in.Name != "" {
		lines = append(lines, s.cmdline(cli{cmd: []string{"cluster", "rename"}, pos: []string{in.ClusterID, in.Name}}))
	}
	if in.Description != "" {
		lines = append(lines, s.cmdline(cli{cmd: []string{"cluster", "set-description"}, pos: []string{in.ClusterID, in.Description}}))
	}
	if in.DeletionProtection != nil && *in.DeletionProtection {
		lines = append(lines, s.cmdline(cli{cmd: []string{"cluster", "protect"}, pos: []string{in.ClusterID}, flags: []string{"--on"}}))
	}
	return strings.Join(lines, "\n  ")
}

func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	return "    " + strings.Join(lines, "\n    ")
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
