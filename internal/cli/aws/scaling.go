package aws

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	awsprov "github.com/emrctl/emrctl/internal/provider/aws"
)

func newAutoScalingCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "autoscaling",
		Short: "Get, put or remove an instance group's auto-scaling policy (CloudWatch rules)",
		Long: `An instance group's automatic scaling policy in EMR's CloudWatch rule form, the
same JSON the aws CLI takes (Constraints, Rules with Action and Trigger). These
are the writes of 'emrctl autoscaling' in AWS's own form: 'put' validates the
policy, shows the current one and what changes, and applies the safety policy
(TASK groups only, a MaxCapacity limit, 100 by default, and a minimum cooldown
for load-based scale-out rules, 120 s by default); the same policy again is not
sent.`,
	}
	get := &cobra.Command{
		Use:     "get CLUSTER_ID GROUP_ID",
		Short:   "Show the auto-scaling policy (its JSON can be put again)",
		Example: `  emrctl aws autoscaling get j-2AXXXXXXGAPLF ig-1234567890AB -o json > policy.json`,
		Args:    cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			v, err := e.GetScalingPolicy(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if !v.Exists {
				fmt.Fprintf(f.IOStreams.ErrOut, "Instance group %s has no auto-scaling policy.\n", args[1])
				format, _ := f.Format()
				if format.Structured() {
					return output.PrintObject(f.IOStreams.Out, format, f.Query, nil, nil)
				}
				return nil
			}
			sp := provider.ScalingPolicy{ClusterID: v.ClusterID, NodeGroupID: v.NodeGroupID, MinCapacity: v.MinCapacity, MaxCapacity: v.MaxCapacity}
			for _, r := range v.Rules {
				sp.Rules = append(sp.Rules, r.ScalingRule)
			}
			return printAutoScaling(f, awsprov.CloudWatchPolicy(sp))
		}),
	}
	var file string
	put := &cobra.Command{
		Use:     "put CLUSTER_ID GROUP_ID -f POLICY.json",
		Short:   "Replace the auto-scaling policy (shows the current one first)",
		Example: `  emrctl aws autoscaling put j-2AXXXXXXGAPLF ig-1234567890AB -f policy.json`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.FlagErrorf("--file/-f is required: the policy in CloudWatch rule form")
			}
			raw, err := ReadFile(f, file)
			if err != nil {
				return err
			}
			sp, err := awsprov.ParseAutoScalingPolicy(raw, args[0], args[1])
			if err != nil {
				return cmdutil.FlagErrorf("%s: %v", file, err)
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			change, out, err := s.Engine.PutAutoScalingPolicy(cmd.Context(), f.Call(false), sp)
			if err != nil {
				return err
			}
			Note(f, out.Note)
			res := autoScalingResult{ClusterID: args[0], GroupID: args[1], Policy: awsprov.CloudWatchPolicy(sp), Outcome: out}
			if change != nil && change.Current != nil {
				prev := awsprov.CloudWatchPolicy(*change.Current)
				res.Previous = &prev
			}
			return PrintObject(f, res, []output.Column{{Header: "GROUP", Field: "groupId"}, {Header: "MIN", Field: "policy.Constraints.MinCapacity", Kind: output.Count},
				{Header: "MAX", Field: "policy.Constraints.MaxCapacity", Kind: output.Count}, {Header: "STATUS", Field: "outcome.status"}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		},
	}
	put.Flags().StringVarP(&file, "file", "f", "", "policy file (JSON or YAML; - for stdin)")
	cmdutil.AddIdempotencyFlag(put, f)
	remove := &cobra.Command{
		Use:   "remove CLUSTER_ID GROUP_ID",
		Short: "Remove the auto-scaling policy (confirmed; a group without one is left alone)",
		Args:  cobra.ExactArgs(2),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			cur, out, err := e.RemoveAutoScalingPolicy(ctx, f.Call(false), args[0], args[1])
			if err != nil {
				return err
			}
			Note(f, out.Note)
			res := autoScalingResult{ClusterID: args[0], GroupID: args[1], Outcome: out}
			if cur != nil {
				prev := awsprov.CloudWatchPolicy(*cur)
				res.Previous = &prev
			}
			return PrintObject(f, res, []output.Column{{Header: "GROUP", Field: "groupId"}, {Header: "STATUS", Field: "outcome.status"}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		}),
	}
	cmdutil.AddIdempotencyFlag(remove, f)
	cmd.AddCommand(get, put, remove)
	return cmd
}

// autoScalingResult is what a put or remove did, the policies in AWS's
// own form.
type autoScalingResult struct {
	ClusterID string                     `json:"clusterId"`
	GroupID   string                     `json:"groupId"`
	Previous  *awsprov.AutoScalingPolicy `json:"previous,omitempty"`
	Policy    awsprov.AutoScalingPolicy  `json:"policy,omitzero"`
	Outcome   *engine.Outcome            `json:"outcome"`
}

func printAutoScaling(f *cmdutil.Factory, pol awsprov.AutoScalingPolicy) error {
	format, err := f.Format()
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, pol, nil)
	}
	w := f.IOStreams.Out
	fmt.Fprintf(w, "Min capacity: %d\nMax capacity: %d\n", pol.Constraints.MinCapacity, pol.Constraints.MaxCapacity)
	rows := make([]ruleRow, len(pol.Rules))
	for i, r := range pol.Rules {
		a := r.Trigger.CloudWatchAlarmDefinition
		s := r.Action.SimpleScalingPolicyConfiguration
		rows[i] = ruleRow{Name: r.Name, Adjustment: s.ScalingAdjustment, Type: s.AdjustmentType,
			When: fmt.Sprintf("%s %s %s %g (%d x %ds)", a.Statistic, a.MetricName, a.ComparisonOperator, a.Threshold, a.EvaluationPeriods, a.Period)}
		if s.CoolDown != nil {
			rows[i].CoolDown = *s.CoolDown
		}
	}
	fmt.Fprintln(w)
	return PrintList(f, rows, []output.Column{{Header: "RULE", Field: "name"}, {Header: "ADJUST", Field: "adjustment", Kind: output.Count}, {Header: "TYPE", Field: "type"}, {Header: "COOLDOWN", Field: "coolDown", Kind: output.Count}, {Header: "WHEN", Field: "when"}}, "")
}

type ruleRow struct {
	Name       string `json:"name"`
	Adjustment int    `json:"adjustment"`
	Type       string `json:"type"`
	CoolDown   int    `json:"coolDown"`
	When       string `json:"when"`
}

func newManagedScalingCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "managed-scaling",
		Short: "Get, put or remove a cluster's EMR managed scaling policy",
	}
	cols := []output.Column{{Header: "MIN", Field: "minimumCapacityUnits", Kind: output.Count}, {Header: "MAX", Field: "maximumCapacityUnits", Kind: output.Count},
		{Header: "MAX ON-DEMAND", Field: "maximumOnDemandCapacityUnits", Kind: output.Count}, {Header: "MAX CORE", Field: "maximumCoreCapacityUnits", Kind: output.Count}, {Header: "UNIT", Field: "unitType"}}
	get := &cobra.Command{
		Use:   "get CLUSTER_ID",
		Short: "Show the managed scaling policy",
		Args:  cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			m, err := e.ManagedScaling(ctx, args[0])
			if err != nil {
				return err
			}
			if m == nil {
				fmt.Fprintf(f.IOStreams.ErrOut, "Cluster %s has no managed scaling policy.\n", args[0])
				return nil
			}
			return PrintObject(f, m, cols)
		}),
	}
	var m provider.ManagedScaling
	put := &cobra.Command{
		Use:     "put CLUSTER_ID --min N --max N",
		Short:   "Set the managed scaling policy (confirmed; the maximum within the auto-scaling limit)",
		Example: `  emrctl aws managed-scaling put j-2AXXXXXXGAPLF --min 2 --max 20 --unit Instances`,
		Args:    cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.PutManagedScaling(ctx, f.Call(false), args[0], m)
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, []output.Column{{Header: "CLUSTER", Field: "clusterId"}, {Header: "MIN", Field: "policy.minimumCapacityUnits", Kind: output.Count}, {Header: "MAX", Field: "policy.maximumCapacityUnits", Kind: output.Count}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		}),
	}
	fl := put.Flags()
	fl.IntVar(&m.MinimumCapacityUnits, "min", 0, "minimum capacity units")
	fl.IntVar(&m.MaximumCapacityUnits, "max", 0, "maximum capacity units")
	fl.IntVar(&m.MaximumOnDemandCapacityUnits, "max-on-demand", 0, "maximum on-demand capacity units (0: no separate limit)")
	fl.IntVar(&m.MaximumCoreCapacityUnits, "max-core", 0, "maximum core capacity units (0: no separate limit)")
	fl.StringVar(&m.UnitType, "unit", "Instances", "unit: Instances, InstanceFleetUnits or VCPU")
	remove := &cobra.Command{
		Use:   "remove CLUSTER_ID",
		Short: "Remove the managed scaling policy (confirmed)",
		Args:  cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			res, err := e.RemoveManagedScaling(ctx, f.Call(false), args[0])
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, []output.Column{{Header: "CLUSTER", Field: "clusterId"}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		}),
	}
	cmdutil.AddIdempotencyFlag(put, f)
	cmdutil.AddIdempotencyFlag(remove, f)
	cmd.AddCommand(get, put, remove)
	return cmd
}
