// Package scale holds 'emrctl scale out|in': adding and releasing nodes of
// a node group within the safety policy's limits.
package scale

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

// NewCmd returns the 'scale' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scale",
		Short: "Add or release nodes of a node group (within the safety limits)",
		Long: `Scale a node group out (IncreaseNodes) or in (DecreaseNodes).

Limits enforced (tighten them in policy.yaml): at most 50 nodes per scale-out,
confirmation above 20, cost acknowledgement above 100 nodes in the cluster;
scale-in only on TASK groups and never on subscription nodes, by node IDs taken
from 'emrctl node list', at most 10 nodes per call with 120 s between batches,
and never to zero without --ack-zero.`,
	}
	cmd.AddCommand(newOutCmd(f), newInCmd(f), newToCmd(f))
	return cmd
}

func newToCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.ResizeInput
	var wait, ackZero bool
	var nodes []string
	cmd := &cobra.Command{
		Use:   "to CLUSTER_ID --node-group NG_ID --count N",
		Short: "Set a node group's size: add or release nodes to reach N",
		Long: `Set a node group's size. A group already of that size is left alone
(nothing is sent); a larger size adds nodes with the scale-out rules, a
smaller one releases nodes with the scale-in rules (TASK groups only, in
batches, the interval between them, never to zero without --ack-zero).`,
		Example: `  emrctl scale to c-xxx --node-group ng-task --count 4
  emrctl scale to j-XXXX --node-group ig-XXXX --count 2 --nodes i-0abc,i-0def`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ClusterID = args[0]
			if err := requireGroup(in.ClusterID, in.NodeGroupID); err != nil {
				return err
			}
			if !cmd.Flags().Changed("count") {
				return cmdutil.FlagErrorf("--count is required: the size the group should have")
			}
			in.NodeIDs = splitIDs(nodes)
			in.AckZero = ackZero
			in.Progress = progressTo(f)
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.ResizeNodeGroup(cmd.Context(), f.Call(ackZero), in)
			return finish(cmd, f, s.Engine, res, err, wait)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.NodeGroupID, "node-group", "", "node group ID")
	fl.IntVar(&in.Count, "count", 0, "the size the group should have")
	fl.StringSliceVar(&nodes, "nodes", nil, "when shrinking: the node IDs to release (default: the newest)")
	fl.DurationVar(&in.BatchInterval, "batch-interval", 0, "time between scale-in batches (default and minimum: the policy's 120s)")
	fl.BoolVar(&ackZero, "ack-zero", false, "acknowledge that the group ends with no nodes")
	fl.BoolVar(&wait, "wait", false, "wait until the node group is idle again")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// finish prints what a scaling command did (also when it stopped part
// way) and waits for the group when asked.
func finish(cmd *cobra.Command, f *cmdutil.Factory, e *engine.Engine, res *engine.ScaleResult, err error, wait bool) error {
	if res != nil && err != nil {
		_ = printResult(f, res)
	}
	if err != nil {
		return err
	}
	if wait && res.Outcome.Sent() {
		if err := e.WaitNodeGroup(cmd.Context(), res.ClusterID, res.NodeGroupID); err != nil {
			return err
		}
	}
	return printResult(f, res)
}

func requireGroup(clusterID, groupID string) error {
	if groupID == "" {
		return cmdutil.FlagErrorf("--node-group is required (see 'emrctl nodegroup list %s')", clusterID)
	}
	return nil
}

// progressTo prints a scaling command's progress on stderr.
func progressTo(f *cmdutil.Factory) func(string) {
	return func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, msg) }
}

func splitIDs(list []string) []string {
	var out []string
	for _, n := range list {
		for _, id := range strings.Split(n, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

func newOutCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.ScaleOutInput
	var wait bool
	cmd := &cobra.Command{
		Use:   "out CLUSTER_ID --node-group NG_ID --count N",
		Short: "Add nodes to a node group",
		Example: `  emrctl scale out c-xxx --node-group ng-xxx --count 3
  emrctl scale out c-xxx --node-group ng-xxx --count 5 --min 2      # partial success when stock is short
  emrctl scale out c-xxx --node-group ng-sub --count 2 --payment-duration 1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ClusterID = args[0]
			if err := requireGroup(in.ClusterID, in.NodeGroupID); err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.ScaleOut(cmd.Context(), f.Call(false), in)
			return finish(cmd, f, s.Engine, res, err, wait)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.NodeGroupID, "node-group", "", "node group ID")
	fl.IntVar(&in.Count, "count", 0, "nodes to add")
	fl.IntVar(&in.MinCount, "min", 0, "least nodes that count as success when stock is short")
	fl.IntVar(&in.PaymentDuration, "payment-duration", 0, "term of new subscription nodes")
	fl.StringVar(&in.PaymentUnit, "payment-unit", "", "unit of --payment-duration: Month (default) or Year")
	fl.BoolVar(&wait, "wait", false, "wait until the node group is RUNNING again")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newInCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.ScaleInInput
	var wait, ackZero bool
	var nodes []string
	cmd := &cobra.Command{
		Use:   "in CLUSTER_ID --node-group NG_ID (--nodes IDS | --count N)",
		Short: "Release nodes of a TASK node group, in batches",
		Example: `  emrctl node list c-xxx --node-group ng-task                      # pick the nodes
  emrctl scale in c-xxx --node-group ng-task --nodes i-aaa,i-bbb
  emrctl scale in c-xxx --node-group ng-task --count 25 --batch-size 10 --batch-interval 120s`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.ClusterID = args[0]
			if err := requireGroup(in.ClusterID, in.NodeGroupID); err != nil {
				return err
			}
			in.NodeIDs = splitIDs(nodes)
			in.AckZero = ackZero
			in.Progress = progressTo(f)
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.ScaleIn(cmd.Context(), f.Call(ackZero), in)
			return finish(cmd, f, s.Engine, res, err, wait)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&in.NodeGroupID, "node-group", "", "node group ID (a TASK group)")
	fl.StringSliceVar(&nodes, "nodes", nil, "node IDs to release (from 'emrctl node list')")
	fl.IntVar(&in.Count, "count", 0, "release this many nodes, newest first (the choice is journaled)")
	fl.IntVar(&in.BatchSize, "batch-size", 0, "nodes per DecreaseNodes call (default and maximum: the policy's 10)")
	fl.DurationVar(&in.BatchInterval, "batch-interval", 0, "time between batches (default and minimum: the policy's 120s)")
	fl.BoolVar(&ackZero, "ack-zero", false, "acknowledge that the group ends with no nodes")
	fl.BoolVar(&wait, "wait", false, "wait until the node group is RUNNING again")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

var resultColumns = []output.Column{
	{Header: "STATUS", Value: func(item any) string { return outcomeStatus(item.(*engine.ScaleResult).Outcome) }},
	{Header: "CLUSTER", Field: "clusterId"},
	{Header: "NODE GROUP", Field: "nodeGroupId"},
	{Header: "OPERATIONS", Value: func(item any) string { return strings.Join(item.(*engine.ScaleResult).OperationIDs, ",") }},
	{Header: "NODES", Value: func(item any) string { return fmt.Sprint(len(item.(*engine.ScaleResult).NodeIDs)) }},
	{Header: "NODE IDS", Wide: true, Value: func(item any) string { return strings.Join(item.(*engine.ScaleResult).NodeIDs, ",") }},
	{Header: "JOURNAL", Value: func(item any) string {
		var ids []string
		for _, id := range item.(*engine.ScaleResult).JournalIDs {
			ids = append(ids, fmt.Sprint(id))
		}
		return strings.Join(ids, ",")
	}},
}

func outcomeStatus(o *engine.Outcome) string {
	if o == nil || o.Status == "" {
		return "-"
	}
	return o.Status
}

func printResult(f *cmdutil.Factory, res *engine.ScaleResult) error {
	notes := res.Notes
	if len(res.Skipped) > 0 {
		notes = append(notes, "already being released or gone, skipped: "+strings.Join(res.Skipped, ","))
	}
	return cmdutil.PrintWithNotes(f, res, resultColumns, notes)
}
