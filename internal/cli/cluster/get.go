package cluster

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
)

type getOptions struct {
	f  *cmdutil.Factory
	id string
}

func newGetCmd(f *cmdutil.Factory, run func(context.Context, *getOptions) error) *cobra.Command {
	o := &getOptions{f: f}
	return &cobra.Command{
		Use:     "get CLUSTER_ID",
		Aliases: []string{"describe"},
		Short:   "Show a cluster: state and reason, node groups, node counts, applications, protection, expiry",
		Example: `  emrctl cluster get c-xxxxxxxxxxxxxxxx
  emrctl cluster get c-xxxxxxxxxxxxxxxx -o json --query cluster.state`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.id = args[0]
			if run != nil {
				return run(cmd.Context(), o)
			}
			return runGet(cmd.Context(), o)
		},
	}
}

var detailColumns = []output.Column{
	{Header: "ID", Field: "cluster.id"},
	{Header: "Name", Field: "cluster.name"},
	{Header: "State", Field: "cluster.state"},
	{Header: "Reason", Field: "cluster.stateReason.code"},
	{Header: "Reason message", Field: "cluster.stateReason.message"},
	{Header: "Type", Field: "cluster.type"},
	{Header: "Release", Field: "cluster.releaseVersion"},
	{Header: "Deploy mode", Field: "cluster.deployMode"},
	{Header: "Payment", Field: "cluster.paymentType"},
	{Header: "Region", Field: "cluster.region"},
	{Header: "Zone", Field: "cluster.aliyun.zoneId"},
	{Header: "VPC", Field: "cluster.aliyun.vpcId"},
	{Header: "Security group", Field: "cluster.aliyun.securityGroupId"},
	{Header: "Deletion protection", Field: "cluster.deletionProtection", Kind: output.Bool},
	{Header: "Created", Field: "cluster.createTime", Kind: output.Time},
	{Header: "Ready", Field: "cluster.readyTime", Kind: output.Time},
	{Header: "Expires", Field: "cluster.expireTime", Kind: output.Time},
	{Header: "Auto-renew", Field: "cluster.aliyun.subscription.autoRenew", Kind: output.Bool},
	{Header: "Nodes", Field: "nodes", Kind: output.Count},
	{Header: "Node states", Value: func(item any) string {
		v, ok := item.(*engine.ClusterView)
		if !ok {
			return ""
		}
		return states(engine.NodeGroupView{NodeStates: v.NodeStates})
	}},
}

var groupColumns = []output.Column{
	{Header: "NODE GROUP", Field: "id"},
	{Header: "NAME", Field: "name"},
	{Header: "ROLE", Field: "role"},
	{Header: "STATE", Field: "state"},
	{Header: "RUNNING", Field: "runningNodes", Kind: output.Count},
	{Header: "INSTANCE TYPES", Value: func(item any) string { return strings.Join(field[[]string](item, "instanceTypes"), ",") }},
	{Header: "PAYMENT", Field: "paymentType"},
	{Header: "NODE STATES", Value: func(item any) string { return states(item) }},
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
	v, err := s.Engine.DescribeCluster(ctx, o.id)
	if err != nil {
		return err
	}
	if format.Structured() || f.Query != "" || format == output.CSV {
		return output.PrintObject(f.IOStreams.Out, format, f.Query, v, detailColumns, opts(f)...)
	}
	return printView(f, v)
}

func printView(f *cmdutil.Factory, v *engine.ClusterView) error {
	w := f.IOStreams.Out
	if err := output.PrintDetail(w, v, detailColumns, opts(f)...); err != nil {
		return err
	}
	if len(v.NodeGroups) > 0 {
		fmt.Fprintln(w)
		if err := output.PrintTable(w, v.NodeGroups, groupColumns, opts(f)...); err != nil {
			return err
		}
	}
	if len(v.Applications) > 0 {
		var apps []string
		for _, a := range v.Applications {
			apps = append(apps, strings.TrimSpace(a.Name+" "+a.Version))
		}
		fmt.Fprintf(w, "\nApplications: %s\n", strings.Join(apps, ", "))
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(f.IOStreams.ErrOut, "warning: %s\n", warn)
	}
	return nil
}

func field[T any](item any, name string) T {
	var zero T
	if g, ok := item.(engine.NodeGroupView); ok {
		if name == "instanceTypes" {
			if v, ok := any(g.InstanceTypes).(T); ok {
				return v
			}
		}
	}
	return zero
}

func states(item any) string {
	g, ok := item.(engine.NodeGroupView)
	if !ok {
		return ""
	}
	names := slices.Collect(maps.Keys(g.NodeStates))
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(stateRank(a), stateRank(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var parts []string
	for _, s := range names {
		if n := g.NodeStates[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", s, n))
		}
	}
	return strings.Join(parts, " ")
}

// nodeStateOrder puts live nodes first and gone ones last, for Alibaba
// (Running) and AWS (RUNNING) alike; other states sort between by name.
var nodeStateOrder = []string{"Running", "RUNNING", "Pending", "Starting", "AWAITING_FULFILLMENT", "PROVISIONING", "BOOTSTRAPPING"}

var nodeStateLast = []string{"Stopping", "Stopped", "Terminated", "TERMINATED"}

func stateRank(s string) int {
	if i := slices.Index(nodeStateOrder, s); i >= 0 {
		return i
	}
	if i := slices.Index(nodeStateLast, s); i >= 0 {
		return 100 + i
	}
	return 50
}
