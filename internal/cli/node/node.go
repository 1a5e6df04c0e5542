// Package node holds 'emrctl node': the nodes (ECS instances) of a cluster.
package node

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'node' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "node",
		Aliases: []string{"nodes"},
		Short:   "List the nodes of a cluster",
	}
	cmd.AddCommand(newListCmd(f, nil))
	return cmd
}

type listOptions struct {
	f        *cmdutil.Factory
	id       string
	groups   []string
	states   []string
	nodeIDs  []string
	abnormal bool
	pageSize int
	limit    int
}

func newListCmd(f *cmdutil.Factory, run func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{f: f}
	cmd := &cobra.Command{
		Use:   "list CLUSTER_ID",
		Short: "List the nodes of a cluster (every page, streamed), by node group and state",
		Long: `List the nodes of a cluster. Every page is read and printed as it arrives, so
a large cluster does not have to fit in memory. --abnormal shows the nodes
operations.md checks for: Stopped and Terminated.`,
		Example: `  emrctl node list c-xxxxxxxxxxxxxxxx
  emrctl node list c-xxxxxxxxxxxxxxxx --abnormal
  emrctl node list c-xxxxxxxxxxxxxxxx --node-group ng-xxxxxxxxxxxxxxxx --state Running -o wide
  emrctl node list c-xxxxxxxxxxxxxxxx -o json --query "[].privateIp"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if o.pageSize < 1 || o.pageSize > 100 {
				return cmdutil.FlagErrorf("--page-size must be 1 to 100, got %d", o.pageSize)
			}
			if o.limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", o.limit)
			}
			if o.abnormal && len(o.states) > 0 {
				return cmdutil.FlagErrorf("--abnormal cannot be combined with --state: it means --state Stopped,Terminated")
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&o.groups, "node-group", nil, "node group IDs (repeatable)")
	fl.StringSliceVar(&o.states, "state", nil, "node states (repeatable), in the cloud's words: Pending, Starting, Running, Stopping, Stopped, Terminated (AWS: AWAITING_FULFILLMENT, PROVISIONING, BOOTSTRAPPING, RUNNING, TERMINATED)")
	fl.StringSliceVar(&o.nodeIDs, "id", nil, "only these node IDs")
	fl.BoolVar(&o.abnormal, "abnormal", false, "only abnormal nodes (Stopped or Terminated; on AWS TERMINATED)")
	fl.IntVar(&o.pageSize, "page-size", 100, "nodes per API call (1-100)")
	fl.IntVar(&o.limit, "limit", 0, "stop after this many nodes (0: all)")
	return cmd
}

// canonicalState accepts node states in any case ("stopped").
func canonicalState(states []string, s string) string {
	for _, v := range states {
		if strings.EqualFold(s, v) {
			return v
		}
	}
	return s
}

var nodeColumns = []output.Column{
	{Header: "NODE", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "ROLE", Field: "role"},
	{Header: "NODE GROUP", Field: "nodeGroupId"},
	{Header: "STATE", Field: "state"},
	{Header: "INSTANCE TYPE", Field: "instanceType"},
	{Header: "PRIVATE IP", Field: "privateIp"},
	{Header: "ZONE", Field: "zoneId", Wide: true},
	{Header: "PUBLIC IP", Field: "publicIp", Wide: true},
	{Header: "PAYMENT", Field: "paymentType", Wide: true},
	{Header: "MAINTENANCE", Field: "maintenance", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
	{Header: "EXPIRES", Field: "expireTime", Kind: output.Time, Wide: true},
}

func runList(ctx context.Context, o *listOptions) error {
	f := o.f
	ls, err := f.ListStream(nodeColumns, o.limit)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	for i, st := range o.states {
		o.states[i] = canonicalState(s.Engine.NodeStates(), st)
	}
	if o.abnormal {
		o.states = s.Engine.AbnormalNodeStates()
	}
	filter := provider.NodeFilter{NodeGroupIDs: o.groups, States: o.states, NodeIDs: o.nodeIDs}
	err = s.Engine.ListNodes(ctx, o.id, filter, o.pageSize, func(page []provider.Node) error { return cmdutil.WritePage(ls, page) })
	empty := "No nodes found."
	if o.abnormal {
		empty = "No abnormal nodes: none is Stopped or Terminated."
	}
	return ls.Finish(err, empty)
}
