package aws

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/provider"
	"github.com/emrctl/emrctl/internal/spec"
)

func newGroupCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Add TASK instance groups and resize instance groups",
	}
	cmd.AddCommand(newGroupAddCmd(f), newGroupResizeCmd(f))
	return cmd
}

func newGroupAddCmd(f *cmdutil.Factory) *cobra.Command {
	var name, instanceType, bid string
	var count int
	var spot bool
	cmd := &cobra.Command{
		Use:   "add CLUSTER_ID --name NAME --instance-type TYPE --count N",
		Short: "Add a TASK instance group (on-demand, or spot with --spot)",
		Long: `Add a TASK instance group: the same write as 'emrctl nodegroup create' with a
TASK group, validated, confirmed as the safety policy says and journaled. It is
additive: running it again adds another group, so each group needs its own
name.`,
		Example: `  emrctl aws group add j-2AXXXXXXGAPLF --name spot-task --instance-type m5.2xlarge --count 4 --spot --bid-price 0.20`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := taskGroup(name, instanceType, count, spot, bid)
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.CreateNodeGroup(cmd.Context(), f.Call(false), engine.NodeGroupInput{ClusterID: args[0], Group: g})
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, []output.Column{{Header: "CLUSTER", Field: "clusterId"}, {Header: "GROUP", Field: "nodeGroupId"}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "instance group name (unique in the cluster)")
	fl.StringVar(&instanceType, "instance-type", "", "EC2 instance type, e.g. m5.xlarge")
	fl.IntVar(&count, "count", 1, "number of instances")
	fl.BoolVar(&spot, "spot", false, "use spot instances (capped at the on-demand price unless --bid-price)")
	fl.StringVar(&bid, "bid-price", "", "maximum spot price in USD per hour (with --spot)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

// taskGroup is the spec of a TASK instance group from the flags of 'aws
// group add'.
func taskGroup(name, instanceType string, count int, spot bool, bid string) (spec.NodeGroup, error) {
	switch {
	case name == "":
		return spec.NodeGroup{}, cmdutil.FlagErrorf("--name is required: a group's name is unique in its cluster, and finds it again after a lost response")
	case instanceType == "":
		return spec.NodeGroup{}, cmdutil.FlagErrorf("--instance-type is required, e.g. --instance-type m5.xlarge")
	case bid != "" && !spot:
		return spec.NodeGroup{}, cmdutil.FlagErrorf("--bid-price applies to spot instances: add --spot, or remove --bid-price")
	}
	g := spec.NodeGroup{Name: name, Role: spec.RoleTask, Count: &count, InstanceTypes: []string{instanceType}}
	switch {
	case spot && bid != "":
		g.Spot = &spec.Spot{Strategy: spec.SpotWithPriceLimit, BidPrice: bid}
	case spot:
		g.Spot = &spec.Spot{Strategy: spec.SpotAsPriceGo}
	}
	return g, nil
}

func newGroupResizeCmd(f *cmdutil.Factory) *cobra.Command {
	var in engine.ResizeInput
	cmd := &cobra.Command{
		Use:   "resize CLUSTER_ID GROUP_ID --count N",
		Short: "Set an instance group's count: grow any group, shrink TASK groups only",
		Long: `Set the instance count of an instance group: the same declarative write as
'emrctl scale to'. A group already of that size is left alone. Growing
follows the scale-out limits of the safety policy (by default at most 50
instances per call, confirmation above 20); shrinking is for TASK groups only,
in batches (by default at most 10 instances, at least 120 s apart), confirmed
as the policy says. The newest instances are released unless --instance names
them.`,
		Example: `  emrctl aws group resize j-2AXXXXXXGAPLF ig-1234567890AB --count 6
  emrctl aws group resize j-2AXXXXXXGAPLF ig-1234567890AB --count 2 --instance i-0abc1234 --instance i-0def5678`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("count") {
				return cmdutil.FlagErrorf("--count is required: the group's new instance count")
			}
			in.ClusterID, in.NodeGroupID = args[0], args[1]
			in.Progress = func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, msg) }
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.ResizeNodeGroup(cmd.Context(), f.Call(in.AckZero), in)
			if res != nil {
				for _, n := range res.Notes {
					Note(f, n)
				}
			}
			if err != nil {
				return err
			}
			return PrintObject(f, res, []output.Column{{Header: "GROUP", Field: "nodeGroupId"}, {Header: "FROM", Field: "from", Kind: output.Count},
				{Header: "TO", Field: "to", Kind: output.Count}, {Header: "STATUS", Field: "outcome.status"}, {Header: "JOURNAL", Field: "journalIds"}})
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&in.Count, "count", 0, "the group's new instance count")
	fl.StringArrayVar(&in.NodeIDs, "instance", nil, "EC2 instance to release when shrinking (repeatable)")
	fl.BoolVar(&in.AckZero, "ack-zero", false, "acknowledge that the group goes to zero instances")
	fl.DurationVar(&in.BatchInterval, "batch-interval", 0, "pause between scale-in batches (default: the policy's, 120s)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	return cmd
}

func newFleetCmd(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Add a TASK instance fleet",
	}
	var file string
	add := &cobra.Command{
		Use:   "add CLUSTER_ID -f FLEET.yaml",
		Short: "Add a TASK instance fleet described in a file",
		Long: `Add a TASK instance fleet to a cluster that uses instance fleets. The file
(YAML or JSON) has name, role: TASK, targetOnDemandCapacity, targetSpotCapacity,
instanceTypes (instanceType, weightedCapacity, bidPrice or
bidPriceAsPercentageOfOnDemandPrice), spotTimeoutMinutes and spotTimeoutAction.`,
		Example: `  emrctl aws fleet add j-2AXXXXXXGAPLF -f task-fleet.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return cmdutil.FlagErrorf("--file/-f is required")
			}
			raw, err := ReadFile(f, file)
			if err != nil {
				return err
			}
			var fl provider.FleetSpec
			if err := decodeStrict(raw, &fl); err != nil {
				return cmdutil.FlagErrorf("%s: %v", file, err)
			}
			if fl.Role == "" {
				fl.Role = "TASK"
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			res, err := s.Engine.AddInstanceFleet(cmd.Context(), f.Call(false), args[0], fl)
			if err != nil {
				return err
			}
			Note(f, res.Outcome.Note)
			return PrintObject(f, res, []output.Column{{Header: "CLUSTER", Field: "clusterId"}, {Header: "FLEET", Field: "ids"}, {Header: "JOURNAL", Field: "outcome.journalId"}})
		},
	}
	add.Flags().StringVarP(&file, "file", "f", "", "fleet file (YAML or JSON; - for stdin)")
	cmdutil.AddIdempotencyFlag(add, f)
	cmd.AddCommand(add)
	return cmd
}

// decodeStrict reads JSON or YAML into v, refusing unknown fields.
func decodeStrict(raw []byte, v any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		d := json.NewDecoder(bytes.NewReader(trimmed))
		d.DisallowUnknownFields()
		return d.Decode(v)
	}
	// YAML keys are matched by the json names: convert through JSON.
	var generic any
	if err := yaml.Unmarshal(raw, &generic); err != nil {
		return err
	}
	j, err := json.Marshal(normalizeYAML(generic))
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(j))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// normalizeYAML turns YAML maps into JSON-encodable ones.
func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalizeYAML(x)
		}
		return t
	case map[any]any:
		out := map[string]any{}
		for k, x := range t {
			out[fmt.Sprint(k)] = normalizeYAML(x)
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = normalizeYAML(x)
		}
		return t
	}
	return v
}
