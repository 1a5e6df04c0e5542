// Package autoscaling holds the 'emrctl autoscaling' commands: a node
// group's auto scaling policy and the scaling activities it caused.
package autoscaling

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// NewCmd returns the 'autoscaling' command group.
func NewCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "autoscaling",
		Aliases: []string{"as", "scaling"},
		Short:   "Auto scaling policies (get, put, remove) and the scaling activities they caused",
	}
	cmd.AddCommand(newGetCmd(f, nil), newActivitiesCmd(f, nil), newActivityCmd(f, nil))
	for _, add := range more {
		cmd.AddCommand(add(f))
	}
	return cmd
}

// more are the auto scaling write commands.
var more = []func(*cmdutil.Factory) *cobra.Command{newPutCmd, newRemoveCmd}

func opts(f *cmdutil.Factory) []output.Option {
	if f.NoHeaders {
		return []output.Option{output.NoHeaders()}
	}
	return nil
}

// detailed reports whether a single object is shown as a key/value table
// (for people) rather than in the -o format.
func detailed(f *cmdutil.Factory) (output.Format, bool, error) {
	format, err := f.Format()
	if err != nil {
		return format, false, err
	}
	return format, !format.Structured() && format != output.CSV && f.Query == "", nil
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
		Aliases: []string{"policy"},
		Short:   "Show a node group's auto scaling policy with its rules in words",
		Example: `  emrctl autoscaling get c-xxxxxxxxxxxxxxxx ng-xxxxxxxxxxxxxxxx
  emrctl autoscaling get c-xxxxxxxxxxxxxxxx ng-xxxxxxxxxxxxxxxx -o yaml
  emrctl autoscaling get c-xxxxxxxxxxxxxxxx ng-xxxxxxxxxxxxxxxx -o json --query "rules[].summary"`,
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

var policyColumns = []output.Column{
	{Header: "Cluster", Field: "clusterId"},
	{Header: "Node group", Value: func(item any) string {
		v := item.(*engine.ScalingPolicyView)
		return fmt.Sprintf("%s (%s, %s)", v.NodeGroupID, v.NodeGroupName, v.Role)
	}},
	{Header: "Running nodes", Field: "runningNodes", Kind: output.Count},
	{Header: "Policy", Value: func(item any) string {
		v := item.(*engine.ScalingPolicyView)
		if !v.Exists {
			return "none"
		}
		return v.ID
	}},
	{Header: "Capacity", Value: func(item any) string {
		v := item.(*engine.ScalingPolicyView)
		if !v.Exists {
			return ""
		}
		return fmt.Sprintf("min %d, max %d", v.MinCapacity, v.MaxCapacity)
	}},
	{Header: "Rules", Field: "rules", Value: func(item any) string { return fmt.Sprint(len(item.(*engine.ScalingPolicyView).Rules)) }},
}

var ruleColumns = []output.Column{
	{Header: "RULE", Field: "name"},
	{Header: "TRIGGER", Field: "triggerType"},
	{Header: "ACTIVITY", Field: "activityType"},
	{Header: "SUMMARY", Field: "summary"},
}

func runGet(ctx context.Context, o *getOptions) error {
	f := o.f
	format, detail, err := detailed(f)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	v, err := s.Engine.GetScalingPolicy(ctx, o.id, o.groupID)
	if err != nil {
		return err
	}
	if !detail {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, v, policyColumns, opts(f)...)
	}
	w := f.IOStreams.Out
	if err := output.PrintDetail(w, v, policyColumns, opts(f)...); err != nil {
		return err
	}
	if !v.Exists {
		fmt.Fprintf(f.IOStreams.ErrOut, "Node group %s has no auto scaling policy.\n", v.NodeGroupID)
		return nil
	}
	if len(v.Rules) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return output.PrintTable(w, v.Rules, ruleColumns, opts(f)...)
}

type activitiesOptions struct {
	f        *cmdutil.Factory
	id       string
	filter   provider.ActivityFilter
	pageSize int
	limit    int
}

func newActivitiesCmd(f *cmdutil.Factory, run func(context.Context, *activitiesOptions) error) *cobra.Command {
	o := &activitiesOptions{f: f}
	cmd := &cobra.Command{
		Use:   "activities CLUSTER_ID",
		Short: "List the scaling activities of a cluster with their causes and results (every page)",
		Example: `  emrctl autoscaling activities c-xxxxxxxxxxxxxxxx
  emrctl autoscaling activities c-xxxxxxxxxxxxxxxx --node-group ng-xxxxxxxxxxxxxxxx --state FAILED -o wide
  emrctl autoscaling activities c-xxxxxxxxxxxxxxxx --type SCALE_IN -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			o.filter.Type = strings.ToUpper(o.filter.Type)
			for i, s := range o.filter.States {
				o.filter.States[i] = strings.ToUpper(s)
			}
			if o.pageSize < 1 || o.pageSize > 100 {
				return cmdutil.FlagErrorf("--page-size must be 1 to 100, got %d", o.pageSize)
			}
			if o.limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative, got %d", o.limit)
			}
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runActivities(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.filter.NodeGroupID, "node-group", "", "only activities of this node group")
	fl.StringSliceVar(&o.filter.States, "state", nil, "activity states (repeatable): "+strings.Join(engine.ActivityStates(), ", "))
	fl.StringVar(&o.filter.Type, "type", "", "SCALE_OUT or SCALE_IN")
	fl.StringVar(&o.filter.RuleName, "rule", "", "only activities of this scaling rule")
	fl.IntVar(&o.pageSize, "page-size", 100, "activities per API call (1-100)")
	fl.IntVar(&o.limit, "limit", 0, "stop after this many activities (0: all)")
	return cmd
}

var activityColumns = []output.Column{
	{Header: "ACTIVITY", Field: "id"},
	{Header: "NODE GROUP", Value: func(item any) string {
		a := item.(engine.ActivityView)
		if a.NodeGroupName != "" {
			return a.NodeGroupName
		}
		return a.NodeGroupID
	}},
	{Header: "TYPE", Field: "type"},
	{Header: "STATE", Field: "state"},
	{Header: "NODES", Field: "expectNum", Kind: output.Count},
	{Header: "RULE", Field: "ruleName"},
	{Header: "STARTED", Field: "startTime", Kind: output.Time},
	{Header: "RESULT", Field: "result"},
	{Header: "ENDED", Field: "endTime", Kind: output.Time, Wide: true},
	{Header: "NODE GROUP ID", Field: "nodeGroupId", Wide: true},
	{Header: "OPERATION", Field: "operationId", Wide: true},
	{Header: "CAUSE", Field: "cause", Wide: true},
}

func runActivities(ctx context.Context, o *activitiesOptions) error {
	f := o.f
	ls, err := f.ListStream(activityColumns, o.limit)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	err = s.Engine.ListScalingActivities(ctx, o.id, o.filter, o.pageSize, func(page []engine.ActivityView) error { return cmdutil.WritePage(ls, page) })
	return ls.Finish(err, "No scaling activities found.")
}

type activityOptions struct {
	f          *cmdutil.Factory
	id         string
	activityID string
}

func newActivityCmd(f *cmdutil.Factory, run func(context.Context, *activityOptions) error) *cobra.Command {
	o := &activityOptions{f: f}
	return &cobra.Command{
		Use:   "activity CLUSTER_ID ACTIVITY_ID",
		Short: "Show one scaling activity: its cause, its result and the nodes it added or removed",
		Example: `  emrctl autoscaling activity c-xxxxxxxxxxxxxxxx asa-xxxxxxxxxxxxxxxx
  emrctl autoscaling activity c-xxxxxxxxxxxxxxxx asa-xxxxxxxxxxxxxxxx -o json --query nodeIds`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id, o.activityID = args[0], args[1]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runActivity(cmd.Context(), o)
		},
	}
}

var activityDetailColumns = []output.Column{
	{Header: "Activity", Field: "id"},
	{Header: "Cluster", Field: "clusterId"},
	{Header: "Node group", Value: func(item any) string {
		a := item.(*engine.ActivityView)
		if a.NodeGroupName == "" {
			return a.NodeGroupID
		}
		return a.NodeGroupID + " (" + a.NodeGroupName + ")"
	}},
	{Header: "Rule", Field: "ruleName"},
	{Header: "Type", Field: "type"},
	{Header: "State", Field: "state"},
	{Header: "Cause", Field: "cause"},
	{Header: "Result", Field: "result"},
	{Header: "Expected nodes", Field: "expectNum", Kind: output.Count},
	{Header: "Nodes", Value: func(item any) string { return strings.Join(item.(*engine.ActivityView).NodeIDs, ", ") }},
	{Header: "Started", Field: "startTime", Kind: output.Time},
	{Header: "Ended", Field: "endTime", Kind: output.Time},
	{Header: "Operation", Field: "operationId"},
}

func runActivity(ctx context.Context, o *activityOptions) error {
	f := o.f
	format, detail, err := detailed(f)
	if err != nil {
		return err
	}
	s, err := f.Session(ctx)
	if err != nil {
		return err
	}
	a, err := s.Engine.GetScalingActivity(ctx, o.id, o.activityID)
	if err != nil {
		return err
	}
	if !detail {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, a, activityDetailColumns, opts(f)...)
	}
	return output.PrintDetail(f.IOStreams.Out, a, activityDetailColumns, opts(f)...)
}
