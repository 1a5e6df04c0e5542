package nodegroup

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/emrctl/emrctl/internal/cli/cmdutil"
	"github.com/emrctl/emrctl/internal/engine"
	"github.com/emrctl/emrctl/internal/output"
	"github.com/emrctl/emrctl/internal/spec"
)

func newCreateCmd(f *cmdutil.Factory) *cobra.Command {
	var file, name, role, spotStrategy string
	var count int
	var types, vswitches []string
	cmd := &cobra.Command{
		Use:   "create CLUSTER_ID (-f GROUP.yaml | --name N --role TASK --count C --instance-type T)",
		Short: "Add a node group to a cluster (TASK, CORE or GATEWAY)",
		Long: `Add a node group, from a file in the node group format of cluster specs or
from flags. It is checked with the same rules as the groups of a spec (role,
instance types, disks, spot settings). Limits: more than 30 nodes needs
confirmation; more than 50 is refused. Defaults: the MASTER group's vSwitches,
cloud_essd disks (120 GB system, 80 GB data).`,
		Example: `  emrctl nodegroup create c-xxx --name task-1 --role TASK --count 3 --instance-type ecs.g8i.2xlarge
  emrctl nodegroup create c-xxx --name task-spot --role TASK --count 5 \
      --instance-type ecs.g8i.2xlarge --instance-type ecs.g8i.xlarge --spot SpotAsPriceGo
  emrctl nodegroup create c-xxx -f task-group.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := groupFrom(file, name, role, spotStrategy, count, types, vswitches, cmd.Flags().Changed)
			if err != nil {
				return err
			}
			s, err := f.Session(cmd.Context())
			if err != nil {
				return err
			}
			out, err := s.Engine.CreateNodeGroup(cmd.Context(), f.Call(false), engine.NodeGroupInput{ClusterID: args[0], Group: *g})
			if err != nil {
				return err
			}
			cols := []output.Column{
				{Header: "STATUS", Field: "outcome.status"},
				{Header: "NODE GROUP", Field: "nodeGroupId"},
				{Header: "JOURNAL", Field: "outcome.journalId"}, {Header: "REQUEST", Field: "outcome.result.requestId"},
			}
			var notes []string
			if out.Outcome != nil && out.Outcome.Note != "" {
				notes = append(notes, out.Outcome.Note)
			}
			return cmdutil.PrintWithNotes(f, out, cols, notes)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "file", "f", "", "node group file (YAML, the nodeGroups[] format of cluster specs)")
	fl.StringVar(&name, "name", "", "node group name")
	fl.StringVar(&role, "role", "TASK", "TASK, CORE or GATEWAY (MASTER-EXTEND for HA clusters)")
	fl.IntVar(&count, "count", 0, "nodes")
	fl.StringSliceVar(&types, "instance-type", nil, "instance type (repeat for spot alternatives)")
	fl.StringSliceVar(&vswitches, "vswitch", nil, "vSwitch ID (default: the MASTER group's)")
	cmdutil.AddIdempotencyFlag(cmd, f)
	fl.StringVar(&spotStrategy, "spot", "", "spot strategy: SpotAsPriceGo or SpotWithPriceLimit (TASK groups)")
	return cmd
}

// groupFrom builds the group from a file or from flags, never both.
func groupFrom(file, name, role, spot string, count int, types, vswitches []string, changed func(string) bool) (*spec.NodeGroup, error) {
	if file != "" {
		for _, fl := range []string{"name", "role", "count", "instance-type", "vswitch", "spot"} {
			if changed(fl) {
				return nil, cmdutil.FlagErrorf("--%s clashes with --file: set it in the file", fl)
			}
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, cmdutil.FlagErrorf("read node group: %v", err)
		}
		g, err := spec.LoadNodeGroup(raw)
		if err != nil {
			return nil, cmdutil.FlagErrorf("%s: %v", file, err)
		}
		return g, nil
	}
	if name == "" || count < 0 || len(types) == 0 || !changed("count") {
		return nil, cmdutil.FlagErrorf("give --name, --count and --instance-type (or --file)")
	}
	g := &spec.NodeGroup{Name: name, Role: spec.NodeRole(role), Count: &count, InstanceTypes: types, VSwitchIDs: vswitches}
	if spot != "" {
		g.Spot = &spec.Spot{Strategy: spec.SpotStrategy(spot)}
	}
	return g, nil
}
