package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/emrctl/emrctl/internal/validate"
)

// ValidateOptions carries the policy limits validation checks against, as
// plain numbers so this package does not depend on the policy package. A
// zero field means the documented default (DefaultValidateOptions).
type ValidateOptions struct {
	// NodeGroupMaxAtCreate is the most nodes one group may have at creation.
	NodeGroupMaxAtCreate int
	// SubscriptionMaxMonths is the longest subscription term that needs no
	// explicit cost acknowledgement; longer terms get a warning.
	SubscriptionMaxMonths int
	// TotalNodesAckThreshold is the cluster size above which a warning says a
	// cost acknowledgement is needed.
	TotalNodesAckThreshold int
	// ManagedScalingMaxCapacity is the highest AWS managed scaling maximum.
	ManagedScalingMaxCapacity int
}

// DefaultValidateOptions returns the limits of seed 000: 50 nodes per group
// at creation, 12 subscription months, 100 nodes in total, MaxCapacity 100.
func DefaultValidateOptions() ValidateOptions {
	return ValidateOptions{NodeGroupMaxAtCreate: 50, SubscriptionMaxMonths: 12, TotalNodesAckThreshold: 100, ManagedScalingMaxCapacity: 100}
}

func (o ValidateOptions) withDefaults() ValidateOptions {
	d := DefaultValidateOptions()
	if o.NodeGroupMaxAtCreate <= 0 {
		o.NodeGroupMaxAtCreate = d.NodeGroupMaxAtCreate
	}
	if o.SubscriptionMaxMonths <= 0 {
		o.SubscriptionMaxMonths = d.SubscriptionMaxMonths
	}
	if o.TotalNodesAckThreshold <= 0 {
		o.TotalNodesAckThreshold = d.TotalNodesAckThreshold
	}
	if o.ManagedScalingMaxCapacity <= 0 {
		o.ManagedScalingMaxCapacity = d.ManagedScalingMaxCapacity
	}
	return o
}

// Validate checks a spec against every rule and returns all problems at
// once, in spec order. Run it after SetDefaults: rules such as "every node
// group has vSwitchIds" are about the defaulted spec. Validate never
// changes c.
func Validate(c *Cluster, opts ValidateOptions) Problems {
	v := &validator{c: c, opts: opts.withDefaults()}
	if c == nil {
		v.errorf(ruleAPIVersion, "", "write a spec with apiVersion "+APIVersion+" and kind "+KindCluster, "spec is empty")
		return v.out
	}
	v.common()
	switch c.Provider {
	case ProviderAliyun:
		v.aliyun()
	case ProviderAWS:
		v.aws()
	}
	return v.out
}

// validator accumulates problems.
type validator struct {
	c    *Cluster
	opts ValidateOptions
	out  Problems
}

func (v *validator) add(sev Severity, rule, path, fix, msg string) {
	v.out = append(v.out, Problem{Path: path, Message: msg, Fix: fix, Severity: sev, Rule: rule})
}

func (v *validator) errorf(rule, path, fix, format string, args ...any) {
	v.add(Error, rule, path, fix, fmt.Sprintf(format, args...))
}

func (v *validator) warnf(rule, path, fix, format string, args ...any) {
	v.add(Warning, rule, path, fix, fmt.Sprintf(format, args...))
}

// input adds a problem for a refused value from the validate package.
func (v *validator) input(rule, path string, e *validate.Error) bool {
	if e == nil {
		return true
	}
	msg := e.Rule
	if !e.Secret && e.Value != "" {
		msg = fmt.Sprintf("%q %s", e.Value, e.Rule)
	}
	v.add(Error, rule, path, e.Fix, msg)
	return false
}

// required adds an error when s is empty and reports whether it was set.
func (v *validator) required(rule, path, s, fix string) bool {
	if s == "" {
		v.errorf(rule, path, fix, "%s is required", lastSegment(path))
		return false
	}
	return true
}

// enum checks an enumerated value; an empty value is an error when required.
func enum[E enumerated](v *validator, rule, path string, val E, required bool) bool {
	if val == "" {
		if required {
			v.errorf(rule, path, "set one of "+strings.Join(val.Values(), ", "), "%s is required", lastSegment(path))
			return false
		}
		return true
	}
	if validEnum(val) {
		return true
	}
	fix := "use one of " + strings.Join(val.Values(), ", ")
	if s := suggestName(string(val), val.Values()); s != "" {
		fix = fmt.Sprintf("did you mean %q? %s", s, fix)
	}
	v.errorf(rule, path, fix, "%q is not a valid %s", string(val), lastSegment(path))
	return false
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.IndexByte(path, '['); i > 0 {
		path = path[:i]
	}
	return path
}

// common checks what every provider shares.
func (v *validator) common() {
	c := v.c
	if c.APIVersion != APIVersion {
		v.errorf(ruleAPIVersion, "apiVersion", "set apiVersion: "+APIVersion, "apiVersion must be %s", APIVersion)
	}
	if c.Kind != KindCluster {
		v.errorf(ruleAPIVersion, "kind", "set kind: "+KindCluster, "kind must be %s", KindCluster)
	}
	v.input(ruleName, "name", validate.Name("name", c.Name))
	if c.Description != "" {
		v.input(ruleDescription, "description", validate.Description("description", c.Description))
	}
	if c.Provider == "" {
		v.errorf(ruleProvider, "provider", "set provider: aliyun or aws (SetDefaults sets aliyun)", "provider is required")
	} else {
		enum(v, ruleProvider, "provider", c.Provider, true)
	}
	if v.required(ruleRegion, "region", c.Region, "set the region ID, e.g. cn-hangzhou or us-east-1") {
		v.input(ruleRegion, "region", validate.ID(validate.RegionID, "region", c.Region))
	}
	maxTags := 20
	if c.Provider == ProviderAWS {
		maxTags = 50
	}
	if len(c.Tags) > maxTags {
		v.errorf(ruleTags, "tags", fmt.Sprintf("keep at most %d tags", maxTags), "%d tags given, the most is %d", len(c.Tags), maxTags)
	}
	v.input(ruleTags, "tags", validate.Tags("tags", c.Tags))
	v.nodeGroupNames()
}

// nodeGroupNames checks that every group has a valid, unique name.
func (v *validator) nodeGroupNames() {
	seen := map[string]int{}
	for i, g := range v.c.NodeGroups {
		p := fmt.Sprintf("nodeGroups[%d].name", i)
		if !v.input(ruleNodeGroupName, p, validate.Name(p, g.Name)) {
			continue
		}
		if j, dup := seen[g.Name]; dup {
			v.errorf(ruleNodeGroupName, p, "give every node group its own name", "name %q is already used by nodeGroups[%d]", g.Name, j)
			continue
		}
		seen[g.Name] = i
	}
}

// groupNames returns the names of the node groups.
func (v *validator) groupNames() []string {
	out := make([]string, len(v.c.NodeGroups))
	for i, g := range v.c.NodeGroups {
		out[i] = g.Name
	}
	return out
}

// bootstrap checks bootstrap scripts (Alibaba) or actions (AWS).
func (v *validator) bootstrap(scheme string, maxScripts int) {
	c := v.c
	if len(c.BootstrapScripts) > maxScripts {
		v.errorf(ruleBootstrap, "bootstrapScripts", fmt.Sprintf("keep at most %d", maxScripts), "%d bootstrap scripts given, the most is %d", len(c.BootstrapScripts), maxScripts)
	}
	names := v.groupNames()
	for i, b := range c.BootstrapScripts {
		p := fmt.Sprintf("bootstrapScripts[%d]", i)
		if v.input(ruleBootstrap, p+".name", validate.Name(p+".name", b.Name)) && len([]rune(b.Name)) > 64 {
			v.errorf(ruleBootstrap, p+".name", "use at most 64 characters", "name is longer than 64 characters")
		}
		v.input(ruleBootstrap, p+".path", validate.ScriptPath(p+".path", b.Path, scheme, nil))
		if strings.ContainsAny(b.Args, "`$;|&<>\\\"'\n\r") || strings.ContainsFunc(b.Args, isControl) {
			v.errorf(ruleBootstrap, p+".args", "pass plain words and values; the script must not rely on shell syntax in its arguments",
				"args contain a shell metacharacter or control character")
		}
		if scheme == "s3" {
			if b.Moment != "" || b.FailStrategy != "" || b.NodeSelector != nil {
				v.errorf(ruleProviderFields, p, "remove moment, failStrategy and nodeSelector: AWS bootstrap actions run on every node before applications install",
					"moment, failStrategy and nodeSelector apply to provider aliyun only")
			}
			continue
		}
		enum(v, ruleBootstrap, p+".moment", b.Moment, true)
		enum(v, ruleBootstrap, p+".failStrategy", b.FailStrategy, true)
		v.nodeSelector(p+".nodeSelector", b.NodeSelector, names)
	}
}

func (v *validator) nodeSelector(p string, s *NodeSelector, names []string) {
	if s == nil {
		v.errorf(ruleBootstrap, p, "set nodeSelector: {type: CLUSTER} to run on every node", "nodeSelector is required")
		return
	}
	if !enum(v, ruleBootstrap, p+".type", s.Type, true) {
		return
	}
	switch s.Type {
	case SelectNodeGroup:
		if len(s.NodeGroupNames) == 0 && len(s.NodeGroupTypes) == 0 {
			v.errorf(ruleBootstrap, p, "list nodeGroupNames or nodeGroupTypes", "type NODE_GROUP selects no node group")
		}
		for j, n := range s.NodeGroupNames {
			if !slices.Contains(names, n) {
				v.errorf(ruleBootstrap, fmt.Sprintf("%s.nodeGroupNames[%d]", p, j), "use the name of one of nodeGroups", "no node group is named %q", n)
			}
		}
		for j, t := range s.NodeGroupTypes {
			enum(v, ruleBootstrap, fmt.Sprintf("%s.nodeGroupTypes[%d]", p, j), t, true)
		}
	case SelectNode:
		if len(s.NodeNames) == 0 {
			v.errorf(ruleBootstrap, p, "list nodeNames", "type NODE selects no node")
		}
	}
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// count returns a group's node count, 0 when unset.
func count(g NodeGroup) int {
	if g.Count == nil {
		return 0
	}
	return *g.Count
}

// nodeCount checks the count every node group needs.
func (v *validator) nodeCount(p string, g NodeGroup) {
	switch {
	case g.Count == nil:
		v.errorf(ruleNodeCount, p+".count", "set count; emrctl never chooses a node count for you", "count is required")
	case *g.Count < 0:
		v.errorf(ruleNodeCount, p+".count", "use 0 or more", "count %d is negative", *g.Count)
	case *g.Count > v.opts.NodeGroupMaxAtCreate:
		v.errorf(ruleNodeCount, p+".count",
			fmt.Sprintf("create the group with at most %d nodes and scale out in confirmed batches", v.opts.NodeGroupMaxAtCreate),
			"count %d is above the policy limit of %d nodes per group at creation", *g.Count, v.opts.NodeGroupMaxAtCreate)
	}
}

// totalNodes warns about a cluster large enough to need a cost ack.
func (v *validator) totalNodes(total int) {
	if total > v.opts.TotalNodesAckThreshold {
		v.warnf(ruleTotalNodes, "nodeGroups", "confirm the cost explicitly, or start smaller and scale out",
			"the cluster has %d nodes, above %d: creating it needs an explicit cost acknowledgement", total, v.opts.TotalNodesAckThreshold)
	}
}
