// Package nodegroup holds the 'emrctl nodegroup' read commands: the node
// groups of a cluster, each with its nodes counted by state.
package nodegroup

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'nodegroup' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "nodegroup",
		Aliases: []string{"nodegroups", "ng"},
		Short:   "List and inspect the node groups of a cluster",
	}
	cmd.AddCommand(newListCmd(f, nil), newGetCmd(f, nil))
	for _, add := range more {
		cmd.AddCommand(add(f))
	}
	return cmd
}

// more are the node group write commands.
var more = []func(*cmdutil.Factory) *cobra.Command{newCreateCmd}

type listOptions struct {
	f      *cmdutil.Factory
	id     string
	roles  []string
	states []string
	names  []string
}

func newListCmd(f *cmdutil.Factory, run func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list CLUSTER_ID",
		Short: "List the node groups of a cluster with their nodes counted by state",
		Example: `  emrctl nodegroup list c-xxxxxxxxxxxxxxxx
  emrctl nodegroup list c-xxxxxxxxxxxxxxxx --role TASK -o wide
  emrctl nodegroup list c-xxxxxxxxxxxxxxxx -o json --query "[?role=='CORE'].id"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			o.roles = upper(o.roles)
			o.states = upper(o.states)
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.roles, "role", nil, "roles (repeatable): "+strings.Join(engine.NodeGroupTypes(), ", "))
	fl.StringSliceVar(&o.states, "state", nil, "node group states (repeatable), e.g. RUNNING, INCREASING, DECREASING")
	fl.StringSliceVar(&o.names, "name", nil, "node group names (repeatable)")
	return cmd
}

func upper(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(s)
	}
	return out
}

// Columns of a node group.
var groupColumns = []output.Column{
	{Header: "NODE GROUP", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "ROLE", Field: "role"},
	{Header: "STATE", Field: "state"},
	{Header: "RUNNING", Field: "runningNodes", Kind: output.Count},
	{Header: "INSTANCE TYPES", Value: func(item any) string { return strings.Join(group(item).InstanceTypes, ",") }},
	{Header: "PAYMENT", Field: "paymentType"},
	{Header: "NODE STATES", Value: func(item any) string { return nodeStates(group(item).NodeStates) }},
	{Header: "ZONE", Field: "zoneId", Wide: true},
	{Header: "VSWITCHES", Value: func(item any) string { return strings.Join(group(item).VSwitchIDs, ",") }, Wide: true},
	{Header: "SPOT", Field: "spotStrategy", Wide: true},
	{Header: "SYSTEM DISK", Value: func(item any) string { return systemDisk(group(item).SystemDisk) }, Wide: true},
	{Header: "DATA DISKS", Value: func(item any) string { return dataDisks(group(item).DataDisks) }, Wide: true},
}

func group(item any) engine.NodeGroupView {
	switch g := item.(type) {
	case engine.NodeGroupView:
		return g
	case *engine.NodeGroupDetail:
		return g.NodeGroupView
	}
	return engine.NodeGroupView{}
}

// stateOrder is the lifecycle order of node states on both clouds.
var stateOrder = []string{"Pending", "Starting", "Running", "Stopping", "Stopped", "Terminated",
	"AWAITING_FULFILLMENT", "PROVISIONING", "BOOTSTRAPPING", "RUNNING", "TERMINATED"}

// nodeStates shows counts in lifecycle order: "Running=2 Stopped=1".
func nodeStates(m map[string]int) string {
	var parts []string
	for _, s := range stateOrder {
		if n := m[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", s, n))
		}
	}
	var other []string
	for s, n := range m {
		if n > 0 && !slices.Contains(stateOrder, s) {
			other = append(other, fmt.Sprintf("%s=%d", s, n))
		}
	}
	sort.Strings(other)
	return strings.Join(append(parts, other...), " ")
}

func systemDisk(d *provider.Disk) string {
	if d == nil {
		return ""
	}
	return fmt.Sprintf("%s %dG", d.Category, d.Size)
}

func dataDisks(ds []provider.Disk) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%dx %s %dG", max(d.Count, 1), d.Category, d.Size)
	}
	return strings.Join(parts, ", ")
}

func runList(ctx context.Context, o *listOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	groups, err := s.Engine.ListNodeGroups(ctx, o.id, provider.NodeGroupFilter{Roles: o.roles, States: o.states, Names: o.names})
	if err != nil {
		return err
	}
	lw := output.NewListWriter(f.IOStreams.Out, format, groupColumns, listOpts(f)...)
	items := make([]any, len(groups))
	for i, g := range groups {
		items[i] = g
	}
	if err := lw.WriteItems(items...); err != nil {
		return err
	}
	if err := lw.Close(); err != nil {
		return err
	}
	if len(groups) == 0 && !format.Structured() && f.Query == "" {
		fmt.Fprintln(f.IOStreams.ErrOut, "No node groups found.")
	}
	return nil
}

type getOptions struct {
	f       *cmdutil.Factory
	id      string
	groupID string
}

func newGetCmd(f *cmdutil.Factory, run func(context.Context, *getOptions) error) *cobra.Command {
	o := &getOptions{f: f}
	return &cobra.Command{
		Use:     "get CLUSTER_ID NODE_GROUP_ID",
		Aliases: []string{"describe"},
		Short:   "Show a node group: state, instance types, disks, its nodes and its auto scaling limits",
		Example: `  emrctl nodegroup get c-xxxxxxxxxxxxxxxx ng-xxxxxxxxxxxxxxxx
  emrctl nodegroup get c-xxxxxxxxxxxxxxxx ng-xxxxxxxxxxxxxxxx -o json --query "nodes[?state=='Stopped'].id"`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.groupID = args[0], args[1]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runGet(cmd.Context(), o)
		},
	}
}

var detailColumns = []output.Column{
	{Header: "Node group", Field: "id"},
	{Header: "Name", Field: "name"},
	{Header: "Cluster", Field: "clusterId"},
	{Header: "Role", Field: "role"},
	{Header: "State", Field: "state"},
	{Header: "Reason", Field: "stateReason.message"},
	{Header: "Running nodes", Field: "runningNodes", Kind: output.Count},
	{Header: "Node states", Value: func(item any) string { return nodeStates(group(item).NodeStates) }},
	{Header: "Instance types", Value: func(item any) string { return strings.Join(group(item).InstanceTypes, ", ") }},
	{Header: "Payment", Field: "paymentType"},
	{Header: "Spot", Field: "spotStrategy"},
	{Header: "Zone", Field: "zoneId"},
	{Header: "vSwitches", Value: func(item any) string { return strings.Join(group(item).VSwitchIDs, ", ") }},
	{Header: "System disk", Value: func(item any) string { return systemDisk(group(item).SystemDisk) }},
	{Header: "Data disks", Value: func(item any) string { return dataDisks(group(item).DataDisks) }},
	{Header: "Auto scaling", Value: func(item any) string { return autoScaling(item) }},
}

func autoScaling(item any) string {
	d, ok := item.(*engine.NodeGroupDetail)
	if !ok || d.AutoScaling == nil {
		return "none"
	}
	sp := d.AutoScaling
	return fmt.Sprintf("min %d, max %d, %d rule(s) (emrctl autoscaling get %s %s)", sp.MinCapacity, sp.MaxCapacity, len(sp.Rules), d.ClusterID, d.ID)
}

var nodeColumns = []output.Column{
	{Header: "NODE", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "INSTANCE TYPE", Field: "instanceType"},
	{Header: "PRIVATE IP", Field: "privateIp"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
}

func runGet(ctx context.Context, o *getOptions) error {
	f := o.f
	format, err := f.Format()
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	d, err := s.Engine.GetNodeGroup(ctx, o.id, o.groupID)
	if err != nil {
		return err
	}
	if format.Structured() || format == output.CSV || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, d, detailColumns, opts(f)...)
	}
	w := f.IOStreams.Out
	if err := output.PrintDetail(w, d, detailColumns, opts(f)...); err != nil {
		return err
	}
	if len(d.Nodes) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return output.PrintTable(w, d.Nodes, nodeColumns, opts(f)...)
}

func opts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}

func listOpts(f *cmdutil.Factory) []output.Option {
	o := opts(f)
	if f.Query != "" {
		o = append(o, output.WithQuery(f.Query))
	}
	return o
}
