package aws

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
)

// ClusterColumns are the columns of an AWS cluster list.
var ClusterColumns = []output.Column{
	{Header: "ID", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "HOURS", Field: "aws.normalizedInstanceHours", Kind: output.Count},
	{Header: "READY", Field: "readyTime", Kind: output.Time, Wide: true},
	{Header: "ENDED", Field: "endTime", Kind: output.Time, Wide: true},
	{Header: "REASON", Field: "stateReason.code", Wide: true},
	{Header: "MESSAGE", Field: "stateReason.message", Wide: true},
}

// InstanceColumns are the columns of an instance list.
var InstanceColumns = []output.Column{
	{Header: "INSTANCE", Field: "id"},
	{Header: "TYPE", Field: "role"},
	{Header: "STATE", Field: "state"},
	{Header: "INSTANCE TYPE", Field: "instanceType"},
	{Header: "GROUP", Field: "nodeGroupId"},
	{Header: "MARKET", Field: "paymentType"},
	{Header: "PRIVATE IP", Field: "privateIp", Wide: true},
	{Header: "PUBLIC IP", Field: "publicIp", Wide: true},
	{Header: "EMR ID", Field: "name", Wide: true},
	{Header: "CREATED", Field: "createTime", Kind: output.Time, Wide: true},
}

// StepColumns are the columns of a step list.
var StepColumns = []output.Column{
	{Header: "STEP", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "STATE", Field: "state"},
	{Header: "ON FAILURE", Field: "actionOnFailure"},
	{Header: "CREATED", Field: "createTime", Kind: output.Time},
	{Header: "STARTED", Field: "startTime", Kind: output.Time, Wide: true},
	{Header: "ENDED", Field: "endTime", Kind: output.Time, Wide: true},
	{Header: "FAILURE", Field: "failure.reason", Wide: true},
	{Header: "ARGS", Value: func(item any) string { return provider.ShellJoin(stepArgs(item)) }, Wide: true},
}

func stepArgs(item any) []string {
	switch s := item.(type) {
	case provider.Step:
		return s.Args
	case *provider.Step:
		return s.Args
	}
	return nil
}

// GroupColumns are the columns of an instance group or fleet list.
var GroupColumns = []output.Column{
	{Header: "GROUP", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "TYPE", Field: "role"},
	{Header: "STATE", Field: "state"},
	{Header: "RUNNING", Field: "runningNodes", Kind: output.Count},
	{Header: "REQUESTED", Field: "desiredNodes", Kind: output.Count},
	{Header: "INSTANCE TYPES", Value: func(item any) string {
		if g, ok := item.(engine.NodeGroupView); ok {
			return strings.Join(g.InstanceTypes, ",")
		}
		return ""
	}},
	{Header: "MARKET", Field: "market"},
	{Header: "BID", Field: "bidPrice", Wide: true},
}

func newListCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list clusters|instances|steps|groups",
		Short: "List clusters, instances, steps or instance groups (cloudmesh-emr 'list')",
	}
	cmd.AddCommand(newListClustersCmd(f), newListInstancesCmd(f), newListStepsCmd(f), newListGroupsCmd(f))
	return cmd
}

func newListClustersCmd(f *cmdutil.Factory) *cobra.Command {
	var statuses []string
	var after, before string
	var limit int
	cmd := &cobra.Command{
		Use:   "clusters",
		Short: "List clusters, every page; --status repeats for a union",
		Long: `List clusters. --status takes cloudmesh-emr's names (start, boot, run, wait,
terminating, shutdown, error; all is the default), 'active' (every live state),
or EMR's states (RUNNING, WAITING, ...); repeat it for a union.`,
		Example: `  emrctl aws list clusters --status start --status boot
  emrctl aws list clusters --status active --format csv
  emrctl aws list clusters --created-after 2026-01-01 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filter, err := engine.AWSClusterFilter(statuses)
			if err != nil {
				return err
			}
			if filter.CreatedAfter, err = parseDate("--created-after", after); err != nil {
				return err
			}
			if filter.CreatedBefore, err = parseDate("--created-before", before); err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			var all []provider.Cluster
			err = s.Engine.ListClusters(cmd.Context(), filter, 50, func(page []provider.Cluster) error {
				for _, c := range page {
					if limit > 0 && len(all) >= limit {
						break
					}
					all = append(all, c)
				}
				return nil
			})
			if err != nil {
				return err
			}
			return PrintList(f, all, ClusterColumns, "No clusters found.")
		},
	}
	cmd.Flags().StringArrayVar(&statuses, "status", nil, "status to include (repeatable): all, active, start, boot, run, wait, terminating, shutdown, error, or an EMR state")
	cmd.Flags().StringVar(&after, "created-after", "", "only clusters created after this date (2006-01-02 or RFC 3339)")
	cmd.Flags().StringVar(&before, "created-before", "", "only clusters created before this date (2006-01-02 or RFC 3339)")
	cmd.Flags().IntVar(&limit, "limit", 0, "stop after this many clusters (0: all)")
	return cmd
}

func parseDate(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, cmdutil.FlagErrorf("%s %q: want a date such as 2026-01-31 or 2026-01-31T08:00:00Z", flag, v)
}

func newListInstancesCmd(f *cmdutil.Factory) *cobra.Command {
	var statuses, types []string
	var group string
	cmd := &cobra.Command{
		Use:   "instances CLUSTER_ID",
		Short: "List a cluster's instances by type and state",
		Long: `List the EC2 instances of a cluster. --status takes cloudmesh-emr's names
(start, provision, run, down; all is the default) or EMR's states; --type takes
master, core or task. Both repeat for a union.`,
		Example: `  emrctl aws list instances j-2AXXXXXXGAPLF --type core --type task --status run`,
		Args:    cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			nodes, err := e.AWSInstances(ctx, args[0], engine.AWSInstanceFilter{Roles: types, States: statuses, GroupID: group})
			if err != nil {
				return err
			}
			return PrintList(f, nodes, InstanceColumns, "No instances found.")
		}),
	}
	cmd.Flags().StringArrayVar(&statuses, "status", nil, "status to include (repeatable): all, start, provision, boot, run, down, or an EMR state")
	cmd.Flags().StringArrayVar(&types, "type", nil, "instance group type (repeatable): all, master, core, task")
	cmd.Flags().StringVar(&group, "group", "", "only this instance group or fleet")
	return cmd
}

func newListStepsCmd(f *cmdutil.Factory) *cobra.Command {
	var states []string
	cmd := &cobra.Command{
		Use:   "steps CLUSTER_ID",
		Short: "List a cluster's steps, newest first",
		Long: `List the steps of a cluster. --state (or --status) takes cloudmesh-emr's names
(pending, canceling, running, completed, cancelled, failed, interrupted; all is
the default) or EMR's states, and repeats for a union.`,
		Example: `  emrctl aws list steps j-2AXXXXXXGAPLF --state running --state pending`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return ListSteps(cmd, f, args[0], states)
		},
	}
	cmd.Flags().StringArrayVar(&states, "state", nil, "state to include (repeatable): all, pending, canceling, running, completed, cancelled, failed, interrupted")
	cmd.Flags().StringArrayVar(&states, "status", nil, "same as --state")
	return cmd
}

// ListSteps lists a cluster's steps (shared with 'emrctl step list').
func ListSteps(cmd *cobra.Command, f *cmdutil.Factory, clusterID string, states []string) error {
	s, err := f.Session(cmd.Context())
	if err != nil {
		return err
	}
	steps, err := s.Engine.ListSteps(cmd.Context(), clusterID, states)
	if err != nil {
		return err
	}
	return PrintList(f, steps, StepColumns, "No steps found.")
}

func newListGroupsCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "groups CLUSTER_ID",
		Aliases: []string{"fleets"},
		Short:   "List a cluster's instance groups (or fleets)",
		Args:    cobra.ExactArgs(1),
		RunE: cmdutil.WithEngine(f, func(ctx context.Context, e *engine.Engine, args []string) error {
			v, err := e.DescribeAWSCluster(ctx, args[0])
			if err != nil {
				return err
			}
			format, _ := f.Format()
			if format.Structured() || f.Query != "" {
				if len(v.InstanceFleets) > 0 {
					return PrintList(f, v.InstanceFleets, GroupColumns, "")
				}
				return PrintList(f, v.InstanceGroups, GroupColumns, "")
			}
			return PrintList(f, v.NodeGroups, GroupColumns, fmt.Sprintf("Cluster %s has no instance groups (it is %s).", args[0], v.Cluster.State))
		}),
	}
}

// StepDetailColumns are the rows of one step for people.
var StepDetailColumns = []output.Column{
	{Header: "Step", Field: "id"},
	{Header: "Cluster", Field: "clusterId"},
	{Header: "Name", Field: "name"},
	{Header: "State", Field: "state"},
	{Header: "Reason", Field: "stateReason.message"},
	{Header: "Failure", Field: "failure.reason"},
	{Header: "Failure message", Field: "failure.message"},
	{Header: "Log file", Field: "failure.logFile"},
	{Header: "On failure", Field: "actionOnFailure"},
	{Header: "Jar", Field: "jar"},
	{Header: "Main class", Field: "mainClass"},
	{Header: "Args", Value: func(item any) string { return provider.ShellJoin(stepArgs(item)) }},
	{Header: "Created", Field: "createTime", Kind: output.Time},
	{Header: "Started", Field: "startTime", Kind: output.Time},
	{Header: "Ended", Field: "endTime", Kind: output.Time},
}

// CancelColumns are the columns of a cancelled step.
var CancelColumns = []output.Column{
	{Header: "STEP", Field: "stepId"},
	{Header: "STATUS", Field: "status"},
	{Header: "REASON", Field: "reason"},
	{Header: "JOURNAL", Field: "outcome.journalId"},
}
